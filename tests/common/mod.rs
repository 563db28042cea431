//! The harness every integration test uses: runs the real pidone binary, as PID 1 of a fresh PID
//! namespace (or as PID 2 under a shell, for the not-PID-1 cases), with a deadline on every wait and
//! no process left behind, even when a test fails.
//!
//! The binary is `$PIDONE_BIN` (`cargo xtask test` points it at the static `target/dist` builds), else
//! the host build cargo makes for these tests. `$PIDONE_RUNNER` (e.g. `qemu-arm-static -cpu cortex-a7`)
//! goes in front of it, for the builds of other architectures; `cargo xtask test` leaves out, by name and
//! saying why, the few tests that cannot hold under qemu-user.
#![allow(dead_code)] // each test file uses its own part of the harness

mod namespace;
pub use namespace::*;
pub mod users;

use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal};

/// Generous: a loaded 2-core machine, or qemu-user, can be slow. Only a hang gets near it.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// What pidone says after a rewrite it refuses.
pub const REWRITE_HINT: &str = "FROM:TO, signal names or numbers; KILL, STOP and CHLD are never rewritten";

pub fn pidone() -> PathBuf {
    match std::env::var_os("PIDONE_BIN") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_BIN_EXE_pidone")),
    }
}

/// Signal `name`'s number as the pidone under test counts it: MIPS numbers most classic signals its own
/// way (its ELF machine is EM_MIPS, 8, in either byte order). What a host process sends or receives is
/// the host's number; under qemu-user the emulator translates between the two.
pub fn number_for_pidone(name: &str) -> u32 {
    const GENERIC: &str = "HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT \
        STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS";
    const MIPS: &str = "HUP INT QUIT ILL TRAP ABRT EMT FPE KILL BUS SEGV SYS PIPE ALRM TERM USR1 USR2 CHLD PWR WINCH \
        URG IO STOP TSTP CONT TTIN TTOU VTALRM PROF XCPU XFSZ";
    let elf = std::fs::read(pidone()).expect("the pidone under test");
    let machine = match elf.get(5) {
        Some(2) => u16::from_be_bytes([elf[18], elf[19]]),
        _ => u16::from_le_bytes([elf[18], elf[19]]),
    };
    let names = if machine == 8 { MIPS } else { GENERIC };
    names.split(' ').position(|n| n == name).map(|i| i as u32 + 1).expect("a classic signal's name")
}

/// The test program of `tests/app` (see its modes there): `$PIDONE_TESTAPP`, which `cargo xtask test`
/// sets, or else built here once, for this machine, in its own target directory (this test run's
/// cargo holds the lock on the usual one).
pub fn testapp() -> String {
    static BUILT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            if let Some(path) = std::env::var_os("PIDONE_TESTAPP") {
                return path.into_string().expect("UTF-8 path");
            }
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            let target = root.join("target/testapp-host");
            let status = Command::new(env!("CARGO"))
                .args(["build", "--quiet", "--release", "--package", "pidone-testapp", "--manifest-path"])
                .arg(root.join("Cargo.toml"))
                .env("CARGO_TARGET_DIR", &target)
                .status()
                .expect("cargo");
            assert!(status.success(), "building the test program failed");
            target.join("release/pidone-testapp").into_os_string().into_string().expect("UTF-8 path")
        })
        .clone()
}

/// The words that run pidone: the emulator and its arguments (`$PIDONE_RUNNER`, e.g. `qemu-arm-static -cpu
/// cortex-a7`), if any, then the binary.
pub fn pidone_argv() -> Vec<std::ffi::OsString> {
    let runner = std::env::var("PIDONE_RUNNER").unwrap_or_default();
    let mut words = runner.split_whitespace();
    let mut argv: Vec<std::ffi::OsString> = words.next().map(|emulator| tool(emulator).into()).into_iter().collect();
    argv.extend(words.map(Into::into));
    argv.push(pidone().into_os_string());
    argv
}

/// pidone as PID 1 of a new PID namespace, with these arguments.
pub fn as_init<S: AsRef<OsStr>>(args: &[S]) -> Command {
    let mut cmd = unshare();
    cmd.args(pidone_argv()).args(args);
    cmd
}

