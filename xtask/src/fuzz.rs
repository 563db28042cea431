//! `cargo xtask fuzz [SECONDS]`: pidone's parsers under cargo fuzz, each for SECONDS: the command line
//! and environment, `--user`'s /etc/passwd and /etc/group, `--probe`'s URL and the status line of its
//! answer. A crash stops that target, leaves the input under fuzz/artifacts/ and fails it; the others still
//! run. Each such input belongs in a regression test.

use crate::cmd::{Count, Result, root, run_all};
use crate::{setup, targets};
use std::process::{Command, Stdio};

/// The targets, fuzz/fuzz_targets/*.rs: the `[[bin]]`s of fuzz/Cargo.toml.
const TARGETS: [&str; 4] = ["cli", "passwd", "url", "http"];

/// Each target in turn, a check each.
pub fn fuzz(seconds: u64) -> Result<Count> {
    setup::fuzzing()?;
    let mut count = Count::default();
    for target in TARGETS {
        count += run_all(&[(&format!("fuzzing {target} for {seconds} s"), &|| fuzz_one(target, seconds))]);
    }
    Ok(count)
}

fn fuzz_one(target: &str, seconds: u64) -> Result<()> {
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
        return Err(format!("the fuzzer found a failing input: {}", out.status));
    }
    // Only the summary: libFuzzer's progress, new functions and dictionary run to hundreds of lines.
    let summary = log.lines().filter(|l| l.starts_with("Done ") || l.starts_with("stat::number_of_executed"));
    summary.for_each(|l| println!("{target}: {l}"));
    Ok(())
}

#[cfg(test)]
mod tests {
    /// Every fuzz target fuzz/Cargo.toml declares is run, and no other.
    #[test]
    fn the_targets_are_fuzz_cargo_toml_s() {
        let manifest = std::fs::read_to_string(super::root().join("fuzz/Cargo.toml")).unwrap();
        let declared: Vec<&str> = manifest
            .split("[[bin]]")
            .skip(1)
            .filter_map(|bin| bin.lines().find_map(|l| l.strip_prefix("name = ")))
            .map(|name| name.trim_matches('"'))
            .collect();
        assert_eq!(declared, super::TARGETS);
    }
}
