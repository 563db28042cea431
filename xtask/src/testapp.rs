//! The test program (`tests/app`), built static for this machine: the integration tests' child that counts
//! signals exactly, the application in the end-to-end images, the benchmark's program.

use crate::cmd::{Result, root, status};
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

/// The build context of the application images in `work`: the test program as `app`, and their
/// Containerfiles (`FROM $BASE`: the base image is named at build time).
pub fn image_context(work: &Path) -> Result<PathBuf> {
    let context = work.join("app");
    std::fs::create_dir_all(&context).map_err(|e| format!("cannot create {}: {e}", context.display()))?;
    std::fs::copy(build()?, context.join("app")).map_err(|e| format!("cannot copy the test program: {e}"))?;
    let files = [
        ("Containerfile.layered", "ARG BASE\nFROM $BASE\nCOPY app /app\nCMD [\"/app\", \"whoami\"]\n"),
        ("Containerfile.bare", "FROM scratch\nCOPY app /app\nCMD [\"/app\", \"whoami\"]\n"),
        // As the README shows: pidone taken from its image into the application's.
        (
            "Containerfile.from",
            "ARG BASE\nFROM $BASE AS pidone\nFROM scratch\nCOPY --from=pidone /pidone /pidone\nCOPY app /app\n\
             ENTRYPOINT [\"/pidone\", \"--\"]\nCMD [\"/app\", \"whoami\"]\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(context.join(name), text).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(context)
}