/// pidone as PID 1, started through `prefix` (e.g. `env --block-signal=...`), which must exec it.
pub fn as_init_via<S: AsRef<OsStr>>(prefix: &[&str], args: &[S]) -> Command {
    let mut cmd = unshare();
    cmd.args(prefix).args(pidone_argv()).args(args);
    cmd
}

/// A copy of the program at `path` in `dir`, opened up to everyone: a uid a test drops to may not reach
/// the checkout (a private temporary clone, say).
pub fn public_copy(dir: &TempDir, path: impl AsRef<std::path::Path>) -> String {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir.0, std::fs::Permissions::from_mode(0o755)).unwrap();
    let copy = dir.0.join(path.as_ref().file_name().unwrap());
    std::fs::copy(path, &copy).unwrap();
    copy.into_os_string().into_string().unwrap()
}

/// As `as_init_via`, for a `prefix` that drops to another uid: pidone runs from a public copy in `dir`.
pub fn as_init_via_public_copy<S: AsRef<OsStr>>(dir: &TempDir, prefix: &[&str], args: &[S]) -> Command {
    let mut argv = pidone_argv();
    *argv.last_mut().unwrap() = public_copy(dir, pidone()).into();
    let mut cmd = unshare();
    cmd.args(prefix).args(argv).args(args);
    cmd
}

/// pidone as PID 2 of a new PID namespace: a shell is PID 1 and waits for it.
pub fn below_init<S: AsRef<OsStr>>(args: &[S]) -> Command {
    below_init_via(&[], args)
}

/// As `below_init`, with pidone started through `prefix`, which must exec it.
pub fn below_init_via<S: AsRef<OsStr>>(prefix: &[&str], args: &[S]) -> Command {
    let mut cmd = unshare();
    cmd.args(["/bin/sh", "-c", "\"$@\"", "sh"]).args(prefix).args(pidone_argv()).args(args);
    cmd
}

