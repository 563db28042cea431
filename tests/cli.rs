//! The command line as users meet it: meta flags, bad input, options stopping at the program, exec
//! errors and PATH search, verbosity, and the variables with their bad values.

mod common;
use common::*;

#[test]
fn version_help_and_license() {
    let v = run(as_init(&["--version"]));
    assert_eq!(v.code(), 0);
    assert!(v.stdout.starts_with("pidone version "), "{}", v.stdout);
    assert_eq!(v.stdout.lines().count(), 1);
    let h = run(as_init(&["-h"]));
    assert_eq!(h.code(), 0);
    assert!(h.stdout.contains("supervision of a valid init process") && h.stdout.contains("more verbose"));
    assert!(h.stderr.is_empty());
    let l = run(as_init(&["-l"]));
    assert_eq!(l.code(), 0);
    assert_eq!(l.stdout, include_str!("../LICENSE"));
    // Options act left to right: -h before a bad option still helps, after it fails.
    assert_eq!(run(as_init(&["-h", "-z"])).code(), 0);
    assert_eq!(run(as_init(&["-z", "-h"])).code(), 1);
}

#[test]
fn bad_input_gives_one_error_line_then_the_usage_and_exit_1() {
    let cases: &[(&[&str], &str)] = &[
        (&[], "pidone: no program to run"),
        (&["--"], "pidone: no program to run"),
        (&["-s", "-v"], "pidone: no program to run"),
        (&["-z", "true"], "pidone: invalid option -- 'z'"),
        (&["--help"], "pidone: unrecognized option '--help'"),
        (&["-p"], "pidone: option requires an argument -- 'p'"),
        (&["-e"], "pidone: option requires an argument -- 'e'"),
        (&["-p", "SIGNOPE", "true"], "Not a valid option for -p: SIGNOPE"),
        (&["-p", "0", "true"], "Not a valid option for -p: 0"),
        (&["-e", "256", "true"], "Not a valid option for -e: 256"),
        (&["-e", "-1", "true"], "Not a valid option for -e: -1"),
        (&["-e", "abc", "true"], "Not a valid option for -e: abc"),
        (&["-e0x1", "true"], "Not a valid option for -e: 0x1"),
        (&["-r", "KILL:TERM", "true"], &format!("Not a valid option for -r: KILL:TERM ({REWRITE_HINT})")),
        (&["--rewrite=CHLD:0", "true"], &format!("Not a valid option for --rewrite: CHLD:0 ({REWRITE_HINT})")),
        (&["--grace=soon", "true"], "Not a valid option for --grace: soon"),
        (&["--user"], "pidone: option '--user' requires an argument"),
        (&["--probe"], "pidone: option '--probe' requires an argument"),
        (&["--probe", "tcp://127.0.0.1:1", "true"], "pidone: probe mode (--probe) runs no program"),
    ];
    for (args, error) in cases {
        let done = run(as_init(args));
        assert_eq!(done.code(), 1, "{args:?}");
        let first = done.stderr.lines().next().unwrap_or_default();
        assert!(first.ends_with(error), "{args:?}: first stderr line {first:?}");
        assert!(done.stderr.lines().nth(1).unwrap_or_default().starts_with("pidone "), "{args:?}: {}", done.stderr);
        assert!(done.stderr.contains("\nUsage: pidone"), "{args:?}");
        assert!(done.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn options_stop_at_the_program() {
    // No permutation: -l after the program belongs to the program.
    let done = run(as_init(&["/bin/echo", "-l", "-s"]));
    assert_eq!((done.code(), done.stdout.as_str()), (0, "-l -s\n"));
    let done = run(as_init(&["-gvw", "-e3", "-pSIGTERM", "--", "/bin/sh", "-c", "exit 3"]));
    assert_eq!(done.code(), 0);
}

#[test]
fn exec_errors_are_127_126_and_1() {
    let t = TempDir::new("exec-errors");
    let plain = t.write("plain", "echo should not run\n");
    let long = format!("{}/{}", t.path(), "x".repeat(300));
    // A program open for writing (this test holds it open) cannot be executed.
    let busy = t.write("busy", "#!/bin/sh\n");
    std::fs::set_permissions(&busy, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let _writer = std::fs::OpenOptions::new().append(true).open(&busy).unwrap();
    let cases: &[(&str, i32, &str)] = &[
        ("/nonexistent/program", 127, "exec /nonexistent/program failed: No such file or directory"),
        ("no-such-program-anywhere", 127, "exec no-such-program-anywhere failed: No such file or directory"),
        ("/etc", 126, "exec /etc failed: Permission denied"),
        (&plain, 126, "failed: Permission denied"),
        ("/etc/passwd/x", 1, "exec /etc/passwd/x failed: Not a directory"),
        ("", 127, "exec  failed: No such file or directory"),
        (&long, 1, "failed: File name too long"),
        (&busy, 1, "failed: Text file busy"),
    ];
    for (program, code, message) in cases {
        let mut cmd = as_init(&["--", program]);
        // A PATH entry this user may not search would rightly turn ENOENT into EACCES.
        cmd.env("PATH", "/usr/bin:/bin");
        let done = run(cmd);
        assert_eq!(done.code(), *code, "{program:?}: {}", done.stderr);
        assert!(
            done.stderr.lines().any(|l| l.starts_with("[FATAL pidone (") && l.ends_with(message)),
            "{program:?}: {}",
            done.stderr
        );
    }
    // The exit code of an exec failure goes through -e like any other.
    assert_eq!(run(as_init(&["-e", "127", "--", "/nonexistent"])).code(), 0);
}

#[test]
fn a_script_without_shebang_runs_under_sh() {
    let t = TempDir::new("noshebang");
    let script = t.write("script", "echo \"from sh: $1\"\nexit 7\n");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let done = run(as_init(&["--", &script, "arg"]));
    assert_eq!((done.code(), done.stdout.as_str()), (7, "from sh: arg\n"), "{}", done.stderr);
    // Found through PATH as well.
    let mut cmd = as_init(&["--", "script", "viapath"]);
    cmd.env("PATH", format!("/nonexistent:{}", t.path()));
    let done = run(cmd);
    assert_eq!((done.code(), done.stdout.as_str()), (7, "from sh: viapath\n"), "{}", done.stderr);
}

#[test]
fn path_search_goes_on_past_a_denied_entry() {
    let t = TempDir::new("path");
    std::fs::create_dir(t.0.join("denied")).unwrap();
    let denied = t.write("denied/tool", "#!/bin/sh\necho denied\n");
    std::fs::set_permissions(&denied, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    std::fs::create_dir(t.0.join("ok")).unwrap();
    let ok = t.write("ok/tool", "#!/bin/sh\necho found\n");
    std::fs::set_permissions(&ok, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut cmd = as_init(&["tool"]);
    cmd.env("PATH", format!("{0}/denied:{0}/ok", t.path()));
    let done = run(cmd);
    assert_eq!((done.code(), done.stdout.as_str()), (0, "found\n"), "{}", done.stderr);
    // Only the denied one: EACCES wins over ENOENT.
    let mut cmd = as_init(&["tool"]);
    cmd.env("PATH", format!("/nonexistent:{0}/denied", t.path()));
    assert_eq!(run(cmd).code(), 126);
}

#[test]
fn verbosity_levels_and_the_environment_variable() {
    let quiet = run(as_init(&["--", "/bin/sh", "-c", "exit 2"]));
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    let trace = run(as_init(&["-vvv", "--", "/bin/sh", "-c", "exit 2"]));
    assert_eq!(trace.code(), 2);
    for line in [
        "Spawned child process '/bin/sh' with pid '",
        "Received SIGCHLD",
        "Reaped child with pid: '",
        "Main child exited normally (with status '2')",
        "Exiting: child has exited",
    ] {
        assert!(trace.stderr.contains(line), "missing {line:?} in {}", trace.stderr);
    }
    assert!(trace.stdout.is_empty(), "diagnostics never go to stdout");
    for line in trace.stderr.lines() {
        assert!(
            line.starts_with("[INFO  pidone (")
                || line.starts_with("[DEBUG pidone (")
                || line.starts_with("[TRACE pidone ("),
            "{line:?}"
        );
    }
    // TINI_VERBOSITY replaces -v; garbage means 0.
    let mut cmd = as_init(&["-vvv", "--", "/bin/sh", "-c", "exit 2"]);
    cmd.env("TINI_VERBOSITY", "0");
    assert!(run(cmd).stderr.is_empty());
    let mut cmd = as_init(&["--", "/bin/sh", "-c", "exit 2"]);
    cmd.env("TINI_VERBOSITY", "2");
    assert!(run(cmd).stderr.contains("Main child exited normally"));
    let mut cmd = as_init(&["--", "/nonexistent"]);
    cmd.env("TINI_VERBOSITY", "garbage");
    let done = run(cmd);
    assert_eq!(done.code(), 127);
    assert!(done.stderr.contains("exec /nonexistent failed"), "FATAL shows at any verbosity");
}

#[test]
fn expected_codes_and_reaping_warnings_from_the_environment() {
    // PIDONE_EXPECT adds to -e.
    for (code, want) in [(143, 0), (130, 0), (3, 0), (4, 4)] {
        let mut cmd = as_init(&["-e", "3", "--", "/bin/sh", "-c", &format!("exit {code}")]);
        cmd.env("PIDONE_EXPECT", "130,143");
        assert_eq!(run(cmd).code(), want, "exit {code}");
    }
    // PIDONE_WARN_REAPED, set at all, is -w.
    let mut cmd = as_init(&["--", "/bin/sh", "-c", "/bin/sh -c 'sleep 0.1 &'; sleep 0.5"]);
    cmd.env("PIDONE_WARN_REAPED", "");
    let done = run(cmd);
    assert_eq!(done.code(), 0);
    assert!(done.stderr.contains("] Reaped zombie process with pid="), "{}", done.stderr);
}

#[test]
fn bad_values_in_variables_name_the_variable() {
    for (var, value, error) in [
        ("PIDONE_EXPECT", "143,256", "Not a valid option for PIDONE_EXPECT: 256"),
        ("PIDONE_PARENT_DEATH", "SIGNOPE", "Not a valid option for PIDONE_PARENT_DEATH: SIGNOPE"),
        ("PIDONE_GRACE", "soon", "Not a valid option for PIDONE_GRACE: soon"),
        (
            "PIDONE_REWRITE",
            "TERM:QUIT,KILL:0",
            &format!("Not a valid option for PIDONE_REWRITE: KILL:0 ({REWRITE_HINT})"),
        ),
        ("PIDONE_EXPECT", "1,,2", "Not a valid option for PIDONE_EXPECT: 1,,2 (an empty item)"),
        ("PIDONE_EXPECT", ",", "Not a valid option for PIDONE_EXPECT: , (an empty item)"),
        ("PIDONE_REWRITE", "TERM:QUIT,", "Not a valid option for PIDONE_REWRITE: TERM:QUIT, (an empty item)"),
        ("PIDONE_PROBE_TIMEOUT", "0", "Not a valid option for PIDONE_PROBE_TIMEOUT: 0"),
    ] {
        let mut cmd = as_init(&["true"]);
        cmd.env(var, value);
        let done = run(cmd);
        assert_eq!(done.code(), 1, "{var}");
        let first = done.stderr.lines().next().unwrap_or_default();
        assert!(first.starts_with("[FATAL pidone (") && first.ends_with(error), "{var}: {first:?}");
        assert!(done.stderr.contains("\nUsage: pidone"), "{var}");
    }
}
