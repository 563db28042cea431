//! Signals sent to pidone reach the program (or its process group with -g); nothing wakes an idle pidone.

mod common;
use common::*;

/// A bash child that reports each signal it gets; TERM ends it with 42.
const REPORTER: &str = r#"
for s in HUP INT QUIT USR1 USR2 WINCH CONT ALRM PIPE URG ABRT SEGV BUS FPE ILL TRAP SYS TTIN TTOU RTMIN RTMIN+1 RTMAX; do
    trap "echo got $s" $s
done
trap 'echo got TERM; exit 42' TERM
sleep 1000 & idle=$!
echo ready
while :; do wait $idle; done
"#;

#[test]
fn every_catchable_signal_reaches_the_child() {
    let sent = [
        ("HUP", 1),
        ("INT", 2),
        ("QUIT", 3),
        ("USR1", 10),
        ("USR2", 12),
        ("WINCH", 28),
        ("CONT", 18),
        ("ALRM", 14),
        ("PIPE", 13),
        ("URG", 23),
        ("TTIN", 21),
        ("TTOU", 22),
        ("RTMIN", 34),
        ("RTMIN+1", 35),
        ("RTMAX", 64),
    ];
    reports(&sent);
}

#[test]
fn fault_signals_sent_by_another_process_are_forwarded() {
    // tini keeps these at their default and so never forwards them (krallin/tini#104). A genuine fault
    // in pidone is another matter: see hardening.rs.
    reports(&[("ABRT", 6), ("SEGV", 11), ("BUS", 7), ("FPE", 8), ("ILL", 4), ("TRAP", 5), ("SYS", 31)]);
}

/// Sends each signal to pidone as PID 1 and waits for the child to report it; TERM ends it with 42.
fn reports(sent: &[(&str, i32)]) {
    let mut s = Session::start(as_init(&["--", "/bin/bash", "-c", REPORTER]));
    s.wait_for("ready");
    for &(name, n) in sent {
        s.signal_init(n);
        s.wait_for(&format!("got {name}"));
    }
    s.signal_init(15);
    let done = s.finish();
    assert_eq!(done.code(), 42, "{}", done.stderr);
    assert!(done.stdout.contains("got TERM"));
    assert!(done.stderr.is_empty(), "{}", done.stderr);
}

#[test]
fn a_signal_from_inside_the_namespace_reaches_the_child() {
    let script =
        r#"trap 'echo got TERM; exit 5' TERM; sleep 1000 & idle=$!; kill -TERM 1; while :; do wait $idle; done"#;
    let done = run(as_init(&["--", "/bin/bash", "-c", script]));
    assert_eq!((done.code(), done.stdout.as_str()), (5, "got TERM\n"), "{}", done.stderr);
}

/// The child and a grandchild in its process group both report USR1.
const FAMILY: &str = r#"
trap 'echo child got USR1' USR1
/bin/bash -c 'trap "echo grandchild got USR1; exit 0" USR1; trap "echo grandchild got USR2" USR2; sleep 1000 & idle=$!; echo ready; wait $idle; wait $idle' &
grandchild=$!
wait $grandchild
wait $grandchild
echo done
"#;

fn family(args: &[&str], env: Option<(&str, &str)>) -> Finished {
    let mut all = args.to_vec();
    all.extend(["--", "/bin/bash", "-c", FAMILY]);
    let mut cmd = as_init(&all);
    if let Some((k, v)) = env {
        cmd.env(k, v);
    }
    let mut s = Session::start(cmd);
    s.wait_for("ready");
    s.signal_init(10);
    s.wait_for("child got USR1");
    s.wait_for("grandchild got USR1");
    s.finish()
}

#[test]
fn group_mode_reaches_the_grandchild() {
    for (args, env) in [
        (&["-g"][..], None),
        (&[][..], Some(("TINI_KILL_PROCESS_GROUP", ""))),
        (&[][..], Some(("TINI_KILL_PROCESS_GROUP", "1"))),
    ] {
        let done = family(args, env);
        assert_eq!(done.code(), 0, "{args:?} {env:?}: {}", done.stderr);
        assert!(done.stdout.ends_with("done\n"));
    }
}

#[test]
fn without_group_mode_only_the_child_is_signalled() {
    let mut s = Session::start(as_init(&["--", "/bin/bash", "-c", FAMILY]));
    s.wait_for("ready");
    s.signal_init(10);
    s.wait_for("child got USR1");
    // Had pidone signalled the group, the grandchild's USR1 would be pending by now. A USR2 sent to the
    // grandchild directly comes after it (the kernel delivers the lower number first, and bash runs the
    // traps in that order), so once USR2 is reported, a USR1 would have been too.
    let grandchild = children(children(s.init_pid().as_raw_nonzero().get() as u32)[0])
        .into_iter()
        .find(|&pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "bash"))
        .expect("the grandchild shell");
    let sent = std::process::Command::new("kill").args(["-USR2", &grandchild.to_string()]).status().unwrap();
    assert!(sent.success());
    s.wait_for("grandchild got USR2");
    s.signal_init(15);
    let done = s.finish();
    assert!(!done.stdout.contains("grandchild got USR1"), "{}", done.stdout);
}

#[test]
fn idle_pidone_never_wakes_up() {
    let mut s = Session::start(as_init(&["--", "/bin/sh", "-c", "echo ready; exec sleep 1000"]));
    s.wait_for("ready");
    let woke = wake_ups(s.init_pid().as_raw_nonzero().get() as u32, std::time::Duration::from_secs(2));
    assert_eq!(woke, 0, "pidone woke up {woke} times in 2 s of idle");
    s.signal_init(15);
    assert_eq!(s.finish().code(), 143);
}

#[test]
fn parent_death_signal_fires_and_is_forwarded() {
    let t = TempDir::new("pdeathsig");
    let done = after_parent_death(&t, "-p SIGUSR1", &[], r#"trap 'echo usr1 > "$1/got"; exit 0' USR1"#);
    assert_eq!(done.stdout, "usr1\n", "stderr: {}", done.stderr);
}

#[test]
fn parent_death_signal_from_the_environment_and_the_flag_wins() {
    let traps = r#"trap 'echo usr1 > "$1/got"; exit 0' USR1; trap 'echo usr2 > "$1/got"; exit 0' USR2"#;
    let t = TempDir::new("pdeathsig-env");
    let done = after_parent_death(&t, "", &[("PIDONE_PARENT_DEATH", "usr2")], traps);
    assert_eq!(done.stdout, "usr2\n", "stderr: {}", done.stderr);
    let t = TempDir::new("pdeathsig-both");
    let done = after_parent_death(&t, "-p SIGUSR1", &[("PIDONE_PARENT_DEATH", "SIGUSR2")], traps);
    assert_eq!(done.stdout, "usr1\n", "the flag wins; stderr: {}", done.stderr);
}
