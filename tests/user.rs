//! `--user USER[:GROUP]` and PIDONE_USER: the program's uid, gid, groups (all of the kernel's ids, from
//! /proc/self/status) and HOME, resolved as Docker resolves its `--user` against /etc/passwd and
//! /etc/group (Debian's lines for the users of build-and-run.md §12, mounted over the machine's own in
//! the test's mount namespace); what cannot be resolved or switched to; and that pidone still forwards
//! and reaps after the program has become someone else.

mod common;
use common::*;

use common::users::{GROUP, PASSWD};

/// Prints the kernel's ids and HOME, as the program sees them.
const IDS: &str = r#"grep -E '^(Uid|Gid|Groups):' /proc/self/status | tr -s '\t ' ' '; echo "HOME=$HOME""#;

/// pidone as PID 1 with `args` and the variables `env`, its /etc a tmpfs holding only these passwd and
/// group (`None`: none, as in a scratch image). The mount namespace is the test's own.
fn with_files(t: &TempDir, passwd: Option<&str>, group: Option<&str>, env: &[(&str, &str)], args: &[&str]) -> Finished {
    let mut setup = "mount -t tmpfs none /etc".to_owned();
    for (file, text) in [("passwd", passwd), ("group", group)] {
        if let Some(text) = text {
            setup += &format!(" && cp {} /etc/{file}", t.write(file, text));
        }
    }
    let script = format!("{setup} && exec \"$@\"");
    let mut cmd = as_init_via(&["/bin/sh", "-c", &script, "sh"], args);
    cmd.env_remove("HOME").envs(env.iter().copied());
    run(cmd)
}

/// stderr without the pid in its lines' prefixes (under qemu-user the program's is not 2):
/// `[LEVEL pidone] message`.
fn without_pids(stderr: &str) -> String {
    let line = |l: &str| match (l.split_once(" pidone ("), l.split_once(")] ")) {
        (Some((level, _)), Some((_, message))) => format!("{level} pidone] {message}\n"),
        _ => format!("{l}\n"),
    };
    stderr.lines().map(line).collect()
}

/// The program's ids and HOME with `args` before `--`, on Debian's files.
fn ids(args: &[&str], env: &[(&str, &str)]) -> Finished {
    let t = TempDir::new("user-ids");
    let all = [args, &["--", "/bin/sh", "-c", IDS]].concat();
    with_files(&t, Some(PASSWD), Some(GROUP), env, &all)
}

fn expect(args: &[&str], env: &[(&str, &str)], uid: u32, gid: u32, groups: &str, home: &str) {
    let done = ids(args, env);
    assert_eq!(done.code(), 0, "{args:?} {env:?}: {}", done.stderr);
    let want = format!("Uid: {uid} {uid} {uid} {uid}\nGid: {gid} {gid} {gid} {gid}\nGroups: {groups}\nHOME={home}\n");
    assert_eq!(done.stdout, want, "{args:?} {env:?}");
    assert_eq!(done.stderr, "", "{args:?} {env:?}");
}

/// Docker's table (build-and-run.md §12): the same ids for the same `--user`.
#[test]
fn ids_are_dockers_for_names_numbers_and_groups() {
    if !is_root() {
        return assert_refused_without_root();
    }
    // The kernel keeps groups sorted: 103 (ssl-cert) before 104 (postgres's own).
    expect(&["--user", "postgres"], &[], 101, 104, "103 104 ", "/var/lib/postgresql");
    expect(&["--user", "101"], &[], 101, 104, "103 104 ", "/var/lib/postgresql");
    expect(&["--user=nobody"], &[], 65534, 65534, "65534 ", "/nonexistent");
    expect(&["--user", "1000"], &[], 1000, 0, "0 ", "/");
    expect(&["--user", "1000:1000"], &[], 1000, 1000, "1000 ", "/");
    expect(&["--user", "postgres:daemon"], &[], 101, 1, "1 ", "/var/lib/postgresql");
    expect(&["--user", "postgres:103"], &[], 101, 103, "103 ", "/var/lib/postgresql");
    expect(&["--user", "0"], &[], 0, 0, "0 ", "/root");
}

