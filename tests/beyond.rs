//! What pidone does beyond tini, each only when asked: `--grace` and `--wait-all` for the rest of the tree
//! (as PID 1 and as a subreaper, from flags and variables), `-r`/`--rewrite` (the parent-death signal
//! too), and pause mode `-P` (reaping, never waking for an orphan, working from `/`).

mod common;
use common::*;
use std::time::{Duration, Instant};

#[test]
fn grace_as_pid_1_ends_early_when_the_rest_cleans_up() {
    let t = TempDir::new("grace-clean");
    let (done, took) = timed(as_init(&["--grace", "20", "-v", "--", "/bin/sh", &family(&t, true)]));
    assert_eq!(done.code(), 7, "{}", done.stderr);
    assert!(took < Duration::from_secs(10), "waited {took:?} although everything had exited");
    assert_eq!(std::fs::read_to_string(t.0.join("cleaned")).unwrap_or_default(), "cleaned\n", "{}", done.stderr);
    assert!(done.stderr.contains("Sent SIGTERM to every other process in the namespace"), "{}", done.stderr);
    // Without --grace, pidone leaves at once and the namespace takes the grandchild down uncleaned.
    let t = TempDir::new("grace-none");
    let done = run(as_init(&["--", "/bin/sh", &family(&t, true)]));
    assert_eq!(done.code(), 7);
    assert!(!t.0.join("cleaned").exists());
}

#[test]
fn grace_as_pid_1_kills_what_ignores_term_when_time_is_up() {
    let t = TempDir::new("grace-kill");
    let (done, took) = timed(as_init(&["--grace=1.5", "-e", "7", "-v", "--", "/bin/sh", &family(&t, false)]));
    assert_eq!(done.code(), 0, "the main child's status, after -e: {}", done.stderr);
    assert!(took >= Duration::from_millis(1500), "left after {took:?}, before the grace period ended");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(done.stderr.contains("Grace period over"), "{}", done.stderr);
    assert!(done.stderr.contains("Sent SIGKILL to every other process in the namespace"), "{}", done.stderr);
}

#[test]
fn grace_from_the_environment() {
    let t = TempDir::new("grace-env");
    let mut cmd = as_init(&["--", "/bin/sh", &family(&t, true)]);
    cmd.env("PIDONE_GRACE", "20");
    let done = run(cmd);
    assert_eq!(done.code(), 7);
    assert!(t.0.join("cleaned").exists(), "{}", done.stderr);
}

/// PID 1 is a shell that starts an outsider (not in pidone's tree, trapping TERM), then pidone as a
/// subreaper with `args`, then reports pidone's status, whether the outsider was signalled, and
/// whether the grandchild is still alive.
fn below_a_shell(t: &TempDir, args: &str, grandchild_handles_term: bool) -> Finished {
    let dir = t.path();
    let script = format!(
        r#"/bin/bash -c 'trap "echo signalled > {dir}/outsider" TERM; echo ready > {dir}/outsider-ready; sleep 60 & wait $!' &
        while [ ! -e {dir}/outsider-ready ]; do sleep 0.01; done
        "$@" {args} -- /bin/sh {family}
        echo "status=$?"
        sleep 0.3
        [ -e {dir}/outsider ] && echo "outsider=$(cat {dir}/outsider)" || echo "outsider=untouched"
        kill -0 "$(cat {dir}/grandchild)" 2>/dev/null && echo grandchild=alive || echo grandchild=gone"#,
        family = family(t, grandchild_handles_term)
    );
    run(as_init_via(&["/bin/sh", "-c", &script, "sh"], &[] as &[&str]))
}

#[test]
fn grace_as_a_subreaper_signals_its_own_tree_only() {
    let t = TempDir::new("grace-sub-clean");
    let done = below_a_shell(&t, "-s -v --grace 20", true);
    assert_eq!(done.stdout, "status=7\noutsider=untouched\ngrandchild=gone\n", "{}", done.stderr);
    assert!(t.0.join("cleaned").exists(), "{}", done.stderr);
    assert!(done.stderr.contains("Sent SIGTERM to pid "), "{}", done.stderr);
}

#[test]
fn grace_as_a_subreaper_kills_what_ignores_term() {
    let t = TempDir::new("grace-sub-kill");
    let start = Instant::now();
    let done = below_a_shell(&t, "-s -v --grace 1", false);
    assert_eq!(done.stdout, "status=7\noutsider=untouched\ngrandchild=gone\n", "{}", done.stderr);
    assert!(start.elapsed() >= Duration::from_secs(1));
    assert!(
        done.stderr.contains("Grace period over") && done.stderr.contains("Sent SIGKILL to pid "),
        "{}",
        done.stderr
    );
}

