//! pidone exits with its program's status: N, 128+signal, remapped to 0 by `-e`, and at once, whatever
//! else is still running.

mod common;
use common::*;

fn exit_with(code: u32, extra: &[String]) -> i32 {
    let mut args: Vec<String> = extra.to_vec();
    args.extend(["--".into(), "/bin/sh".into(), "-c".into(), format!("exit {code}")]);
    let done = run(as_init(&args));
    assert!(done.stderr.is_empty(), "stderr: {}", done.stderr);
    done.code()
}

#[test]
fn every_exit_status_passes_through() {
    for code in 0..=255 {
        assert_eq!(exit_with(code, &[]), code as i32, "exit {code}");
    }
}

#[test]
fn expected_codes_become_zero_and_only_those() {
    for code in 0..=255u32 {
        assert_eq!(exit_with(code, &["-e".into(), code.to_string()]), 0, "-e {code}, exit {code}");
        let other = (code + 1) % 256;
        assert_eq!(exit_with(code, &["-e".into(), other.to_string()]), code as i32, "-e {other}, exit {code}");
    }
}

#[test]
fn death_by_signal_is_128_plus_n() {
    // N as pidone numbers the signal: 138 for SIGUSR1 on most architectures, 144 on MIPS.
    for name in ["HUP", "INT", "QUIT", "ABRT", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM"] {
        let done = run(as_init(&["--", "/bin/sh", "-c", &format!("kill -{name} $$")]));
        assert_eq!(done.code(), 128 + number_for_pidone(name) as i32, "SIG{name}");
    }
}

#[test]
fn the_remap_applies_to_128_plus_n() {
    let done = run(as_init(&["-e", "143", "--", "/bin/sh", "-c", "kill -TERM $$"]));
    assert_eq!(done.code(), 0);
}

#[test]
fn remaining_processes_do_not_delay_the_exit() {
    // The main child leaves a grandchild that holds stdout open; pidone exits at once with 4.
    let start = std::time::Instant::now();
    let done = run(as_init(&["--", "/bin/sh", "-c", "sleep 20 & exit 4"]));
    assert_eq!(done.code(), 4);
    assert!(start.elapsed() < std::time::Duration::from_secs(10), "took {:?}", start.elapsed());
}
