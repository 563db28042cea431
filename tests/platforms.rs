//! Where pidone lands, outside the machines it is built on: seccomp profiles that refuse system calls (an
//! old Docker on a 32-bit board, a sandbox that refuses the subreaper), and a stderr nobody reads (a
//! stalled log pipeline, a terminal stopped with Ctrl-S), which must never stop PID 1.

mod common;
use common::*;
use rustix::fd::OwnedFd;
use rustix::process::{Pid, Signal};
use std::io::Read;
use std::os::fd::AsRawFd;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The test program's seccomp filter, answering `errno` to `calls`, in front of pidone.
fn refusing(errno: &str, calls: &str) -> [String; 4] {
    [testapp(), "refuse".into(), errno.into(), calls.into()]
}

/// A 32-bit kernel older than 5.1 answers the time64 calls ENOSYS, Docker's seccomp profile before
/// 20.10 answers them EPERM (the Raspberry Pi OS buster + Docker 19.03 boards), and a kernel built
/// without 32-bit time answers the classic ones ENOSYS. Whichever pidone meets, it keeps time with the
/// other family: exit codes pass, a TERM is forwarded, `--grace 1` takes about a second, as PID 1 and
/// below another init.
#[test]
#[ignore = "for a 32-bit x86 build, natively: cargo xtask test runs it against pidone-386"]
fn refused_32_bit_time_calls_leave_pidone_the_other_family() {
    for errno in ["ENOSYS", "EPERM"] {
        for calls in ["time64", "classic"] {
            let prefix = refusing(errno, calls);
            let prefix: Vec<&str> = prefix.iter().map(String::as_str).collect();
            let what = format!("{calls} calls answered {errno}");
            let exit_3 = ["--", "/bin/sh", "-c", "exit 3"];
            assert_eq!(run(as_init_via(&prefix, &exit_3)).code(), 3, "{what}, as PID 1");
            assert_eq!(run(below_init_via(&prefix, &exit_3)).code(), 3, "{what}, below another init");

            let mut s = Session::start(as_init_via(&prefix, &["--", &testapp(), "term-handler"]));
            s.wait_for("ready");
            s.signal_init(15);
            let done = s.finish();
            assert_eq!((done.code(), done.stdout.as_str()), (0, "ready\ncleaned up\n"), "{what}: {}", done.stderr);

            for below in [false, true] {
                let t = TempDir::new("refused-time");
                let args = ["--grace", "1", "-e", "7", "-v", "--", "/bin/sh", &family(&t, false)];
                let cmd = if below { below_init_via(&prefix, &args) } else { as_init_via(&prefix, &args) };
                let (done, took) = timed(cmd);
                let place = if below { "below another init" } else { "as PID 1" };
                assert_eq!(done.code(), 0, "{what}, {place}: {}", done.stderr);
                assert!(done.stderr.contains("Grace period over"), "{what}, {place}: {}", done.stderr);
                let about_a_second = Duration::from_secs(1)..Duration::from_secs(3);
                assert!(about_a_second.contains(&took), "{what}, {place}: --grace 1 took {took:?}");
            }
        }
    }
}

/// AWS Lambda answers EPERM to PR_SET_CHILD_SUBREAPER. Below another init that is a warning, asked for
/// (`-s`) or not, and the program runs: its exit code comes back and signals reach it. Every other prctl
/// still works (`-p`). As PID 1 there is nothing to ask. Under qemu-user, whose 7.2 answers the call EINVAL
/// itself, that refusal is the one pidone meets (a seccomp filter would see the emulator's calls).
#[test]
fn a_refused_subreaper_is_a_warning_and_the_program_runs() {
    let under_qemu = std::env::var_os("PIDONE_RUNNER").is_some_and(|r| !r.is_empty());
    let (prefix, why) = if under_qemu {
        (vec![], "Invalid argument")
    } else {
        (refusing("EPERM", "subreaper").into(), "Operation not permitted")
    };
    let prefix: Vec<&str> = prefix.iter().map(String::as_str).collect();
    // The program sends pidone a TERM, which comes back to it.
    let program = ["/bin/sh", "-c", "trap 'exit 42' TERM; kill -TERM $PPID; sleep 10 & wait"];
    for flags in [&["-s", "-p", "SIGKILL"][..], &[]] {
        let done = run(below_init_via(&prefix, &[flags, &["--"], &program].concat()));
        assert_eq!(done.code(), 42, "{flags:?}: {}", done.stderr);
        assert_eq!(done.stderr.lines().count(), 1, "{flags:?}: {}", done.stderr);
        let warning = format!(
            "[WARN  pidone (2)] pidone is not PID 1 and cannot be a child subreaper ({why}), so zombie reaping won't work"
        );
        assert!(done.stderr.starts_with(&warning), "{flags:?}: {}", done.stderr);
    }
    let done = run(as_init_via(&prefix, &["-s", "--", "/bin/sh", "-c", "exit 3"]));
    assert_eq!((done.code(), done.stderr.as_str()), (3, ""));
}

