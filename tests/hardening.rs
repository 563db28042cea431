//! PID 1 cannot be lost: storms of signals and zombies, job control, faults, resource limits and
//! hostile input must neither kill, hang nor confuse pidone, and no signal may go missing on its way.

mod common;
use common::*;
use rustix::io::Errno;
use rustix::process::{Pid, Signal};
use std::time::Duration;

const STORM: usize = 20_000;

/// Sends `STORM` signals to `init`, cycling through USR1, WINCH and two RT signals; returns how many
/// of each the kernel accepted (RT signals can meet a full queue: EAGAIN).
fn storm(init: Pid) -> [(i32, u64); 4] {
    let mut sent = [(10, 0), (28, 0), (40, 0), (50, 0)];
    for i in 0..STORM {
        let (sig, count) = &mut sent[i % 4];
        // SAFETY: plain signal numbers; this test process has no libc-reserved use for them.
        let signal = unsafe { Signal::from_raw_unchecked(*sig) };
        match rustix::process::kill_process(init, signal) {
            Ok(()) => *count += 1,
            Err(Errno::AGAIN) => {}
            Err(e) => panic!("kill: {e}"),
        }
    }
    sent
}

/// `N=count` pairs from the test program's report.
fn counted(report: &str, sig: i32) -> u64 {
    report.split_whitespace().find_map(|kv| kv.strip_prefix(&format!("{sig}="))?.parse().ok()).unwrap_or(0)
}

#[test]
fn a_storm_of_20000_signals_loses_no_real_time_signal() {
    let mut s = Session::start(as_init(&["--", &testapp(), "count"]));
    s.wait_for("ready");
    let sent = storm(s.init_pid());
    // Real-time signals queue, one per kill: every one the kernel accepted must arrive, before TERM ends
    // the count.
    s.counted_until(|counts| sent.iter().all(|&(sig, n)| sig < 34 || counted(counts, sig) == n));
    s.signal_init(15);
    let done = s.finish();
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let report = done.stdout.lines().last().unwrap_or_default();
    for (sig, n) in sent {
        let got = counted(report, sig);
        if sig >= 34 {
            assert_eq!(got, n, "signal {sig}: sent {n}, the program got {got}; report {report}");
        } else {
            // Classic signals merge while pending, in pidone and in the program: at least one arrives.
            assert!(got >= 1 && got <= n, "signal {sig}: sent {n}, got {got}");
        }
    }
    eprintln!("storm: sent {sent:?}; the program counted {report}");
}

#[test]
fn a_storm_during_20000_orphans_leaves_no_zombie() {
    let t = TempDir::new("storm-orphans");
    let app = testapp();
    let script = format!("{app} orphans 20000 > {dir}/orphans & exec {app} count", dir = t.path());
    let mut s = Session::start(as_init(&["--", "/bin/sh", "-c", &script]));
    s.wait_for("ready");
    let sent = storm(s.init_pid());
    let end = std::time::Instant::now() + Duration::from_secs(120);
    let report = loop {
        let text = std::fs::read_to_string(t.0.join("orphans")).unwrap_or_default();
        if !text.is_empty() {
            break text;
        }
        assert!(std::time::Instant::now() < end, "the orphans never finished");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(report, "zombies=0\n");
    s.signal_init(15);
    let done = s.finish();
    assert_eq!(done.code(), 0, "{}", done.stderr);
    eprintln!("storm with orphans: sent {sent:?}; {report}");
}

#[test]
fn a_stopped_child_is_continued_by_a_forwarded_sigcont() {
    for stop in ["STOP", "TSTP"] {
        let script = format!("echo stopping; kill -{stop} $$; echo resumed; exit 3");
        let mut s = Session::start(as_init(&["--", "/bin/bash", "-c", &script]));
        s.wait_for("stopping");
        let child = children(s.init_pid().as_raw_nonzero().get() as u32)[0];
        let state = || std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
        let end = std::time::Instant::now() + DEADLINE;
        while !state().rsplit_once(") ").is_some_and(|(_, rest)| rest.starts_with('T')) {
            assert!(std::time::Instant::now() < end, "SIG{stop}: the child never stopped");
            std::thread::sleep(Duration::from_millis(10));
        }
        s.signal_init(18);
        let done = s.finish();
        assert_eq!((done.code(), done.stdout.as_str()), (3, "stopping\nresumed\n"), "SIG{stop}");
    }
}

#[test]
fn a_genuine_fault_in_pidone_is_not_swallowed() {
    // gdb makes pidone jump to address 0: a real SIGSEGV, which the kernel delivers even though pidone
    // blocks SEGV and is PID 1. (A SEGV *sent* by another process is forwarded instead.)
    let s = Session::start(as_init(&["--", "/bin/sleep", "60"]));
    let init = s.init_pid().as_raw_nonzero().get().to_string();
    let gdb = run({
        let mut c = std::process::Command::new(tool("gdb"));
        c.args(["-batch", "-nx", "-p", &init, "-ex", "set $pc = 0", "-ex", "detach"]);
        c
    });
    assert!(gdb.status.success(), "gdb: {}", gdb.stderr);
    let done = s.finish();
    // unshare reports its child's death by signal as its own.
    use std::os::unix::process::ExitStatusExt;
    assert!(done.status.signal() == Some(11) || done.status.code() == Some(139), "{:?}", done.status);
}

#[test]
fn fork_failure_is_one_fatal_line_and_exit_1() {
    // RLIMIT_NPROC 1 for a uid that already has a process (pidone): fork gets EAGAIN. Root ignores the
    // limit, so as root pidone runs as nobody.
    let mut prefix: Vec<&str> = Vec::new();
    if is_root() {
        prefix.extend(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]);
    }
    prefix.extend(["prlimit", "--nproc=1:1"]);
    let dir = TempDir::new("nproc");
    let done = run(as_init_via_public_copy(&dir, &prefix, &["--", "/bin/true"]));
    assert_eq!(done.code(), 1, "{}", done.stderr);
    let lines: Vec<&str> = done.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", done.stderr);
    assert!(lines[0].starts_with("[FATAL pidone (1)] fork failed: Resource temporarily unavailable"), "{}", lines[0]);
}