/// Sends `signals` to pidone as PID 1 of the counting program, which ends on TERM, and returns its
/// count. The order is proven, not timed: the last signal sent is the highest-numbered one, and pidone
/// takes pending signals lowest number first, and so does the program, so whatever is forwarded before
/// the program's TERM is counted.
fn counted_after(args: &[&str], env: Option<&str>, signals: &[i32]) -> String {
    let app = testapp();
    let mut all = args.to_vec();
    all.extend(["--", &app, "count"]);
    let mut cmd = as_init(&all);
    if let Some(spec) = env {
        cmd.env("PIDONE_REWRITE", spec);
    }
    let mut s = Session::start(cmd);
    s.wait_for("ready");
    for &sig in signals {
        s.signal_init(sig);
    }
    let done = s.finish();
    assert_eq!(done.code(), 0, "{}", done.stderr);
    done.stdout.lines().last().unwrap_or_default().to_owned()
}

#[test]
fn rewrites_map_and_drop_signals() {
    // TERM becomes QUIT, HUP is dropped, WINCH (sent last, the highest number) becomes the TERM that ends
    // the count.
    let want = "3=1 10=1 blocked=0";
    let sent = [15, 1, 10, 28];
    assert_eq!(counted_after(&["-r", "TERM:QUIT", "--rewrite", "1:0", "-r", "WINCH:TERM"], None, &sent), want);
    // By number, as pidone numbers them (WINCH is 20 on MIPS).
    let winch_to_term = format!("-r{}:{}", number_for_pidone("WINCH"), number_for_pidone("TERM"));
    assert_eq!(counted_after(&["--rewrite=sigterm:3", "-rHUP:0", &winch_to_term], None, &sent), want);
    assert_eq!(counted_after(&[], Some("TERM:QUIT,HUP:0,WINCH:TERM"), &sent), want);
    // Without rewrites, each passes as itself, and TERM, sent last, ends the count.
    assert_eq!(counted_after(&[], None, &[1, 10, 15]), "1=1 10=1 blocked=0");
}

#[test]
fn bad_rewrites_and_graces_fail_at_start() {
    let refused = |what: &str| format!("Not a valid option for {what} ({REWRITE_HINT})");
    for (args, env, error) in [
        (&["-r", "TERM", "true"][..], None, refused("-r: TERM")),
        (&["-r", "CHLD:TERM", "true"][..], None, refused("-r: CHLD:TERM")),
        (&["--rewrite", "TERM:NOPE", "true"][..], None, refused("--rewrite: TERM:NOPE")),
        (&["--grace", "soon", "true"][..], None, "Not a valid option for --grace: soon".into()),
        (&["--grace"][..], None, "pidone: option '--grace' requires an argument".into()),
        (&["true"][..], Some(("PIDONE_REWRITE", "TERM:QUIT,KILL:0")), refused("PIDONE_REWRITE: KILL:0")),
        (&["true"][..], Some(("PIDONE_GRACE", "-1")), "Not a valid option for PIDONE_GRACE: -1".into()),
        (&["-P", "true"][..], None, "pidone: pause mode (-P) runs no program".into()),
    ] {
        let mut cmd = as_init(args);
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let done = run(cmd);
        assert_eq!(done.code(), 1, "{args:?}");
        let first = done.stderr.lines().next().unwrap_or_default();
        assert!(first.ends_with(&error), "{args:?}: {first:?}");
        assert!(done.stderr.contains("\nUsage: pidone"), "{args:?}");
    }
}

#[test]
fn rewrites_apply_to_the_parent_death_signal() {
    let t = TempDir::new("pdeath-rewrite");
    let traps = r#"trap 'echo usr2 > "$1/got"; exit 0' USR2; trap 'echo usr1 > "$1/got"; exit 0' USR1"#;
    let done = after_parent_death(&t, "-p SIGUSR1 -r USR1:USR2", &[], traps);
    assert_eq!(done.stdout, "usr2\n", "stderr: {}", done.stderr);
}

#[test]
fn pause_mode_reaps_idles_and_ends_on_term_or_int() {
    for (args, env, end) in [(&["-P"][..], None, 15), (&["--pause"][..], None, 2), (&[][..], Some("PIDONE_PAUSE"), 15)]
    {
        let mut cmd = as_init(args);
        if let Some(var) = env {
            cmd.env(var, "1");
        }
        let s = Session::start(cmd);
        let init = s.init_pid().as_raw_nonzero().get() as u32;
        leave_orphans_and_see_them_reaped(init);
        // USR1 does not end pause mode. pidone takes it before the SIGCHLDs of the next orphans (the lower
        // number first), so once those are reaped, USR1 has been handled.
        s.signal_init(10);
        leave_orphans_and_see_them_reaped(init);
        assert!(std::fs::metadata(format!("/proc/{init}")).is_ok(), "USR1 ended pause mode");
        s.signal_init(end);
        let done = s.finish();
        assert_eq!(done.code(), 0, "{args:?}: {}", done.stderr);
    }
}

