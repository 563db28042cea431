//! `cargo xtask fuzz [SECONDS]`: the command-line and environment parser under cargo fuzz. A crash stops
//! it, leaves the input under fuzz/artifacts/ and fails; each such input belongs in a regression test.

use crate::cmd::{Result, root, status};
use crate::{setup, targets};
use std::process::Command;

pub fn fuzz(seconds: u64) -> Result<()> {
    setup::fuzzing()?;
    status(Command::new("cargo").current_dir(root().join("fuzz")).args([
        &format!("+{}", targets::NIGHTLY),
        "fuzz",
        "run",
        "cli",
        "--",
        &format!("-max_total_time={seconds}"),
    ]))
}
