//! The test program (`tests/app`), built static for this machine: the integration tests' child that counts
//! signals exactly, the application in the end-to-end images, the benchmark's program.

use crate::apt;
use crate::cmd::{Result, root, status};
use crate::users::{GROUP, PASSWD};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds it. It uses std and libc (only pidone itself is libc-free), so it is built without the linker
/// flags .cargo/config.toml sets for pidone, in its own target directory.
pub fn build() -> Result<PathBuf> {
    let triple = crate::targets::native().triple;
    let target_dir = root().join("target/testapp");
    status(
        Command::new("cargo").current_dir(root()).env("RUSTFLAGS", "").env("CARGO_TARGET_DIR", &target_dir).args([
            "build",
            "--quiet",
            "--release",
            "--package",
            "pidone-testapp",
            "--target",
            triple,
        ]),
    )?;
    Ok(target_dir.join(triple).join("release/pidone-testapp"))
}

/// The build context of the application images in `work`: the test program as `app`, busybox and the
/// files of users, and their Containerfiles (`FROM $BASE`: the base image is named at build time).
pub fn image_context(work: &Path) -> Result<PathBuf> {
    let context = work.join("app");
    std::fs::create_dir_all(&context).map_err(|e| format!("cannot create {}: {e}", context.display()))?;
    std::fs::copy(build()?, context.join("app")).map_err(|e| format!("cannot copy the test program: {e}"))?;
    busybox(&context.join("busybox"))?;
    let files = [
        ("Containerfile.layered", "ARG BASE\nFROM $BASE\nCOPY app /app\nCMD [\"/app\", \"whoami\"]\n"),
        ("Containerfile.bare", "FROM scratch\nCOPY app /app\nCMD [\"/app\", \"whoami\"]\n"),
        // As the README shows: pidone taken from its image into the application's.
        (
            "Containerfile.from",
            "ARG BASE\nFROM $BASE AS pidone\nFROM scratch\nCOPY --from=pidone /pidone /pidone\nCOPY app /app\n\
             ENTRYPOINT [\"/pidone\", \"--\"]\nCMD [\"/app\", \"whoami\"]\n",
        ),
        // A server whose health pidone checks: the README's HEALTHCHECK.
        (
            "Containerfile.health",
            "ARG BASE\nFROM $BASE\nCOPY app /app\nHEALTHCHECK --interval=1s --timeout=5s --retries=1 \
             CMD [\"/pidone\", \"--probe\", \"http://127.0.0.1:8080/healthz\"]\nCMD [\"/app\", \"serve\", \"8080\"]\n",
        ),
        // Users to become, and busybox's `id` to say who one is.
        (
            "Containerfile.users",
            "ARG BASE\nFROM $BASE\nCOPY busybox /bin/busybox\nCOPY passwd group /etc/\nENTRYPOINT [\"/bin/busybox\"]\n",
        ),
        ("passwd", PASSWD),
        ("group", GROUP),
    ];
    for (name, text) in files {
        std::fs::write(context.join(name), text).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(context)
}

/// `apt-get download` of Debian's static busybox, into a directory of root's (which apt's own user could
/// not write to).
const APT_DOWNLOAD: [&str; 5] = ["download", "-qq", "-o", "APT::Sandbox::User=root", "busybox-static"];

/// Debian's static busybox for this machine at `to`, taken from its package without installing it
/// (busybox-static would take the place of a `busybox` the machine may have).
fn busybox(to: &Path) -> Result<()> {
    if to.exists() {
        return Ok(());
    }
    let dir = to.with_extension("deb.d");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let download = || Command::new("apt-get").current_dir(&dir).args(APT_DOWNLOAD).status();
    if !download().is_ok_and(|s| s.success()) {
        // A fresh machine's package lists may be empty.
        status(Command::new("apt-get").args(["update", "-qq"]))?;
        status(Command::new("apt-get").current_dir(&dir).args(APT_DOWNLOAD))?;
    }
    let deb = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| path.extension().is_some_and(|ext| ext == "deb"))
        .ok_or("apt-get download busybox-static gave no package")?;
    apt::unpack(&deb, &dir.join("root"), &[apt::BUSYBOX_PATHS])?;
    std::fs::copy(apt::busybox(&dir.join("root"))?, to).map_err(|e| format!("cannot copy busybox: {e}"))?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
