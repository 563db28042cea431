//! rustix for MIPS, with `$1` kept across its system calls. A MIPS kernel does not restore `$1` (at) when
//! a system call returns, Rust cannot name `$1` in `asm!` (it is the assembler's), and rustc, unlike
//! clang, does not declare it clobbered; LLVM then keeps live values in it across rustix's `syscall`s (in
//! pidone it held the address being built for the pid's store across getpid: a crash on real hardware,
//! which qemu-user, leaving `$1` alone, never shows). pidone's own `syscall4` (src/arch/mips64.rs) saves it;
//! this gives rustix's 13 returning system-call blocks the same two moves, in a copy of the pinned rustix
//! that the MIPS build uses instead (`[patch]` through `--config`, on a copy of Cargo.lock).

use crate::cmd::{Result, root};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The blocks of rustix 1.1.6's mips64 backend that return; the `noreturn` one (exit) needs nothing.
pub const RETURNING_BLOCKS: usize = 13;
/// The file of rustix's that the copy changes.
pub const PATCHED: &str = "src/backend/linux_raw/arch/mips64.rs";

fn copy() -> PathBuf {
    root().join("target/rustix-mips64")
}

/// The changed file, in the copy that `cargo_config` made.
pub fn patched_file() -> PathBuf {
    copy().join(PATCHED)
}

/// What `cargo build` needs to use the copy: its `--config` arguments.
pub fn cargo_config() -> Result<Vec<String>> {
    let copy = copy();
    // cargo takes only a file named Cargo.lock.
    let lock_dir = root().join("target/rustix-mips64-lock");
    std::fs::create_dir_all(&lock_dir).map_err(|e| format!("cannot create {}: {e}", lock_dir.display()))?;
    let lock = lock_dir.join("Cargo.lock");
    std::fs::copy(root().join("Cargo.lock"), &lock).map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    let _ = std::fs::remove_dir_all(&copy);
    let status =
        Command::new("cp").arg("-R").arg(source()?).arg(&copy).status().map_err(|e| format!("cannot run cp: {e}"))?;
    if !status.success() {
        return Err(format!("cannot copy rustix's source to {}", copy.display()));
    }
    keep_at(&patched_file())?;
    Ok(vec![
        format!("patch.crates-io.rustix.path={:?}", copy.display().to_string()),
        format!("resolver.lockfile-path={:?}", lock.display().to_string()),
    ])
}

/// The directory of the rustix that Cargo.lock pins, as cargo has it.
fn source() -> Result<PathBuf> {
    let out = Command::new("cargo")
        .current_dir(root())
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata's output: {e}"))?;
    let manifest = metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == "rustix"))
        .and_then(|rustix| rustix["manifest_path"].as_str())
        .ok_or("cargo metadata lists no rustix")?;
    Ok(Path::new(manifest).parent().ok_or("rustix's manifest has no directory")?.to_path_buf())
}

/// Puts `$1` in a register of LLVM's choice before each returning `syscall` and back after it: with every
/// register the kernel clobbers already an operand, LLVM picks one the kernel preserves, or `$1` itself,
/// which then counts as written by the block. Either way nothing lives in `$1` across the call.
fn keep_at(file: &Path) -> Result<()> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut patched = String::with_capacity(text.len() + 2048);
    let mut blocks = 0;
    let mut rest = text.as_str();
    while let Some(start) = rest.find("asm!(") {
        let end = start + block_len(&rest[start..]).ok_or("an asm! block without its end")?;
        let block = &rest[start..end];
        patched.push_str(&rest[..start]);
        if block.contains("\"syscall\",") && !block.contains("noreturn") {
            blocks += 1;
            patched.push_str(&block.replacen(
                "\"syscall\",",
                "\".set noat\", \"move {at}, $1\", \"syscall\", \"move $1, {at}\", \".set at\", at = out(reg) _,",
                1,
            ));
        } else {
            patched.push_str(block);
        }
        rest = &rest[end..];
    }
    patched.push_str(rest);
    if blocks != RETURNING_BLOCKS {
        return Err(format!(
            "{}: {blocks} returning system-call blocks, not rustix 1.1.6's {RETURNING_BLOCKS}: check the fix \
             against this rustix",
            file.display()
        ));
    }
    std::fs::write(file, patched).map_err(|e| format!("{}: {e}", file.display()))
}

/// The length of the `asm!(...)` that `text` starts with, up to its closing parenthesis (rustix's blocks
/// have no parenthesis in their strings or comments).
fn block_len(text: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 1 => return Some(i + 1),
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}