/// Joins the namespaces of `init` and leaves 20 orphans behind, as a pod's containers would; returns once
/// `init` has reaped them all.
fn leave_orphans_and_see_them_reaped(init: u32) {
    let joined = run({
        let mut c = std::process::Command::new(tool("nsenter"));
        if !is_root() {
            c.arg("-U"); // the user namespace unshare made, to be allowed into the others
        }
        c.args(["-t", &init.to_string(), "-p", "-m", "/bin/sh", "-c"]);
        c.arg("i=0; while [ $i -lt 20 ]; do sleep 0.1 & i=$((i+1)); done; echo left");
        c
    });
    assert_eq!(joined.stdout, "left\n", "{}", joined.stderr);
    let end = Instant::now() + DEADLINE;
    while !children(init).is_empty() {
        assert!(Instant::now() < end, "pidone still has children (unreaped zombies): {:?}", children(init));
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn pause_mode_never_wakes_up() {
    let s = Session::start(as_init(&["-P"]));
    assert_eq!(wake_ups(s.init_pid().as_raw_nonzero().get() as u32, Duration::from_secs(2)), 0);
    s.signal_init(15);
    assert_eq!(s.finish().code(), 0);
}

/// pidone --wait-all (or PIDONE_WAIT_ALL) as PID 1 or below a shell (then with -s, so that the sleeps are
/// its own), while its program leaves two sleeps behind and exits 3: it exits 3, after the last sleep.
fn assert_wait_all_waits(below: bool) {
    let script = "sleep 1 & sleep 1.5 & exit 3";
    for (args, env) in [(&["--wait-all"][..], None), (&[][..], Some("PIDONE_WAIT_ALL"))] {
        let mut all = args.to_vec();
        all.extend(["--", "/bin/sh", "-c", script]);
        let mut cmd = if below { below_init(&[&["-s"][..], &all].concat()) } else { as_init(&all) };
        if let Some(var) = env {
            cmd.env(var, "1");
        }
        let (done, took) = timed(cmd);
        assert!(done.stderr.is_empty(), "{args:?} {env:?}: {}", done.stderr);
        assert_eq!(done.code(), 3, "{args:?} {env:?}");
        assert!(took >= Duration::from_millis(1500), "{args:?} {env:?}: left after {took:?}, before the last sleep");
        assert!(took < Duration::from_secs(10), "took {took:?}");
    }
}

#[test]
fn wait_all_waits_for_the_last_process_and_keeps_the_main_status() {
    assert_wait_all_waits(false);
    // Without it, pidone leaves with the main child.
    let (done, took) = timed(as_init(&["--", "/bin/sh", "-c", "sleep 1 & sleep 1.5 & exit 3"]));
    assert_eq!(done.code(), 3);
    assert!(took < Duration::from_millis(1000), "took {took:?}");
}

#[test]
fn wait_all_as_a_subreaper_waits_passes_term_and_kills_at_the_deadline() {
    assert_wait_all_waits(true);
    let (done, took) = term_while_waiting(&[], true, true);
    assert_eq!(done.code(), 5, "{}", done.stderr);
    assert!(done.stdout.contains("helper got TERM"), "{}", done.stdout);
    assert!(took < Duration::from_secs(5), "took {took:?}");
    let (done, took) = term_while_waiting(&["--grace", "1", "-v"], true, false);
    assert_eq!(done.code(), 5, "{}", done.stderr);
    assert!(took >= Duration::from_secs(1), "left after {took:?}, before the deadline");
    assert!(
        done.stderr.contains("Grace period over") && done.stderr.contains("Sent SIGKILL to pid "),
        "{}",
        done.stderr
    );
}

/// pidone --wait-all `args` as PID 1 or below a shell, whose program leaves a helper behind that prints
/// `helper ready` and, on TERM, `helper got TERM` and ends (or ignores TERM); TERM goes to pidone once
/// the program has gone. Returns the output and how long pidone took after the TERM.
fn term_while_waiting(args: &[&str], below: bool, helper_handles_term: bool) -> (Finished, Duration) {
    let on_term = if helper_handles_term { "echo helper got TERM; exit 0" } else { "" };
    let helper = format!("trap '{on_term}' TERM; echo helper ready; sleep 60 & wait $!; wait $!");
    let script = format!("/bin/bash -c \"{helper}\" & exit 5");
    let mut all = vec!["--wait-all", "-vv"];
    all.extend(args);
    all.extend(["--", "/bin/sh", "-c", &script]);
    let cmd = if below { below_init(&[&["-s"][..], &all].concat()) } else { as_init(&all) };
    let mut s = Session::start(cmd);
    s.wait_for("helper ready");
    let pidone = if below {
        children(s.init_pid().as_raw_nonzero().get() as u32)[0]
    } else {
        s.init_pid().as_raw_nonzero().get() as u32
    };
    // The program has gone once pidone's only child is the helper (re-parented to it).
    let end = Instant::now() + DEADLINE;
    while children(pidone).len() != 1
        || std::fs::read_to_string(format!("/proc/{}/comm", children(pidone)[0])).is_ok_and(|c| c.trim() == "sh")
    {
        assert!(Instant::now() < end, "the program never left");
        std::thread::sleep(Duration::from_millis(10));
    }
    let start = Instant::now();
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(pidone as i32).unwrap(),
        rustix::process::Signal::TERM,
    )
    .unwrap();
    let done = s.finish();
    (done, start.elapsed())
}

#[test]
fn wait_all_passes_term_to_the_rest_which_ends_promptly() {
    let (done, took) = term_while_waiting(&[], false, true);
    assert_eq!(done.code(), 5, "{}", done.stderr);
    assert!(done.stdout.contains("helper got TERM"), "{}", done.stdout);
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn wait_all_with_grace_kills_what_ignores_term_at_the_deadline() {
    let (done, took) = term_while_waiting(&["--grace", "1", "-v"], false, false);
    assert_eq!(done.code(), 5, "{}", done.stderr);
    assert!(took >= Duration::from_secs(1), "left after {took:?}, before the deadline");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let kill = "Sent SIGKILL to every other process in the namespace";
    assert!(done.stderr.contains("Grace period over") && done.stderr.contains(kill), "{}", done.stderr);
}

#[test]
fn wait_all_never_wakes_while_waiting() {
    let s = Session::start(as_init(&["--wait-all", "--", "/bin/sh", "-c", "sleep 30 & exit 0"]));
    let init = s.init_pid().as_raw_nonzero().get() as u32;
    let end = Instant::now() + DEADLINE;
    while children(init).len() != 1
        || std::fs::read_to_string(format!("/proc/{}/comm", children(init)[0])).is_ok_and(|c| c.trim() != "sleep")
    {
        assert!(Instant::now() < end, "the program never left");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(wake_ups(init, Duration::from_secs(2)), 0, "pidone woke up while waiting");
}

#[test]
fn pause_mode_works_from_the_root_directory() {
    let t = TempDir::new("pause-cwd");
    let mut cmd = as_init(&["-P"]);
    cmd.current_dir(&t.0);
    let s = Session::start(cmd);
    let init = s.init_pid().as_raw_nonzero().get();
    let end = Instant::now() + DEADLINE;
    loop {
        let cwd = std::fs::read_link(format!("/proc/{init}/cwd")).unwrap();
        if cwd == std::path::Path::new("/") {
            break;
        }
        assert!(Instant::now() < end, "pause mode still in {cwd:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
    s.signal_init(15);
    assert_eq!(s.finish().code(), 0);
}

/// pidone -P `args` as PID 1 while 1,000 orphans exit in its namespace: its context switches meanwhile,
/// and what it printed.
fn pause_while_orphans_exit(args: &[&str]) -> (u64, Finished) {
    let s = Session::start(as_init(args));
    let init = s.init_pid().as_raw_nonzero().get() as u32;
    // pidone is in its loop once it has reaped the first orphans.
    leave_orphans_and_see_them_reaped(init);
    let before = context_switches(init);
    let made = run({
        let mut c = std::process::Command::new(tool("nsenter"));
        if !is_root() {
            c.arg("-U");
        }
        c.args(["-t", &init.to_string(), "-p", "-m", &testapp(), "orphans", "1000"]);
        c
    });
    // The program counts the zombies of the whole namespace once its orphans have ended.
    assert_eq!(made.stdout, "zombies=0\n", "{}", made.stderr);
    let switches = context_switches(init) - before;
    assert!(children(init).is_empty(), "pidone still has children: {:?}", children(init));
    s.signal_init(15);
    let done = s.finish();
    assert_eq!(done.code(), 0, "{}", done.stderr);
    (switches, done)
}

#[test]
fn pause_mode_never_wakes_for_orphans() {
    let (switches, _) = pause_while_orphans_exit(&["-P"]);
    // The kernel reaps them; pidone sleeps through all 1,000 exits.
    assert!(switches < 10, "pidone woke {switches} times for 1,000 orphans");
}

#[test]
fn pause_mode_with_w_still_reports_every_orphan() {
    let (_, done) = pause_while_orphans_exit(&["-P", "-w"]);
    let reported = done.stderr.lines().filter(|l| l.contains("] Reaped zombie process with pid=")).count();
    // The 20 orphans that showed pidone was up, and the 1,000.
    assert_eq!(reported, 1020, "{}", done.stderr);
}
