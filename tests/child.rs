//! What the program gets from pidone: the signal mask and dispositions pidone inherited (SIGCHLD ignored
//! too), stdin, environment and arguments byte for byte, the terminal's foreground (Ctrl-C reaches it),
//! socket activation's `LISTEN_PID`, and no descriptor held for it once it has started.

mod common;
use common::*;

fn status_field(status: &str, name: &str) -> u64 {
    let line = status.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no {name} in {status}"));
    u64::from_str_radix(line.split_whitespace().last().unwrap(), 16).unwrap()
}

/// What cat, pidone's grandchild, finds in /proc/self/status when pidone's parent blocked TERM, TTIN and
/// ILL and ignored INT, TTOU and SEGV; and the same without pidone in the chain.
fn inherited_signal_state() -> (String, String) {
    // env sets the state and execs pidone, which stays PID 1. bash, not dash (which clears its mask at
    // start-up); `; :` keeps cat a grandchild rather than exec'd.
    let prefix = [
        "env",
        "--block-signal=TERM",
        "--block-signal=TTIN",
        "--block-signal=ILL",
        "--ignore-signal=INT",
        "--ignore-signal=TTOU",
        "--ignore-signal=SEGV",
    ];
    let grandchild = ["/bin/bash", "-c", "cat /proc/self/status; :"];
    let done = run(as_init_via(&prefix, &[&["--"][..], &grandchild].concat()));
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let mut direct = unshare();
    direct.args(prefix).args(grandchild);
    (done.stdout, run(direct).stdout)
}

const fn bit(n: u32) -> u64 {
    1 << (n - 1)
}

/// The grandchild's `field` (SigBlk or SigIgn) holds `expected` and equals the reference run's.
fn assert_inherited(field: &str, expected: u64) {
    let (status, reference) = inherited_signal_state();
    let got = status_field(&status, field);
    assert_eq!(got & expected, expected, "{field} {got:x}");
    assert_eq!(got, status_field(&reference, field));
}

#[test]
fn inherited_blocked_signals_reach_the_grandchild() {
    assert_inherited("SigBlk:", bit(15) | bit(21) | bit(4));
}

#[test]
fn inherited_ignored_signals_reach_the_grandchild() {
    assert_inherited("SigIgn:", bit(2) | bit(22) | bit(11));
}

/// A parent that ignored SIGCHLD (Python's `signal.signal(SIGCHLD, SIG_IGN)`, a shell's `trap '' CHLD`)
/// would have the kernel reap pidone's children itself, and their ends go unseen: pidone takes SIGCHLD's
/// default back for itself and hands the program the ignored one. Runs `args` so, as PID 1 and below
/// another init.
fn with_sigchld_ignored(args: &[&str]) -> [Finished; 2] {
    let ignore = ["env", "--ignore-signal=CHLD"];
    [run(as_init_via(&ignore, args)), run(below_init_via(&ignore, args))]
}

#[test]
fn started_with_sigchld_ignored_the_status_still_comes_through() {
    for done in with_sigchld_ignored(&["--", "/bin/sh", "-c", "exit 7"]) {
        assert_eq!(done.code(), 7, "{}", done.stderr);
    }
}

#[test]
fn started_with_sigchld_ignored_the_program_still_has_it_ignored() {
    for done in with_sigchld_ignored(&["--", "/bin/grep", "SigIgn", "/proc/self/status"]) {
        assert_eq!(done.code(), 0, "{}", done.stderr);
        let ignored = status_field(&done.stdout, "SigIgn:");
        assert_eq!(ignored & bit(17), bit(17), "the program sees SIGCHLD ignored: {ignored:x}");
    }
}

#[test]
fn stdin_passes_through() {
    let done = run_with_input(as_init(&["/bin/sh"]), b"echo from-stdin; exit 3\n");
    assert_eq!((done.code(), done.stdout.as_str()), (3, "from-stdin\n"));
    let done = run_with_input(as_init(&["--", "cat"]), b"hello\nworld");
    assert_eq!(done.stdout, "hello\nworld");
}

#[test]
fn a_closed_stdin_does_not_stop_the_program() {
    // tini's child gives up (tcsetpgrp: EBADF, exit 1); pidone's runs.
    let close_stdin = ["/bin/sh", "-c", "exec \"$@\" <&-", "sh"];
    let done = run(as_init_via(&close_stdin, &["--", "/bin/sh", "-c", "echo ran; exit 6"]));
    assert_eq!((done.code(), done.stdout.as_str()), (6, "ran\n"), "{}", done.stderr);
}

#[test]
fn environment_and_arguments_pass_byte_for_byte() {
    let mut cmd = as_init(&["--", "/usr/bin/env"]);
    cmd.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("TINI_VERBOSITY", "1")
        .env(bytes(b"ODD\xff"), bytes(b"value \xfe\x01 with spaces="))
        .env("EMPTY", "");
    let done = run(cmd);
    let mut got: Vec<&[u8]> = done.raw_stdout.split(|&c| c == b'\n').filter(|l| !l.is_empty()).collect();
    got.sort();
    let mut want: Vec<&[u8]> =
        vec![b"EMPTY=", b"ODD\xff=value \xfe\x01 with spaces=", b"PATH=/usr/bin:/bin", b"TINI_VERBOSITY=1"];
    want.sort();
    assert_eq!(got, want);

    // printf writes each argument back between brackets, as it came.
    let args: [&[u8]; 5] = [b"plain", b"\xff\xfe invalid utf-8", b"", b"with\nnewline", b"-l"];
    let mut cmd = as_init(&["/usr/bin/printf", "[%s]"]);
    cmd.args(args.iter().map(|a| bytes(a)));
    let done = run(cmd);
    let want: Vec<u8> = args.iter().flat_map(|a| [&b"["[..], a, b"]"].concat()).collect();
    assert_eq!(done.raw_stdout, want);
}