/// The pids of `pid`'s children.
fn children_of(pid: Pid) -> Vec<u32> {
    children(pid.as_raw_nonzero().get() as u32)
}

/// Waits until pidone, PID 1, has reaped every orphan: its only child left is the program. Each reap meant
/// a `-w` line, so by then pidone has tried to write them all.
fn wait_until_reaped(s: &Session) {
    let end = Instant::now() + DEADLINE;
    while children_of(s.init_pid()).len() > 1 {
        assert!(Instant::now() < end, "pidone never reaped every orphan: it is stuck");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Sends TERM to PID 1 and waits for the program's handler, which must run within a second.
fn term_reaches_the_handler(s: &mut Session, what: &str) {
    let start = Instant::now();
    s.signal_init(15);
    s.wait_for("cleaned up");
    assert!(start.elapsed() < Duration::from_secs(1), "{what}: the TERM took {:?}", start.elapsed());
    eprintln!("{what}: the TERM reached the program's handler in {:?}", start.elapsed());
}

/// `litter` leaves `orphans` orphans, and pidone `-w -v` says so for each; stderr takes none of it until
/// `resume` runs (it returns what stderr got from then on). pidone must go on reaping, and forward TERM at
/// once; the first line after the reader is back says how many were dropped, and with those it got, that
/// is every line pidone had (each orphan's, and `-v`'s first, when `first_dropped`).
fn stalled_stderr(
    prefix: &[&str],
    stderr: Stdio,
    orphans: usize,
    first_dropped: bool,
    what: &str,
    resume: impl FnOnce() -> std::thread::JoinHandle<String>,
) {
    let dir = TempDir::new("stalled");
    let app = public_copy(&dir, testapp());
    let mut cmd = as_init_via_public_copy(&dir, prefix, &["-w", "-v", "--", &app, "litter", &orphans.to_string()]);
    let mut s = Session::start_with(&mut cmd, Stdio::piped(), stderr);
    // Only pidone may hold stderr's writing end: the reader's end comes when pidone's does.
    drop(cmd);
    s.wait_for("made");
    wait_until_reaped(&s);
    term_reaches_the_handler(&mut s, what);
    let got = resume();
    // The program ends with its stdin; pidone's last line tells it.
    let done = s.finish();
    assert_eq!(done.code(), 0, "{what}");
    let text = got.join().unwrap();
    let last = text.lines().last().unwrap_or_default().trim_end_matches('\r');
    assert!(last.contains("] Main child exited normally (with status '0') ("), "{what}: {last:?}");
    let dropped: usize = last
        .rsplit_once(" (")
        .and_then(|(_, note)| note.strip_suffix(" lines dropped: stderr full)"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{what}: no count of dropped lines in {last:?}"));
    let reaped = text.lines().filter(|l| l.contains("] Reaped zombie process with pid=")).count();
    assert_eq!(
        reaped + dropped,
        orphans + usize::from(first_dropped),
        "{what}: {reaped} lines came, {dropped} dropped"
    );
    eprintln!("{what}: {orphans} orphans reaped, {reaped} of their lines written, {dropped} dropped");
}

/// Reads `reader` to its end in a thread.
fn drain(mut reader: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = reader.read_to_end(&mut text);
        String::from_utf8_lossy(&text).into_owned()
    })
}

/// A log reader that stops reading (a slow log driver, a suspended `docker run`): 3,000 `-w` lines are
/// twice what a pipe holds. As root pidone writes through a description of its own; as another user it
/// may not reopen a pipe that root made, and writes only when ppoll says there is room.
#[test]
fn a_pipe_nobody_reads_stops_neither_reaping_nor_forwarding() {
    let nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
    let users: &[&[&str]] = if is_root() { &[&[], &nobody] } else { &[&[]] };
    for prefix in users {
        let (reader, writer) = std::io::pipe().unwrap();
        stalled_stderr(prefix, writer.into(), 3000, false, &format!("{prefix:?}"), || {
            // Back only once the pipe is empty: pidone's last line must find room (on a slow emulator
            // the reader may not have run yet when the program ends).
            let probe = reader.try_clone().unwrap();
            let got = drain(reader);
            let end = Instant::now() + DEADLINE;
            // SAFETY: `probe` is open for the whole loop.
            let probe = unsafe { rustix::fd::BorrowedFd::borrow_raw(probe.as_raw_fd()) };
            while rustix::io::ioctl_fionread(probe).unwrap() > 0 {
                assert!(Instant::now() < end, "the reader never emptied the pipe");
                std::thread::sleep(Duration::from_millis(5));
            }
            got
        });
    }
}

/// A terminal whose output is stopped, as Ctrl-S stops it: even the first line cannot be written.
#[test]
fn a_terminal_stopped_with_ctrl_s_stops_neither_reaping_nor_forwarding() {
    use rustix::pty::{OpenptFlags, grantpt, ioctl_tiocgptpeer, openpt, unlockpt};
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let terminal = ioctl_tiocgptpeer(&master, OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    // A description of its own that never waits, to see whether the terminal takes output.
    let probe = ioctl_tiocgptpeer(&master, OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    rustix::fs::fcntl_setfl(&probe, rustix::fs::OFlags::NONBLOCK).unwrap();
    typed(&master, &probe, CTRL_S);
    let stderr = Stdio::from(std_fd(terminal));
    stalled_stderr(&[], stderr, 300, true, "stopped terminal", || {
        // The reader ends once the last writer is gone: EIO on the master.
        let reader = std::fs::File::from(std_fd(rustix::io::dup(&master).unwrap()));
        let got = drain(reader);
        typed(&master, &probe, CTRL_Q);
        drop(probe);
        got
    });
}

const CTRL_S: u8 = 0x13;
const CTRL_Q: u8 = 0x11;

/// Types `key` on the terminal whose master is `master`, and waits until its output is stopped (Ctrl-S)
/// or flows again (Ctrl-Q), as seen through `probe`, a description of the terminal that never waits.
fn typed(master: &OwnedFd, probe: &OwnedFd, key: u8) {
    rustix::io::write(master, &[key]).unwrap();
    let end = Instant::now() + DEADLINE;
    while rustix::io::write(probe, b".").is_ok() != (key == CTRL_Q) {
        assert!(Instant::now() < end, "the terminal never took key {key}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// rustix's descriptor (the no-std kind pidone builds it with) as std's.
fn std_fd(fd: OwnedFd) -> std::os::fd::OwnedFd {
    use rustix::fd::IntoRawFd;
    use std::os::fd::FromRawFd;
    // SAFETY: the descriptor is handed over whole: rustix's side gives it up.
    unsafe { std::os::fd::OwnedFd::from_raw_fd(fd.into_raw_fd()) }
}

/// `SigPnd` and `ShdPnd` of `pid`: the signals sent to it and not yet taken.
fn pending(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let masks = status.lines().filter(|l| l.starts_with("SigPnd:") || l.starts_with("ShdPnd:"));
    masks
        .map(|l| u64::from_str_radix(l.split_whitespace().last().unwrap_or("0"), 16).unwrap_or(0))
        .fold(0, |a, b| a | b)
}

/// 5,000 real-time signals queued for pidone at `-vvv` write a debug line each, far more than a pipe
/// holds: with nobody reading stderr, every one is still forwarded, and so is the TERM after them.
#[test]
fn queued_signals_are_forwarded_while_nobody_reads_stderr() {
    let (_reader, writer) = std::io::pipe().unwrap();
    let mut cmd = as_init(&["-vvv", "--", &testapp(), "count"]);
    let mut s = Session::start_with(&mut cmd, Stdio::null(), writer.into());
    s.wait_for("ready");
    let init = s.init_pid();
    let program = children_of(init)[0];
    // SAFETY: a plain signal number; this test process has no libc-reserved use for it.
    let rt = unsafe { Signal::from_raw_unchecked(40) };
    let sent = (0..5000).filter(|_| rustix::process::kill_process(init, rt).is_ok()).count();
    let end = Instant::now() + DEADLINE;
    while pending(init.as_raw_nonzero().get() as u32) != 0 || pending(program) != 0 {
        assert!(Instant::now() < end, "the signals were not all forwarded: pidone is stuck");
        std::thread::sleep(Duration::from_millis(10));
    }
    let start = Instant::now();
    s.signal_init(15);
    s.wait_for_substring("blocked=");
    assert!(start.elapsed() < Duration::from_secs(1), "the TERM took {:?}", start.elapsed());
    let done = s.finish();
    assert_eq!(done.code(), 0);
    let report = done.stdout.lines().last().unwrap_or_default();
    let counted = report.split_whitespace().find_map(|kv| kv.strip_prefix("40=")).unwrap_or("0");
    eprintln!(
        "queued signals: {sent} sent, {counted} counted by the program, the TERM after them in {:?}",
        start.elapsed()
    );
    // Under qemu-user the emulator queues signals of its own, out of /proc's sight: some may still be
    // on their way when the TERM overtakes them.
    if std::env::var_os("PIDONE_RUNNER").is_some_and(|r| !r.is_empty()) {
        assert!(counted.parse::<usize>().unwrap() > 0, "{report}");
    } else {
        assert_eq!(counted, sent.to_string(), "{report}");
    }
}

/// When the reader of stderr is gone, pidone's own writes raise SIGPIPE for it: a signal nobody sent,
/// which must not reach the program.
#[test]
fn pidone_keeps_the_sigpipe_its_own_writes_raise() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = as_init(&["-vvv", "--", &testapp(), "count"]);
    let mut s = Session::start_with(&mut cmd, Stdio::null(), writer.into());
    drop(cmd);
    s.wait_for("ready");
    // Each forwarded signal is a debug line, so a SIGPIPE before the TERM that ends the count.
    s.signal_init(10);
    s.signal_init(15);
    let done = s.finish();
    assert_eq!((done.code(), done.stdout.lines().last()), (0, Some("10=1 blocked=0")));
}
