//! Making sure this machine has what the build and the tests need: rustup targets, Debian packages.

use crate::namespace::is_root;
use crate::{Result, status};
use std::process::Command;

/// Adds the rustup targets and components that are not installed yet, to the toolchain that
/// rust-toolchain.toml pins.
pub fn rust_targets(triples: &[&str]) -> Result<()> {
    let listed = |what: &str| -> Result<String> {
        let out = Command::new("rustup")
            .current_dir(crate::root())
            .args([what, "list", "--installed"])
            .output()
            .map_err(|e| format!("cannot run rustup (pidone is built with a rustup toolchain): {e}"))?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let installed = listed("component")?;
    for component in ["clippy", "rustfmt"] {
        if !installed.lines().any(|l| l.starts_with(component)) {
            status(Command::new("rustup").current_dir(crate::root()).args(["component", "add", component]))?;
        }
    }
    let installed = listed("target")?;
    let missing: Vec<&str> = triples.iter().copied().filter(|t| !installed.lines().any(|l| l == *t)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    status(Command::new("rustup").current_dir(crate::root()).args(["target", "add"]).args(&missing))
}

/// Installs the Debian packages whose commands are missing: (command, package) pairs.
pub fn packages(needed: &[(&str, &str)]) -> Result<()> {
    let missing: Vec<&str> = needed.iter().filter(|(cmd, _)| !on_path(cmd)).map(|&(_, pkg)| pkg).collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !is_root() {
        return Err(format!("missing commands; install them with: sudo apt-get install {}", missing.join(" ")));
    }
    eprintln!("xtask: installing {}", missing.join(" "));
    status(Command::new("apt-get").args(["update", "-qq"]))?;
    status(
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

pub fn on_path(cmd: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(cmd).is_file()))
}

/// The nightly toolchain and cargo-fuzz, for `cargo xtask fuzz` (libFuzzer needs nightly's sanitizers).
pub fn fuzzing() -> Result<()> {
    let has_nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !has_nightly {
        status(Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]))?;
    }
    let has_cargo_fuzz =
        Command::new("cargo").args(["fuzz", "--version"]).output().is_ok_and(|out| out.status.success());
    if !has_cargo_fuzz {
        eprintln!("xtask: installing cargo-fuzz (a few minutes, once)");
        status(Command::new("cargo").args(["install", "--locked", "cargo-fuzz"]))?;
    }
    Ok(())
}