/// Runs pidone with `args` (and the variables `env`) below a shell that exits once the program is up, so
/// that pidone's parent dies; returns what the program saw. The program runs `trap` (a bash trap list
/// that writes what arrived to `$1/got` and exits) and sleeps; the marker files live in `t`.
pub fn after_parent_death(t: &TempDir, args: &str, env: &[(&str, &str)], trap: &str) -> Finished {
    let dir = t.path();
    let inner = t.write("inner.sh", &format!(r#"{trap}; sleep 1000 & idle=$!; touch "$1/ready"; wait $idle"#));
    // PID 1 is the outer shell. The middle shell starts pidone and exits once the program is up.
    let outer = format!(
        r#"/bin/sh -c '"$@" & i=0; while [ ! -e {dir}/ready ] && [ $i -lt 2000 ]; do sleep 0.01; i=$((i+1)); done' sh "$@" {args} -- /bin/bash {inner} {dir}
        i=0; while [ ! -e {dir}/got ] && [ $i -lt 2000 ]; do sleep 0.01; i=$((i+1)); done
        cat {dir}/got"#
    );
    // as_init_via puts pidone's argv last: the outer script passes it on as "$@".
    let mut cmd = as_init_via(&["/bin/sh", "-c", &outer, "sh"], &[] as &[&str]);
    cmd.envs(env.iter().copied());
    run(cmd)
}

/// Writes the program's script and returns its path: it starts a grandchild and exits 7 at once. The
/// grandchild starts its sleep, then writes its pid (so that the whole family exists before the program
/// exits: a process forked after pidone's kill(-1) would miss the signal), then either cleans up on TERM
/// (writes `cleaned`, exits) or ignores TERM; either way it would live 60 s.
pub fn family(t: &TempDir, grandchild_handles_term: bool) -> String {
    let dir = t.path();
    let on_term = if grandchild_handles_term { format!("echo cleaned > {dir}/cleaned; exit 0") } else { String::new() };
    t.write(
        "family.sh",
        &format!(
            r#"/bin/bash -c 'trap "{on_term}" TERM; sleep 60 & echo $$ > {dir}/grandchild; wait $!; wait $!' &
        while [ ! -s {dir}/grandchild ]; do sleep 0.01; done
        exit 7"#
        ),
    )
}

/// Makes 100 orphans (each `sh -c 'sleep 0.2 &'` exits at once and leaves its sleep behind), waits for
/// them to end, then reports how many zombies the namespace still holds.
pub const ORPHANS: &str = r#"
i=0
while [ $i -lt 100 ]; do /bin/sh -c 'sleep 0.2 &'; i=$((i+1)); done
sleep 1.5
zombies=0
for f in /proc/[0-9]*/stat; do
    read -r line < "$f" 2>/dev/null || continue
    case "${line##*) }" in Z*) zombies=$((zombies+1));; esac
done
echo "zombies=$zombies"
"#;

pub fn reaped_warnings(stderr: &str) -> usize {
    stderr.lines().filter(|l| l.contains("] Reaped zombie process with pid=")).count()
}

/// Runs to the end, and how long that took.
pub fn timed(cmd: Command) -> (Finished, Duration) {
    let start = Instant::now();
    let done = run(cmd);
    (done, start.elapsed())
}

/// The context switches of `pid` so far, voluntary or not: each time it went to sleep or was put aside.
pub fn context_switches(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let counts = status.lines().filter(|l| l.contains("ctxt_switches"));
    counts.map(|l| l.split_whitespace().last().unwrap().parse::<u64>().unwrap()).sum()
}

/// How often `pid` woke up over `window`, once it has had a moment to settle (to go back to sleep after
/// whatever it was doing; slower under qemu).
pub fn wake_ups(pid: u32, window: Duration) -> u64 {
    thread::sleep(Duration::from_millis(300));
    let before = context_switches(pid);
    thread::sleep(window);
    context_switches(pid) - before
}

/// A started command with its output collected as it comes.
pub struct Session {
    child: Child,
    chunks: Receiver<Vec<u8>>,
    stdout: Vec<u8>,
    /// How much of `stdout` `next_line` has handed out.
    lines_taken: usize,
    stderr: Option<JoinHandle<Vec<u8>>>,
}

pub struct Finished {
    pub status: ExitStatus,
    /// Exactly the bytes written to stdout.
    pub raw_stdout: Vec<u8>,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    pub fn code(&self) -> i32 {
        self.status.code().unwrap_or_else(|| panic!("killed by a signal: {:?}\n{}", self.status, self.stderr))
    }
}

impl Session {
    pub fn start(mut cmd: Command) -> Session {
        Session::start_with_stdin(&mut cmd, Stdio::null())
    }

    pub fn start_with_stdin(cmd: &mut Command, stdin: Stdio) -> Session {
        Session::start_with(cmd, stdin, Stdio::piped())
    }

    /// Starts `cmd` with these stdin and stderr; stderr is collected only if it is `Stdio::piped()`.
    pub fn start_with(cmd: &mut Command, stdin: Stdio, stderr: Stdio) -> Session {
        let mut child = cmd.stdin(stdin).stdout(Stdio::piped()).stderr(stderr).spawn().expect("spawn");
        let (tx, chunks) = channel();
        let mut out = child.stdout.take().unwrap();
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = out.read(&mut buf) {
                if tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let stderr = child.stderr.take().map(|mut err| {
            thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = err.read_to_end(&mut buf);
                buf
            })
        });
        Session { child, chunks, stdout: Vec::new(), lines_taken: 0, stderr }
    }

    /// Waits until stdout satisfies `done`.
    fn wait_until(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        let end = Instant::now() + DEADLINE;
        while !done(&String::from_utf8_lossy(&self.stdout)) {
            let left = end.saturating_duration_since(Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(chunk) => self.stdout.extend(chunk),
                Err(_) => panic!("no {what} in time; stdout so far: {:?}", String::from_utf8_lossy(&self.stdout)),
            }
        }
    }

    /// Waits for a stdout line equal to `want`.
    pub fn wait_for(&mut self, want: &str) {
        self.wait_until(&format!("line {want:?}"), |out| out.lines().any(|l| l.trim_end_matches('\r') == want));
    }

    /// The next stdout line not handed out before (by this function), without its newline.
    pub fn next_line(&mut self) -> String {
        let from = self.lines_taken;
        self.wait_until("a next line", |out| out.as_bytes().get(from..).is_some_and(|rest| rest.contains(&b'\n')));
        let rest = &self.stdout[from..];
        let end = rest.iter().position(|&b| b == b'\n').unwrap();
        self.lines_taken = from + end + 1;
        String::from_utf8_lossy(&rest[..end]).into_owned()
    }

    /// With the `count` program: asks for its counts (SIGUSR2, through pidone) until `done` holds for
    /// them, so that a test knows what has arrived before it ends the count.
    pub fn counted_until(&mut self, done: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + DEADLINE;
        loop {
            self.signal_init(12);
            let counts = loop {
                let line = self.next_line();
                if line != "ready" {
                    break line;
                }
            };
            if done(&counts) {
                return counts;
            }
            assert!(Instant::now() < end, "the counts never got there: {counts}");
            thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_for_substring(&mut self, want: &str) {
        self.wait_until(&format!("{want:?}"), |out| out.contains(want));
    }

    pub fn write_stdin(&mut self, bytes: &[u8]) {
        use std::io::Write;
        let stdin = self.child.stdin.as_mut().expect("started with a piped stdin");
        stdin.write_all(bytes).and_then(|()| stdin.flush()).expect("write stdin");
    }

    /// The host pid of the namespace's PID 1 (unshare's only child).
    pub fn init_pid(&self) -> Pid {
        let pid = namespace_init(self.child.id(), DEADLINE).expect("unshare never forked its child");
        Pid::from_raw(pid as i32).unwrap()
    }

    /// Sends `sig` to the namespace's PID 1 from outside the namespace.
    pub fn signal_init(&self, sig: i32) {
        // SAFETY: a plain signal number; this test process has no libc-reserved use for it.
        let sig = unsafe { Signal::from_raw_unchecked(sig) };
        rustix::process::kill_process(self.init_pid(), sig).expect("kill");
    }

    /// Waits for the end, within the deadline, and returns everything it printed.
    pub fn finish(mut self) -> Finished {
        drop(self.child.stdin.take());
        let end = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > end {
                // Ended by force, for what it printed.
                end_namespace(&mut self.child);
                let stderr = self.stderr.take().map(|t| t.join().unwrap()).unwrap_or_default();
                while let Ok(chunk) = self.chunks.try_recv() {
                    self.stdout.extend(chunk);
                }
                let (out, err) = (String::from_utf8_lossy(&self.stdout), String::from_utf8_lossy(&stderr));
                panic!("did not finish in {DEADLINE:?}; stdout: {out:?}; stderr: {err:?}");
            }
            thread::sleep(Duration::from_millis(2));
        };
        // The pipe's writers may outlive unshare by a moment (the namespace is torn down after it).
        while let Ok(chunk) = self.chunks.recv_timeout(end.saturating_duration_since(Instant::now())) {
            self.stdout.extend(chunk);
        }
        let stderr = self.stderr.take().map(|t| t.join().unwrap()).unwrap_or_default();
        let raw_stdout = std::mem::take(&mut self.stdout);
        Finished {
            status,
            stdout: String::from_utf8_lossy(&raw_stdout).into_owned(),
            raw_stdout,
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Kills the whole namespace on an early return or a failed assertion.
        end_namespace(&mut self.child);
    }
}

/// Runs to the end and returns what it printed.
pub fn run(cmd: Command) -> Finished {
    Session::start(cmd).finish()
}

/// Runs with `input` on stdin.
pub fn run_with_input(mut cmd: Command, input: &[u8]) -> Finished {
    let mut session = Session::start_with_stdin(&mut cmd, Stdio::piped());
    session.write_stdin(input);
    session.finish()
}

/// A fresh directory for a test's scripts and marker files, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// `name` need not be unique: tests running side by side may share a helper, hence a number each.
    pub fn new(name: &str) -> TempDir {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("pidone-test-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    }

    pub fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn bytes(b: &[u8]) -> &OsStr {
    OsStr::from_bytes(b)
}
