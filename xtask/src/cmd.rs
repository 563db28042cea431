//! What every verb needs: the workspace's root, running a command, and the count of checks passed.

use std::path::{Path, PathBuf};
use std::process::Command;

pub type Result<T> = std::result::Result<T, String>;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_path_buf()
}

/// Runs a command, failing with its name if it cannot start or exits non-zero.
pub fn status(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if status.success() { Ok(()) } else { Err(format!("{cmd:?} failed: {status}")) }
}

/// How many checks passed and how many failed.
#[derive(Clone, Copy, Default, Debug)]
pub struct Count {
    pub passed: usize,
    pub failed: usize,
}

impl Count {
    /// One check, which passed.
    pub const ONE: Count = Count { passed: 1, failed: 0 };
}

impl std::ops::AddAssign for Count {
    fn add_assign(&mut self, other: Count) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}