#[test]
fn pidone_user_is_the_variable_and_the_flag_wins() {
    if !is_root() {
        return assert_refused_without_root();
    }
    expect(&[], &[("PIDONE_USER", "postgres")], 101, 104, "103 104 ", "/var/lib/postgresql");
    expect(&["--user", "nobody"], &[("PIDONE_USER", "postgres")], 65534, 65534, "65534 ", "/nonexistent");
}

/// The HOME pidone got is its own user's (runc gives every root container `/root`): the program gets the
/// new user's, as with `docker run --user`, gosu and su-exec.
#[test]
fn home_is_the_new_users() {
    if !is_root() {
        return assert_refused_without_root();
    }
    expect(&["--user", "postgres"], &[("HOME", "/root")], 101, 104, "103 104 ", "/var/lib/postgresql");
    // Set once: the rest of the environment is the program's, byte for byte.
    let env = [("HOME", "/root"), ("A", "1"), ("Z", "2")];
    let t = TempDir::new("user-env");
    let done = with_files(&t, Some(PASSWD), Some(GROUP), &env, &["--user", "1000", "--", "/usr/bin/env"]);
    let homes: Vec<&str> = done.stdout.lines().filter(|l| l.starts_with("HOME=")).collect();
    assert_eq!(homes, ["HOME=/"], "{}", done.stdout);
    assert!(done.stdout.contains("\nA=1\n") && done.stdout.contains("\nZ=2\n"), "{}", done.stdout);
}

/// A scratch image has no /etc/passwd: numbers work, a name is one line saying why, and exit 1.
#[test]
fn without_the_files_numbers_work_and_names_say_why() {
    if !is_root() {
        return assert_refused_without_root();
    }
    let t = TempDir::new("user-none");
    let all =
        |user: &str| ["--user".to_owned(), user.to_owned(), "--".into(), "/bin/sh".into(), "-c".into(), IDS.into()];
    let run_as = |user: &str, passwd, group| {
        let args = all(user);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        with_files(&t, passwd, group, &[], &args)
    };
    let done = run_as("1000:1000", None, None);
    assert_eq!(
        (done.code(), done.stdout.as_str()),
        (0, "Uid: 1000 1000 1000 1000\nGid: 1000 1000 1000 1000\nGroups: 1000 \nHOME=/\n")
    );
    for (user, passwd, group, why) in [
        ("app", None, None, "a name, and no /etc/passwd"),
        ("1000:staff", Some(PASSWD), None, "a group name, and no /etc/group"),
    ] {
        let done = run_as(user, passwd, group);
        assert_eq!(done.code(), 1, "{user}: {}", done.stderr);
        assert_eq!(without_pids(&done.stderr), format!("[FATAL pidone] Cannot run as {user}: {why}\n"), "{user}");
        assert_eq!(done.stdout, "", "the program never started");
    }
}

#[test]
fn what_cannot_be_resolved_is_one_line_and_exit_1() {
    let t = TempDir::new("user-bad");
    let huge = "filler:x:5000:5000::/f:/bin/sh\n".repeat(70 * 1024 / 30);
    let cases: &[(&str, &str, &str)] = &[
        ("nosuch", PASSWD, "no such user in /etc/passwd"),
        ("postgres:nosuch", PASSWD, "no such group in /etc/group"),
        ("2147483648", PASSWD, "an id above 2147483647"),
        ("1:4294967295", PASSWD, "an id above 2147483647"),
        ("nobody", &huge, "File too large (/etc/passwd)"),
    ];
    for (user, passwd, why) in cases {
        let done = with_files(&t, Some(passwd), Some(GROUP), &[], &["--user", user, "--", "/bin/echo", "started"]);
        assert_eq!(done.code(), 1, "{user}: {}", done.stderr);
        assert_eq!(without_pids(&done.stderr), format!("[FATAL pidone] Cannot run as {user}: {why}\n"), "{user}");
        assert_eq!(done.stdout, "", "{user}: the program never started");
    }
    // Either file: exactly 64 KiB is already too much.
    let huge_group = "g".repeat(64 * 1024);
    let done =
        with_files(&t, Some(PASSWD), Some(&huge_group), &[], &["--user", "nobody", "--", "/bin/echo", "started"]);
    let want = "[FATAL pidone] Cannot run as nobody: File too large (/etc/group)\n";
    assert_eq!((done.code(), without_pids(&done.stderr), done.stdout.as_str()), (1, want.to_owned(), ""));
}

