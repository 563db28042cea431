//! The Linux versions README promises, played by a seccomp filter (the test program's `refuse kernel`):
//! every system call numbered after that kernel's last answers ENOSYS, and before 3.4 the subreaper's prctl
//! answers EINVAL, as those kernels do. 2.6.32 for the core, as PID 1; below another init, 2.6.32 runs with
//! a warning, 3.4 reaps the program's orphans, 3.17 ends the tree with `--grace`; `--probe` needs 4.3 on
//! 386. The numbers are x86's: `cargo xtask test` runs these natively, against pidone-amd64 and pidone-386.

mod common;
use common::*;
use std::time::Duration;

/// The test program's filter for Linux `version`, in front of pidone.
fn kernel(version: &str) -> Vec<String> {
    vec![testapp(), "refuse".into(), "kernel".into(), version.into()]
}

fn words(prefix: &[String]) -> Vec<&str> {
    prefix.iter().map(String::as_str).collect()
}

#[test]
#[ignore = "x86 builds, natively: cargo xtask test runs them against pidone-amd64 and pidone-386"]
fn under_2_6_32_as_pid_1_exit_codes_signals_orphans_grace_and_pause_hold() {
    let prefix = kernel("2.6.32");
    let prefix = words(&prefix);
    for (script, code) in [("exit 3", 3), ("exit 0", 0), ("kill -TERM $$", 143), ("kill -KILL $$", 137)] {
        let done = run(as_init_via(&prefix, &["--", "/bin/sh", "-c", script]));
        assert_eq!(done.code(), code, "{script}: {}", done.stderr);
    }
    assert_eq!(run(as_init_via(&prefix, &["-e", "143", "--", "/bin/sh", "-c", "kill -TERM $$"])).code(), 0);

    let mut s = Session::start(as_init_via(&prefix, &["--", &testapp(), "term-handler"]));
    s.wait_for("ready");
    s.signal_init(15);
    let done = s.finish();
    assert_eq!((done.code(), done.stdout.as_str()), (0, "ready\ncleaned up\n"), "{}", done.stderr);

    let done = run(as_init_via(&prefix, &["-w", "--", "/bin/sh", "-c", ORPHANS]));
    assert_eq!((done.code(), done.stdout.as_str()), (0, "zombies=0\n"), "{}", done.stderr);
    assert_eq!(reaped_warnings(&done.stderr), 100, "{}", done.stderr);

    let t = TempDir::new("old-grace");
    let (done, took) =
        timed(as_init_via(&prefix, &["--grace", "1", "-e", "7", "-v", "--", "/bin/sh", &family(&t, false)]));
    assert_eq!(done.code(), 0, "{}", done.stderr);
    assert!(done.stderr.contains("Grace period over"), "{}", done.stderr);
    assert!((Duration::from_secs(1)..Duration::from_secs(5)).contains(&took), "--grace 1 took {took:?}");

    // Pause mode: up, in its loop (working from /), and ended by TERM with 0.
    let s = Session::start(as_init_via(&prefix, &["-P"]));
    let init = s.init_pid().as_raw_nonzero().get();
    let end = std::time::Instant::now() + DEADLINE;
    while std::fs::read_link(format!("/proc/{init}/cwd")).ok().as_deref() != Some(std::path::Path::new("/")) {
        assert!(std::time::Instant::now() < end, "pause mode never settled");
        std::thread::sleep(Duration::from_millis(10));
    }
    s.signal_init(15);
    let done = s.finish();
    assert_eq!(done.code(), 0, "{}", done.stderr);
}

#[test]
#[ignore = "x86 builds, natively: cargo xtask test runs them against pidone-amd64 and pidone-386"]
fn under_2_6_32_below_another_init_it_runs_with_a_warning() {
    let prefix = kernel("2.6.32");
    let done = run(below_init_via(&words(&prefix), &["--", "/bin/sh", "-c", "exit 3"]));
    assert_eq!(done.code(), 3, "{}", done.stderr);
    assert!(
        done.stderr.starts_with(
            "[WARN  pidone (2)] pidone is not PID 1 and cannot be a child subreaper (Invalid argument), so \
             zombie reaping won't work"
        ),
        "{}",
        done.stderr
    );
}

#[test]
#[ignore = "x86 builds, natively: cargo xtask test runs them against pidone-amd64 and pidone-386"]
fn under_3_4_below_another_init_its_programs_orphans_come_back_and_are_reaped() {
    let prefix = kernel("3.4");
    let done = run(below_init_via(&words(&prefix), &["-w", "--", "/bin/sh", "-c", ORPHANS]));
    assert_eq!((done.code(), done.stdout.as_str()), (0, "zombies=0\n"), "{}", done.stderr);
    // Every warning proves pidone, not the shell that is PID 1, reaped the orphan.
    assert_eq!(reaped_warnings(&done.stderr), 100, "{}", done.stderr);
    assert!(!done.stderr.contains("zombie reaping won't work"), "{}", done.stderr);
}

#[test]
#[ignore = "x86 builds, natively: cargo xtask test runs them against pidone-amd64 and pidone-386"]
fn under_3_17_below_another_init_grace_ends_the_tree() {
    let prefix = kernel("3.17");
    let t = TempDir::new("old-grace-below");
    let dir = t.path();
    // PID 1 is a shell that runs pidone, then says whether the grandchild pidone's program left is gone.
    let script = format!(
        r#""$@" -s -v --grace 1 -- /bin/sh {family}
        echo "status=$?"
        kill -0 "$(cat {dir}/grandchild)" 2>/dev/null && echo grandchild=alive || echo grandchild=gone"#,
        family = family(&t, false)
    );
    let (done, took) =
        timed(as_init_via(&[&["/bin/sh", "-c", &script, "sh"][..], &words(&prefix)].concat(), &[] as &[&str]));
    assert_eq!(done.stdout, "status=7\ngrandchild=gone\n", "{}", done.stderr);
    assert!(
        done.stderr.contains("Grace period over") && done.stderr.contains("Sent SIGKILL to pid "),
        "{}",
        done.stderr
    );
    assert!(took >= Duration::from_secs(1), "took {took:?}");
}

/// `--probe` needs Linux 4.3 on 386, whose socket calls of their own came then (before it, only socketcall
/// reached them); amd64 has had them always.
#[test]
#[ignore = "x86 builds, natively: cargo xtask test runs them against pidone-amd64 and pidone-386"]
fn probe_needs_4_3_on_386_and_nothing_newer_than_2_6_32_on_amd64() {
    // Nobody accepts: the kernel completes the connection for the listener's backlog.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("tcp://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let probe = |version| run(as_init_via(&words(&kernel(version)), &["--probe", &url]));
    let done = probe("4.3");
    assert_eq!((done.code(), done.stderr.as_str()), (0, ""), "4.3");
    let i386 = std::fs::read(pidone()).unwrap().get(4) == Some(&1);
    let done = probe("2.6.32");
    let want = if i386 { (1, format!("pidone: probe {url}: errno 38\n")) } else { (0, String::new()) };
    assert_eq!((done.code(), done.stderr), want, "2.6.32");
}
