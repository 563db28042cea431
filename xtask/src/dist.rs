//! `cargo xtask dist`: the release binaries of every architecture (`targets.rs`), each checked and within
//! its budget, with their SHA-256 sums.

use crate::cmd::Result;
use crate::cmd::root;
use crate::markdown::{Table, bytes};
use crate::targets::{NIGHTLY, TARGETS, Target, Toolchain};
use crate::{elf, rustix_mips, setup};
use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::path::PathBuf;
use std::process::Command;

pub struct Dist {
    /// The artifact this machine runs natively (its own architecture's).
    pub native: PathBuf,
    /// Every artifact, in `TARGETS` order.
    pub all: Vec<(&'static Target, PathBuf)>,
}

pub fn dist() -> Result<Dist> {
    setup::toolchains()?;
    // target/dist holds this build's files and nothing else: the release set is the whole directory.
    let _ = std::fs::remove_dir_all(root().join("target/dist"));
    let mut all = Vec::new();
    for target in &TARGETS {
        all.push((target, ship(target)?));
    }
    write_sums(&TARGETS.map(|t| format!("pidone-{}", t.arch)))?;
    let native = root().join("target/dist").join(format!("pidone-{}", crate::targets::native().arch));
    Ok(Dist { native, all })
}

/// This machine's binary alone (`cargo xtask run`): the stable toolchain and its one target, no nightly.
pub fn native() -> Result<PathBuf> {
    let target = crate::targets::native();
    setup::stable_targets(&[target.triple])?;
    ship(target)
}

/// Builds `target`'s binary, checks it, and writes it into target/dist.
fn ship(target: &Target) -> Result<PathBuf> {
    let out = root().join("target/dist");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let artifact = build(target)?;
    let mut bytes = std::fs::read(&artifact).map_err(|e| format!("cannot read {}: {e}", artifact.display()))?;
    let name = format!("pidone-{}", target.arch);
    elf::drop_section_headers(&mut bytes).map_err(|e| format!("{name}: {e}"))?;
    elf::check(&bytes, target.elf).map_err(|e| format!("{name}: {e}"))?;
    elf::check_no_panic_text(&bytes).map_err(|e| format!("{name}: {e}"))?;
    let (size, budget) = (bytes.len() as u64, target.budget);
    println!(
        "{name:<16} {size:>6} bytes, {:>5} under its budget of {budget} ({})",
        budget as i64 - size as i64,
        target.platform
    );
    if size > budget {
        return Err(format!("{name} is {size} bytes, over its budget of {budget}"));
    }
    let path = out.join(&name);
    std::fs::write(&path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    set_executable(&path)?;
    Ok(path)
}

/// SHA256SUMS over `names`, files of target/dist, as `sha256sum -c` reads it.
pub fn write_sums(names: &[String]) -> Result<()> {
    let out = root().join("target/dist");
    let mut sums = String::new();
    for name in names {
        let bytes = std::fs::read(out.join(name)).map_err(|e| format!("{name}: {e}"))?;
        let _ = writeln!(sums, "{}  {name}", sha256_hex(&bytes));
    }
    std::fs::write(out.join("SHA256SUMS"), sums).map_err(|e| format!("cannot write SHA256SUMS: {e}"))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// cargo as the build for `target` runs it, in the workspace: its toolchain, and for MIPS the rustix that
/// keeps `$1`.
pub fn cargo(target: &Target) -> Result<Command> {
    let mut cargo = Command::new("cargo");
    cargo.current_dir(root());
    if target.toolchain == Toolchain::Nightly {
        cargo.arg(format!("+{NIGHTLY}"));
    }
    if target.rustix_keeping_at() {
        for setting in rustix_mips::cargo_config()? {
            cargo.args(["--config", &setting]);
        }
    }
    Ok(cargo)
}

/// A release build for one target (its linker and flags come from .cargo/config.toml; pidone's own crate
/// gets its target's `pidone_flags`).
fn build(target: &Target) -> Result<PathBuf> {
    let target_dir = root().join("target");
    let mut cargo = cargo(target)?;
    cargo.env("CARGO_TARGET_DIR", &target_dir);
    cargo.args(["rustc", "--quiet", "--release", "--package", "pidone", "--bin", "pidone", "--target", target.triple]);
    if target.toolchain == Toolchain::Nightly {
        cargo.args(["-Z", "build-std=core"]);
    }
    cargo.arg("--").args(target.pidone_flags());
    // rustc calls armv7's `+thumb-mode` an unstable target feature, on every build; the pinned toolchain
    // makes that harmless (ARCHITECTURE.md), so the note is not passed on.
    let out = cargo.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut passed_on = String::new();
    let mut lines = stderr.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("warning: unstable feature specified for `-Ctarget-feature`: `thumb-mode`") {
            // The note that follows, up to its blank line.
            lines.by_ref().find(|l| l.is_empty());
            continue;
        }
        passed_on.push_str(line);
        passed_on.push('\n');
    }
    eprint!("{passed_on}");
    if !out.status.success() {
        return Err(format!("building pidone for {} failed: {}", target.triple, out.status));
    }
    Ok(target_dir.join(target.triple).join("release/pidone"))
}

/// Fails unless the README's platform table gives each file the size it has now, and its first paragraph's
/// "under N KiB on every platform" holds: both are claims.
pub fn check_readme_sizes(built: &Dist) -> Result<()> {
    let readme = std::fs::read_to_string(root().join("README.md")).map_err(|e| format!("README.md: {e}"))?;
    let headline: u64 = readme
        .split_once("of under ")
        .and_then(|(_, rest)| rest.split_once(" KiB on every platform"))
        .and_then(|(n, _)| n.parse().ok())
        .ok_or("README.md's first paragraph says no \"under N KiB on every platform\"")?;
    let table = platform_table(&readme)?;
    let column = table.column("size")?;
    for (target, path) in &built.all {
        let size = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.len();
        let name = format!("`pidone-{}`", target.arch);
        let claimed = table.row(&name).and_then(|row| row.get(column)).copied().unwrap_or_default();
        let claimed = bytes(claimed)
            .ok_or_else(|| format!("README.md gives {name} the size {claimed:?}, not a number of bytes"))?;
        if claimed != size {
            return Err(format!("README.md says {name} is {claimed} bytes; it is {size}"));
        }
        if size >= headline * 1024 {
            return Err(format!("README.md says every file is under {headline} KiB; {name} is {size} bytes"));
        }
    }
    println!("README.md's platform table has every file's size, each under the {headline} KiB it says");
    Ok(())
}

/// README's platform table: a row per file (`pidone-ARCH`), with its size, its real kernel and more.
pub fn platform_table(readme: &str) -> Result<Table<'_>> {
    Table::under(readme, "README.md", "## Install")
}

fn set_executable(path: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("cannot chmod {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    /// README's platform table, as the size and real-kernel checks read it: a size for every file.
    #[test]
    fn the_platform_table_has_a_size_for_every_file() {
        let readme = std::fs::read_to_string(crate::cmd::root().join("README.md")).unwrap();
        let table = super::platform_table(&readme).unwrap();
        let (size, kernel) = (table.column("size").unwrap(), table.column("real kernel").unwrap());
        for target in &crate::targets::TARGETS {
            let row = table.row(&format!("`pidone-{}`", target.arch)).unwrap();
            assert!(crate::markdown::bytes(row[size]).is_some_and(|b| b <= target.budget), "{}", target.arch);
            assert!(row[kernel].starts_with("Linux "), "{}", target.arch);
        }
    }
}