/// Lines the libcs skip are skipped (runc would read a non-numeric id as 0: root): too few fields,
/// letters for an id, an id beyond 2^31-1, a NUL; the first good entry counts, and a last line without a
/// newline is a line.
#[test]
fn malformed_lines_are_skipped() {
    if !is_root() {
        return assert_refused_without_root();
    }
    let passwd = "app:x:5\napp:x:zero:0::/root:/bin/sh\napp:x:4294967295:0::/:/bin/sh\napp:x:0\0:0::/:/bin/sh\n\
        app:x:1234:1235::/home/app:/bin/sh\napp:x:0:0::/root:/bin/sh";
    let group = "extra:x:x:app\nextra:x:2000:app\ntail:x:2001:app";
    let t = TempDir::new("user-malformed");
    let done = with_files(&t, Some(passwd), Some(group), &[], &["--user", "app", "--", "/bin/sh", "-c", IDS]);
    assert_eq!(done.code(), 0, "{}", done.stderr);
    assert_eq!(
        done.stdout,
        "Uid: 1234 1234 1234 1234\nGid: 1235 1235 1235 1235\nGroups: 1235 2000 2001 \nHOME=/home/app\n"
    );
}

/// Not root (nor CAP_SETUID and CAP_SETGID), pidone cannot make the program another user: one line, exit 1,
/// the program never starts.
#[test]
fn another_user_needs_root() {
    let t = TempDir::new("user-unprivileged");
    let prefix: &[&str] =
        if is_root() { &["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] } else { &[] };
    let done = run(as_init_via_public_copy(&t, prefix, &["--user", "0", "--", "/bin/echo", "started"]));
    assert_eq!(done.code(), 1, "{}", done.stderr);
    let why = "Operation not permitted (needs root, or CAP_SETUID and CAP_SETGID)";
    assert_eq!(without_pids(&done.stderr), format!("[FATAL pidone] Cannot run as 0: {why}\n"));
    assert_eq!(done.stdout, "");
}

/// Outside a user namespace's root, there is no switching: the ids tests become this one.
fn assert_refused_without_root() {
    let done = ids(&["--user", "postgres"], &[]);
    assert_eq!(done.code(), 1, "{}", done.stderr);
    assert!(done.stderr.contains("Cannot run as postgres: Operation not permitted"), "{}", done.stderr);
}

/// pidone keeps its own ids: it still forwards signals to the program, and reaps its orphans, once the
/// program is nobody.
#[test]
fn after_the_switch_signals_arrive_and_orphans_are_reaped() {
    if !is_root() {
        return assert_refused_without_root();
    }
    let t = TempDir::new("user-signals");
    let app = public_copy(&t, testapp());
    let mut s = Session::start(as_init(&["--user", "nobody", "--", &app, "term-handler"]));
    s.wait_for("ready");
    s.signal_init(15);
    let done = s.finish();
    assert_eq!((done.code(), done.stdout.as_str()), (0, "ready\ncleaned up\n"), "{}", done.stderr);
    // The program waits until its orphans are gone, and counts the zombies left.
    let done = run(as_init(&["--user", "nobody", "-w", "--", &app, "orphans", "5"]));
    assert_eq!((done.code(), done.stdout.as_str()), (0, "zombies=0\n"), "{}", done.stderr);
    assert_eq!(done.stderr.matches("Reaped zombie process").count(), 5, "{}", done.stderr);
}
