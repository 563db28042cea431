//! What every verb needs: the workspace's root, running a command, and checks: how they are run, said and
//! counted.

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

/// A check's name, and the check.
pub type Check<'a> = (&'a str, &'a dyn Fn() -> Result<()>);

/// Runs the checks, saying each verdict (`ok    name`, or `FAIL  name: why`), and counts them: the one way
/// a verb reports a check. A failure does not stop the rest; the verb's last line adds them all up.
pub fn run_all(checks: &[Check]) -> Count {
    let mut count = Count::default();
    for (name, check) in checks {
        match check() {
            Ok(()) => {
                count.passed += 1;
                println!("ok    {name}");
            }
            Err(e) => {
                count.failed += 1;
                println!("FAIL  {name}: {e}");
            }
        }
    }
    count
}

/// A step that counts its own checks: its count, or, when it could not finish, one failure more, said as
/// `run_all` says one.
pub fn counted(name: &str, step: Result<Count>) -> Count {
    step.unwrap_or_else(|e| {
        println!("FAIL  {name}: {e}");
        Count { passed: 0, failed: 1 }
    })
}
