//! A fresh PID namespace for pidone, and finding its processes from outside. One file for the integration
//! tests and for xtask (which includes it by path), so that both start pidone the same way.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// A tool's full path, found in this process's PATH, so that a command may give its child another PATH.
pub fn tool(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("{name} is not installed"))
}

/// `unshare` and its arguments for a fresh PID namespace (and a user namespace when not root, so that
/// anyone may make one). `--kill-child`: the namespace dies with unshare.
pub fn unshare_words() -> Vec<String> {
    let mut words = vec![tool("unshare").to_string_lossy().into_owned()];
    if !is_root() {
        words.extend(["--user".into(), "--map-root-user".into()]);
    }
    words.extend(["--pid", "--fork", "--mount-proc", "--kill-child"].map(String::from));
    words
}

/// `unshare_words` as a command, which PR_SET_PDEATHSIG ties to the thread that starts it: a test or a
/// benchmark that dies takes its namespace with it.
pub fn unshare() -> Command {
    let words = unshare_words();
    let mut cmd = Command::new(&words[0]);
    cmd.args(&words[1..]);
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))
                .map_err(|e| std::io::Error::from_raw_os_error(e.raw_os_error()))
        });
    }
    cmd
}

/// The host pids of `pid`'s children, from /proc.
pub fn children(pid: u32) -> Vec<u32> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    text.split_whitespace().filter_map(|p| p.parse().ok()).collect()
}

/// The host pid of the namespace's PID 1 (unshare's only child), once unshare has forked it; `None` if
/// that takes longer than `limit`.
pub fn namespace_init(unshare: u32, limit: Duration) -> Option<u32> {
    let end = Instant::now() + limit;
    loop {
        if let Some(&pid) = children(unshare).first() {
            return Some(pid);
        }
        if Instant::now() > end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Ends a namespace that `unshare` (started with `unshare()`) holds, and waits for unshare. The
/// namespace's PID 1 is killed first, so that unshare reaps it: killed first, unshare would leave it an
/// orphan of this machine's init, which may never reap it.
pub fn end_namespace(unshare: &mut Child) {
    // Only while unshare is unreaped does its pid, and so its children list, still belong to it.
    if !matches!(unshare.try_wait(), Ok(None)) {
        return;
    }
    if let Some(&init) = children(unshare.id()).first() {
        let _ = rustix::process::kill_process(
            rustix::process::Pid::from_raw(init as i32).expect("a pid"),
            rustix::process::Signal::KILL,
        );
    }
    let end = Instant::now() + Duration::from_secs(5);
    while matches!(unshare.try_wait(), Ok(None)) && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = unshare.kill();
    let _ = unshare.wait();
}
