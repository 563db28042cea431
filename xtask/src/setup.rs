//! Making sure this machine has what the build and the tests need: rustup targets, Debian packages.

use crate::cmd::{Result, root, status};
use crate::namespace::is_root;
use crate::targets::{NIGHTLY, TARGETS, Toolchain};
use std::process::Command;

/// Installs what the builds need and is missing: the components and targets rust-toolchain.toml lists,
/// for the stable toolchain it pins, and the pinned nightly with the standard library's source.
pub fn toolchains() -> Result<()> {
    let rustup = |args: &[&str]| -> Result<String> {
        let out = Command::new("rustup")
            .current_dir(root())
            .args(args)
            .output()
            .map_err(|e| format!("cannot run rustup (pidone is built with a rustup toolchain): {e}"))?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let installed = rustup(&["component", "list", "--installed"])?;
    for component in ["clippy", "rustfmt"] {
        if !installed.lines().any(|l| l.starts_with(component)) {
            status(Command::new("rustup").current_dir(root()).args(["component", "add", component]))?;
        }
    }
    let stable: Vec<&str> = TARGETS.iter().filter(|t| t.toolchain == Toolchain::Stable).map(|t| t.triple).collect();
    stable_targets(&stable)?;
    if !rustup(&["toolchain", "list"])?.lines().any(|l| l.starts_with(NIGHTLY)) {
        status(Command::new("rustup").args([
            "toolchain",
            "install",
            NIGHTLY,
            "--profile",
            "minimal",
            "-c",
            "rust-src",
        ]))?;
    }
    Ok(())
}

/// Adds those of `triples` that the stable toolchain rust-toolchain.toml pins lacks.
pub fn stable_targets(triples: &[&str]) -> Result<()> {
    let out = Command::new("rustup")
        .current_dir(root())
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("cannot run rustup (pidone is built with a rustup toolchain): {e}"))?;
    let installed = String::from_utf8_lossy(&out.stdout);
    let missing: Vec<&&str> = triples.iter().filter(|t| !installed.lines().any(|l| l == **t)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    status(Command::new("rustup").current_dir(root()).args(["target", "add"]).args(missing))
}

/// Every Debian package a verb needs, as the command it is needed for and the package that has it: the one
/// list.
const PACKAGES: [(&str, &str); 22] = [
    ("unshare", "util-linux"),
    ("nsenter", "util-linux"),
    ("taskset", "util-linux"),
    ("script", "bsdutils"),
    ("bash", "bash"),
    ("env", "coreutils"),
    ("qemu-aarch64-static", "qemu-user-static"),
    ("gdb", "gdb"),
    ("valgrind", "valgrind"),
    ("strace", "strace"),
    ("tini-static", "tini"),
    ("dumb-init", "dumb-init"),
    ("catatonit", "catatonit"),
    ("buildah", "buildah"),
    ("podman", "podman"),
    ("runc", "runc"),
    ("skopeo", "skopeo"),
    ("dockerd", "docker.io"),
    ("docker", "docker.io"),
    ("lxc-start", "lxc"),
    ("python3", "python3"),
    ("pip3", "python3-pip"),
];

/// Installs the packages of `commands` (from `PACKAGES`) that are missing.
pub fn packages(commands: &[&str]) -> Result<()> {
    let mut missing = Vec::new();
    for command in commands.iter().filter(|command| !on_path(command)) {
        let (_, package) = PACKAGES
            .iter()
            .find(|(listed, _)| listed == command)
            .ok_or_else(|| format!("setup.rs lists no package for the command {command}"))?;
        if !missing.contains(package) {
            missing.push(*package);
        }
    }
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

/// Installs every package of `PACKAGES` that is missing: what the whole test suite needs, in one go.
pub fn all_packages() -> Result<()> {
    packages(&PACKAGES.map(|(command, _)| command))
}

pub fn on_path(cmd: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(cmd).is_file()))
}

/// cargo-fuzz, for `cargo xtask fuzz` (libFuzzer needs the pinned nightly's sanitizers).
pub fn fuzzing() -> Result<()> {
    toolchains()?;
    let has_cargo_fuzz =
        Command::new("cargo").args(["fuzz", "--version"]).output().is_ok_and(|out| out.status.success());
    if !has_cargo_fuzz {
        eprintln!("xtask: installing cargo-fuzz (a few minutes, once)");
        status(Command::new("cargo").args(["install", "--locked", "cargo-fuzz"]))?;
    }
    Ok(())
}
