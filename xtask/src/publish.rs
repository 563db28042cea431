//! What crates.io would get and build: `cargo publish --dry-run` (which packages pidone and builds the
//! package), then `cargo install` of that package, as `cargo install pidone` would build it, in a
//! CARGO_HOME that starts empty, with the toolchains rustup already has. A crates.io build is one for the
//! machine that runs it, linked through cc (build.rs says how).

use crate::cmd::{Result, root, status};
use crate::{elf, namespace, revision, targets};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The installed binary is static, has no libc among its crates, is no bigger than the largest budget of a
/// shipped file, says its version and commit, and runs `-- true` as PID 1 of a fresh PID namespace, exiting 0.
pub fn check() -> Result<()> {
    let head = revision::revision(&root()).ok_or("not a git checkout: cargo packages a commit")?;
    // Outside the workspace: neither its .cargo/config.toml nor its rust-toolchain.toml applies, as for a
    // crate from crates.io. The toolchain is this one (rustup's RUSTUP_TOOLCHAIN, inherited).
    let work = std::env::temp_dir().join(format!("pidone-crates-io-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let result = (|| {
        let cargo = |dir: &Path| {
            let mut cargo = Command::new("cargo");
            cargo.current_dir(dir).env("CARGO_HOME", work.join("cargo-home")).env_remove("CARGO_TARGET_DIR");
            cargo
        };
        let target_dir = work.join("target");
        status(
            cargo(&root())
                .args(["publish", "--quiet", "--dry-run", "--package", "pidone", "--target-dir"])
                .arg(&target_dir),
        )?;
        // The file that publish would upload (and, dry, leaves nowhere), already verified.
        status(
            cargo(&root())
                .args(["package", "--quiet", "--no-verify", "--package", "pidone", "--target-dir"])
                .arg(&target_dir),
        )?;
        let package = target_dir.join(format!("package/pidone-{VERSION}.crate"));
        status(Command::new("tar").arg("-xzf").arg(&package).arg("-C").arg(&work))?;
        let installed = work.join("installed");
        let unpacked = work.join(format!("pidone-{VERSION}"));
        status(
            cargo(&work)
                .args(["install", "--quiet", "--locked", "--path"])
                .arg(&unpacked)
                .arg("--root")
                .arg(&installed),
        )?;
        // Nothing in the package's dependencies for this machine brings a libc: no C library code can be
        // linked in but through one of them (the start files are left out, build.rs).
        let tree = cargo(&unpacked)
            .args(["tree", "--quiet", "--locked", "--offline", "--edges", "normal", "--prefix", "none"])
            .output()
            .map_err(|e| format!("cannot run cargo tree: {e}"))?;
        let tree = String::from_utf8_lossy(&tree.stdout);
        if !tree.starts_with("pidone ") || tree.lines().any(|line| line.starts_with("libc ")) {
            return Err(format!("the package's dependencies for this machine: {tree:?}"));
        }
        let binary = installed.join("bin/pidone");
        let bytes = std::fs::read(&binary).map_err(|e| format!("{}: {e}", binary.display()))?;
        let native = targets::native();
        elf::check(&bytes, native.elf).map_err(|e| format!("cargo install's pidone: {e}"))?;
        // Not the shipped file (section headers, the init's settings left to cc), but no bigger than the
        // largest of them may be: a libc or core's formatting would be ten times that.
        let most = targets::TARGETS.iter().map(|t| t.budget).max().unwrap_or_default();
        if bytes.len() as u64 > most {
            return Err(format!("cargo install's pidone is {} bytes, over {most}", bytes.len()));
        }
        let version = Command::new(&binary).arg("--version").output().map_err(|e| format!("pidone: {e}"))?;
        let want = format!("pidone version {VERSION} - git.{}\n", &head[..7]);
        if version.stdout != want.as_bytes() {
            return Err(format!(
                "cargo install's pidone says {:?}, not {want:?}",
                String::from_utf8_lossy(&version.stdout)
            ));
        }
        as_pid_1(&binary)?;
        println!(
            "cargo install of the package: a static executable of {} bytes, no interpreter, no dynamic section, no \
             libc among its crates; {:?}; as PID 1, `-- true` exits 0",
            bytes.len(),
            want.trim()
        );
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// `binary -- true` as PID 1 of a fresh PID namespace: it must exit 0 within ten seconds.
fn as_pid_1(binary: &Path) -> Result<()> {
    let mut unshare =
        namespace::unshare().arg(binary).args(["--", "true"]).spawn().map_err(|e| format!("unshare: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match unshare.try_wait().map_err(|e| format!("unshare: {e}"))? {
            Some(status) if status.success() => return Ok(()),
            Some(status) => return Err(format!("cargo install's pidone, as PID 1 of `-- true`: {status}")),
            None if Instant::now() > deadline => {
                namespace::end_namespace(&mut unshare);
                return Err("cargo install's pidone, as PID 1 of `-- true`, did not end within 10 s".into());
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}
