//! `cargo xtask fuzz [SECONDS]`: pidone's parsers under cargo fuzz, each for SECONDS: the command line
//! and environment, `--user`'s /etc/passwd and /etc/group, `--probe`'s URL and the status line of its
//! answer. A crash stops it, leaves the input under fuzz/artifacts/ and fails; each such input belongs in
//! a regression test.

use crate::cmd::{Result, root};
use crate::{setup, targets};
use std::process::{Command, Stdio};

/// The targets, fuzz/fuzz_targets/*.rs.
pub const TARGETS: [&str; 4] = ["cli", "passwd", "url", "http"];

pub fn fuzz(seconds: u64) -> Result<()> {
    setup::fuzzing()?;
    for target in TARGETS {
        let out = Command::new("cargo")
            .current_dir(root().join("fuzz"))
            .args([&format!("+{}", targets::NIGHTLY), "fuzz", "run", target, "--"])
            .args([&format!("-max_total_time={seconds}"), "-print_final_stats=1"])
            .stdout(Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
        let log = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            // All of it: the crash, its input's file, how to reproduce it.
            eprint!("{log}");
            return Err(format!("the fuzzer found a failing input for {target}: {}", out.status));
        }
        // Only the summary: libFuzzer's progress, new functions and dictionary run to hundreds of lines.
        let summary = log.lines().filter(|l| l.starts_with("Done ") || l.starts_with("stat::number_of_executed"));
        summary.for_each(|l| println!("{target}: {l}"));
    }
    Ok(())
}
