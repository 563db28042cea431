//! The supervisor loop: sleep until a signal comes, forward it, or on SIGCHLD reap every zombie, until
//! the main child is gone. No timeout: an idle pidone never wakes up.

use crate::cli::Config;
use crate::exit::Ending;
use crate::log::{self, Level};
use crate::signals::{self, SigSet};
use crate::sys;
use rustix::io::Errno;
use rustix::process::{self, Pid, Signal, WaitOptions};

/// Runs until the main child has been reaped, and returns pidone's exit code. `set` holds every signal
/// pidone has blocked, so each one waits, pending, for `wait_signal`.
pub fn supervise(child: Pid, config: &Config) -> i32 {
    let set = SigSet::supervised();
    loop {
        let sig = match sys::wait_signal(&set) {
            Ok(sig) => sig,
            Err(Errno::INTR) => continue,
            Err(e) => {
                log::fatal(b"Unexpected error in sigtimedwait", e);
                return 1;
            }
        };
        let step = if signals::is_child(sig) {
            log::note(Level::Debug, b"Received SIGCHLD");
            reap(child, config)
        } else {
            forward(child, sig, config.group)
        };
        if let Some(code) = step {
            return code;
        }
    }
}

/// Sends `sig` on to the child, or to its process group with `-g`. The child is never signalled after
/// it has been reaped: pidone exits at once then. Returns an exit code only on a fatal error.
fn forward(child: Pid, sig: u32, group: bool) -> Option<i32> {
    log::line(Level::Debug, |l| {
        l.s(b"Passing signal: '").sig(sig).s(b"'");
    });
    // SAFETY: `sig` came from rt_sigtimedwait, so it is a valid, non-zero signal number. rustix's caveat
    // about numbers a libc reserves does not apply: there is no libc in this process.
    let signal = unsafe { Signal::from_raw_unchecked(sig as i32) };
    let sent = if group { process::kill_process_group(child, signal) } else { process::kill_process(child, signal) };
    match sent {
        Ok(()) => None,
        Err(Errno::SRCH) => {
            log::note(Level::Warn, b"Child was dead when forwarding signal");
            None
        }
        Err(e) => {
            log::fatal(b"Unexpected error when forwarding signal", e);
            Some(1)
        }
    }
}

/// Reaps every zombie there is (one SIGCHLD may stand for many). Returns the exit code once the main
/// child is among them, after the `-e` remap.
fn reap(child: Pid, config: &Config) -> Option<i32> {
    let mut main = None;
    loop {
        match process::wait(WaitOptions::NOHANG) {
            Ok(Some((pid, status))) => {
                let raw_pid = i64::from(pid.as_raw_nonzero().get());
                log::line(Level::Debug, |l| {
                    l.s(b"Reaped child with pid: '").n(raw_pid).s(b"'");
                });
                if pid == child {
                    main = Some(Ending::from_wait_status(status.as_raw() as u32));
                } else if config.warn_reaped {
                    log::line(Level::Warn, |l| {
                        l.s(b"Reaped zombie process with pid=").n(raw_pid);
                    });
                }
            }
            Ok(None) => {
                log::note(Level::Trace, b"No child to reap");
                break;
            }
            Err(Errno::CHILD) => {
                log::note(Level::Trace, b"No child to wait");
                break;
            }
            Err(Errno::INTR) => {}
            Err(e) => {
                log::fatal(b"Error while waiting for pids", e);
                return Some(1);
            }
        }
    }
    let ending = main?;
    log::line(Level::Info, |l| {
        match ending {
            Ending::Exited(n) => l.s(b"Main child exited normally (with status '").n(n.into()).s(b"')"),
            Ending::Killed(sig) => l.s(b"Main child exited with signal (with signal '").sig(sig).s(b"')"),
            Ending::Unknown => l.s(b"Main child ended in a way pidone cannot decode"),
        };
    });
    let Some(code) = ending.code() else {
        log::note(Level::Fatal, b"Main child exited for unknown reason");
        return Some(1);
    };
    log::note(Level::Trace, b"Exiting: child has exited");
    Some(config.expected.remap(code).into())
}