#[test]
fn ctrl_c_on_a_terminal_reaches_the_program_in_the_foreground() {
    // `script` gives the command a pseudo-terminal; ^C written to it becomes SIGINT for the terminal's
    // foreground process group, which pidone's child took over with tcsetpgrp.
    let program = pidone_argv().iter().map(|a| a.to_str().unwrap().to_owned()).collect::<Vec<_>>().join(" ");
    let unshare = unshare_words().join(" ");
    let inner = format!("{unshare} {program} -vv -- /bin/bash -c 'echo loop-ready; while :; do sleep 0.05; done'");
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qfec", &inner, "/dev/null"]);
    let mut s = Session::start_with_stdin(&mut cmd, std::process::Stdio::piped());
    s.wait_for_substring("loop-ready");
    s.write_stdin(b"\x03");
    let done = s.finish();
    assert_eq!(done.code(), 130, "stdout: {}\nstderr: {}", done.stdout, done.stderr);
    // pidone was not in the foreground group: it never had to forward the SIGINT itself.
    assert!(!done.stdout.contains("Passing signal"), "{}", done.stdout);
}

/// Runs a program that prints its pid, its LISTEN_PID and LISTEN_FDS, the line it reads from fd 3, then
/// its whole environment, under pidone started with LISTEN_PID set by `listen_pid` (a shell word: `$$`
/// is pidone's own pid), LISTEN_FDS=1 and a file on fd 3; as PID 1, or below another init. Returns the
/// first line, the program's environment and the one pidone was given.
fn socket_activation(listen_pid: &str, below: bool) -> (String, Vec<String>, Vec<String>) {
    let t = TempDir::new("listen");
    let socket = t.write("socket", "what fd 3 holds\n");
    // The wrapper execs pidone, so `$$` there is pidone's pid; it keeps a copy of the environment it gives.
    let given = t.0.join("given");
    let wrapper = format!(
        "exec 3<{socket}; export LISTEN_PID={listen_pid} LISTEN_FDS=1; /usr/bin/env > {}; exec \"$@\"",
        given.display()
    );
    let prefix = ["/bin/sh", "-c", &wrapper, "sh"];
    let program =
        ["--", "/bin/sh", "-c", "echo $$ $LISTEN_PID $LISTEN_FDS; read line <&3; echo $line; exec /usr/bin/env"];
    let done = run(if below { below_init_via(&prefix, &program) } else { as_init_via(&prefix, &program) });
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let (head, env) = done.stdout.split_once("what fd 3 holds\n").expect("the program read fd 3");
    let given = std::fs::read_to_string(given).unwrap();
    (head.to_owned(), env.lines().map(String::from).collect(), given.lines().map(String::from).collect())
}

#[test]
fn socket_activation_reaches_the_program_through_pidone() {
    for below in [false, true] {
        let (head, env, given) = socket_activation("$$", below);
        let words: Vec<&str> = head.split_whitespace().collect();
        assert_eq!(words.len(), 3, "{head}");
        assert_eq!(words[1], words[0], "below: {below}: LISTEN_PID is the program's own pid");
        assert_eq!(words[2], "1", "LISTEN_FDS passes untouched");
        // Every other variable as pidone was given it, LISTEN_PID in its place. (qemu-user hands its guest
        // the environment in an order of its own: there, only the variables themselves are compared.)
        let mut want: Vec<String> = given
            .iter()
            .map(|var| if var.starts_with("LISTEN_PID=") { format!("LISTEN_PID={}", words[0]) } else { var.clone() })
            .collect();
        let mut env = env;
        if std::env::var_os("PIDONE_RUNNER").is_some_and(|r| !r.is_empty()) {
            want.sort();
            env.sort();
        }
        assert_eq!(env, want, "below: {below}");
    }
}

#[test]
fn a_listen_pid_naming_another_process_is_left_alone() {
    let (head, _, _) = socket_activation("12345", false);
    assert_eq!(head.split_whitespace().nth(1), Some("12345"), "{head}");
}

#[test]
fn pidone_holds_no_descriptor_the_program_let_go_of() {
    // A FIFO's write end on fd 3, opened in the namespace by the shell that execs pidone: the program
    // closes it and sleeps. The reader must see EOF at once, not when pidone exits.
    let t = TempDir::new("fds");
    let fifo = t.0.join("fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let (tx, rx) = std::sync::mpsc::channel();
    let reading = fifo.clone();
    std::thread::spawn(move || {
        // Opening blocks until the writer opens its end.
        let read = std::fs::read(&reading);
        let _ = tx.send(read);
    });
    let wrapper = format!("exec 3>{}; exec \"$@\"", fifo.display());
    let program = ["--", "/bin/sh", "-c", "exec 3>&-; echo closed; exec sleep 60"];
    let mut s = Session::start(as_init_via(&["/bin/sh", "-c", &wrapper, "sh"], &program));
    s.wait_for("closed");
    let read = rx.recv_timeout(std::time::Duration::from_secs(10));
    assert!(matches!(read, Ok(Ok(ref rest)) if rest.is_empty()), "no EOF while pidone lives: {read:?}");
    s.signal_init(15);
    assert_eq!(s.finish().code(), 143);
}
