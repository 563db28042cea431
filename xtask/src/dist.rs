//! `cargo xtask dist`: the release binaries, checked, with their SHA-256 sums.

use crate::{Result, elf, root, setup, status};
use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The most a shipped binary may weigh.
pub const BUDGET: u64 = 16 * 1024;

pub struct Target {
    pub triple: &'static str,
    /// Docker's TARGETARCH, which names the artifact.
    pub arch: &'static str,
    machine: u16,
}

pub const TARGETS: [Target; 2] = [
    Target { triple: "x86_64-unknown-linux-musl", arch: "amd64", machine: elf::EM_X86_64 },
    Target { triple: "aarch64-unknown-linux-musl", arch: "arm64", machine: elf::EM_AARCH64 },
];

pub struct Dist {
    /// The artifact that runs natively on this machine.
    pub native: PathBuf,
    /// The others, by architecture name.
    pub foreign: Vec<(&'static str, PathBuf)>,
}

/// The target this machine runs natively.
fn native() -> &'static Target {
    let native = if cfg!(target_arch = "aarch64") { "arm64" } else { "amd64" };
    TARGETS.iter().find(|t| t.arch == native).expect("a native target")
}

pub fn native_arch() -> &'static str {
    native().arch
}

pub fn native_triple() -> &'static str {
    native().triple
}

pub fn dist() -> Result<Dist> {
    setup::rust_targets(&TARGETS.map(|t| t.triple))?;
    let out = root().join("target/dist");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut sums = String::new();
    let mut foreign = Vec::new();
    for target in &TARGETS {
        let artifact = build(target, &root().join("target"))?;
        let bytes = std::fs::read(&artifact).map_err(|e| format!("cannot read {}: {e}", artifact.display()))?;
        let name = format!("pidone-{}", target.arch);
        elf::check(&bytes, target.machine).map_err(|e| format!("{name}: {e}"))?;
        elf::check_no_panic_text(&bytes).map_err(|e| format!("{name}: {e}"))?;
        let size = bytes.len() as u64;
        println!("{name}: {size} bytes, {} under the {BUDGET}-byte budget", BUDGET as i64 - size as i64);
        if size > BUDGET {
            return Err(format!("{name} is {size} bytes, over the budget of {BUDGET}"));
        }
        let path = out.join(&name);
        std::fs::write(&path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        set_executable(&path)?;
        let digest = Sha256::digest(&bytes);
        let hex = digest.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        });
        let _ = writeln!(sums, "{hex}  {name}");
        if target.arch != native_arch() {
            foreign.push((target.arch, path));
        }
    }
    std::fs::write(out.join("SHA256SUMS"), sums).map_err(|e| format!("cannot write SHA256SUMS: {e}"))?;
    Ok(Dist { native: out.join(format!("pidone-{}", native_arch())), foreign })
}

/// A release build for one target (the linker settings come from .cargo/config.toml).
fn build(target: &Target, target_dir: &Path) -> Result<PathBuf> {
    status(Command::new("cargo").current_dir(root()).env("CARGO_TARGET_DIR", target_dir).args([
        "build",
        "--quiet",
        "--release",
        "--package",
        "pidone",
        "--bin",
        "pidone",
        "--target",
        target.triple,
    ]))?;
    Ok(target_dir.join(target.triple).join("release/pidone"))
}

/// Builds every target again in another directory and compares with target/dist byte for byte: no
/// path, time or other accident of the build may end up in the binary.
pub fn check_reproducible() -> Result<()> {
    for target in &TARGETS {
        let again = std::fs::read(build(target, &root().join("target/reproducible"))?).map_err(|e| format!("{e}"))?;
        let name = format!("pidone-{}", target.arch);
        let shipped = std::fs::read(root().join("target/dist").join(&name)).map_err(|e| format!("{name}: {e}"))?;
        if again != shipped {
            return Err(format!("{name} is not reproducible: a second build in another directory differs"));
        }
        println!("{name}: reproducible (a second build in another directory has the same {} bytes)", again.len());
    }
    Ok(())
}

fn set_executable(path: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("cannot chmod {}: {e}", path.display()))
}
