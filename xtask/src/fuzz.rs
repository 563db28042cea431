//! `cargo xtask fuzz [SECONDS]`: the command-line and environment parser under cargo fuzz. A crash stops
//! it, leaves the input under fuzz/artifacts/ and fails; each such input belongs in a regression test.

use crate::cmd::{Result, root};
use crate::{setup, targets};
use std::process::{Command, Stdio};

pub fn fuzz(seconds: u64) -> Result<()> {
    setup::fuzzing()?;
    let out = Command::new("cargo")
        .current_dir(root().join("fuzz"))
        .args([&format!("+{}", targets::NIGHTLY), "fuzz", "run", "cli", "--"])
        .args([&format!("-max_total_time={seconds}"), "-print_final_stats=1"])
        .stdout(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
    let log = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        // All of it: the crash, its input's file, how to reproduce it.
        eprint!("{log}");
        return Err(format!("the fuzzer found a failing input: {}", out.status));
    }
    // Only the summary: libFuzzer's progress, new functions and dictionary run to hundreds of lines.
    log.lines().filter(|l| l.starts_with("Done ") || l.starts_with("stat::")).for_each(|l| println!("{l}"));
    Ok(())
}
