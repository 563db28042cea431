//! Orphans re-parented to pidone are reaped, as PID 1 and below another init, where pidone is a subreaper
//! by itself (tini only with `-s`).

mod common;
use common::*;

#[test]
fn a_hundred_orphans_are_reaped_as_pid_1() {
    for warn in [false, true] {
        let args: &[&str] =
            if warn { &["-w", "--", "/bin/sh", "-c", ORPHANS] } else { &["--", "/bin/sh", "-c", ORPHANS] };
        let done = run(as_init(args));
        assert_eq!(done.code(), 0, "{}", done.stderr);
        assert_eq!(done.stdout, "zombies=0\n");
        assert_eq!(reaped_warnings(&done.stderr), if warn { 100 } else { 0 }, "{}", done.stderr);
    }
}

#[test]
fn a_hundred_orphans_are_reaped_as_a_subreaper() {
    for (args, env) in [(&["-w"][..], None), (&["-s", "-w"], None), (&["-w"], Some("TINI_SUBREAPER"))] {
        let mut all = args.to_vec();
        all.extend(["--", "/bin/sh", "-c", ORPHANS]);
        let mut cmd = below_init(&all);
        if let Some(var) = env {
            cmd.env(var, "");
        }
        let done = run(cmd);
        assert_eq!(done.code(), 0, "{}", done.stderr);
        assert_eq!(done.stdout, "zombies=0\n");
        // Every warning proves pidone, not the shell that is PID 1, reaped the orphan.
        assert_eq!(reaped_warnings(&done.stderr), 100, "{}", done.stderr);
        assert!(!done.stderr.contains("zombie reaping won't work"), "{}", done.stderr);
    }
}

/// Below another init (a shared PID namespace, compose's `init: true` over an image's own init), with no
/// `-s`: an orphan of the program is re-parented to pidone, not to PID 1, and pidone reaps it.
#[test]
fn below_another_init_an_orphan_comes_back_to_pidone() {
    // The orphan reads its parent from /proc once the one that started it is gone.
    let script = r#"/bin/sh -c '(sleep 0.3; read -r _ _ _ ppid _ < /proc/self/stat; echo "orphan ppid=$ppid") &'
        sleep 1"#;
    let done = run(below_init(&["-w", "--", "/bin/sh", "-c", script]));
    assert_eq!(done.code(), 0, "{}", done.stderr);
    // The shell that is PID 1 starts pidone, its first child: pid 2.
    assert_eq!(done.stdout, "orphan ppid=2\n", "{}", done.stderr);
    assert_eq!(reaped_warnings(&done.stderr), 1, "{}", done.stderr);
    assert!(!done.stderr.contains("zombie reaping won't work"), "{}", done.stderr);
}