#[test]
fn closed_stdout_and_stderr_do_not_stop_pidone() {
    let closed = ["/bin/sh", "-c", "exec \"$@\" >&- 2>&-", "sh"];
    let t = TempDir::new("closed-out");
    let script = format!("echo ran > {}/ran; exit 5", t.path());
    let done = run(as_init_via(&closed, &["-vvv", "--", "/bin/sh", "-c", &script]));
    assert_eq!(done.code(), 5);
    assert_eq!(std::fs::read_to_string(t.0.join("ran")).unwrap(), "ran\n");
}

#[test]
fn signals_blocked_or_ignored_by_the_parent_are_still_forwarded() {
    // The parent blocks TERM and ignores USR1; pidone still collects both and forwards them, and the
    // program starts with TERM blocked, as its parent had it.
    let prefix = ["env", "--block-signal=TERM", "--ignore-signal=USR1"];
    let mut s = Session::start(as_init_via(&prefix, &["--", &testapp(), "count"]));
    s.wait_for("ready");
    s.signal_init(10);
    s.counted_until(|counts| counted(counts, 10) == 1);
    s.signal_init(15);
    let done = s.finish();
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let report = done.stdout.lines().last().unwrap_or_default();
    assert_eq!(counted(report, 10), 1, "{report}");
    assert!(report.ends_with(&format!("blocked={:x}", 1u64 << 14)), "{report}");
}

#[test]
fn arguments_and_environment_near_arg_max() {
    // 120 KiB strings (under the kernel's 128 KiB per string), 1.5 MiB of arguments and environment.
    let big = "x".repeat(120 * 1024);
    let mut cmd = as_init(&["--", "/bin/sh", "-c", "echo $# ${#BIG0} ${#BIG5}", "sh"]);
    cmd.args((0..6).map(|_| big.as_str()));
    for i in 0..6 {
        cmd.env(format!("BIG{i}"), &big);
    }
    let done = run(cmd);
    assert_eq!((done.code(), done.stdout.as_str()), (0, "6 122880 122880\n"), "{}", done.stderr);
}

#[test]
fn many_flags() {
    let mut args: Vec<String> = (0..1000).map(|i| format!("-e{}", i % 256)).collect();
    args.push(format!("-{}", "v".repeat(50)));
    args.extend(["--".into(), "/bin/sh".into(), "-c".into(), "exit 200".into()]);
    let done = run(as_init(&args));
    assert_eq!(done.code(), 0, "200 is among the -e codes");
    assert!(done.stderr.contains("[TRACE pidone (1)] Exiting: child has exited"), "verbosity 51");
}

#[test]
fn programs_that_cannot_run() {
    let t = TempDir::new("cannot-run");
    std::os::unix::fs::symlink("/nonexistent/target", t.0.join("dangling")).unwrap();
    let dangling = t.0.join("dangling");
    let done = run(as_init(&["--", dangling.to_str().unwrap()]));
    assert_eq!(done.code(), 127, "{}", done.stderr);
    assert!(done.stderr.contains("failed: No such file or directory"));
}

#[test]
fn pidone_keeps_its_uid_and_gives_the_child_no_extra_fd() {
    // As root, pidone runs as nobody; otherwise as this user (root of its user namespace).
    let root = is_root();
    let prefix: &[&str] = if root { &["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] } else { &[] };
    // ls lists its own descriptors: 0-2, plus the one it reads the directory with.
    let report = "id -u; exec ls /proc/self/fd";
    let dir = TempDir::new("uid");
    let done = run(as_init_via_public_copy(&dir, prefix, &["-s", "--", "/bin/sh", "-c", report]));
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let mut direct = unshare();
    direct.args(prefix).args(["/bin/sh", "-c", report]);
    let reference = run(direct);
    assert_eq!(done.stdout, reference.stdout, "uid and open fds, with pidone and without");
    assert_eq!(done.stdout.lines().next(), Some(if root { "65534" } else { "0" }));
}
