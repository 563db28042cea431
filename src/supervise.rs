//! The supervisor loop: sleep until a signal comes, forward it, or on SIGCHLD reap every zombie, until
//! the main child is gone (or, in pause mode, until TERM or INT). No timeout: an idle pidone never wakes.

use crate::cli::Config;
use crate::exit::Ending;
use crate::log::{self, Level};
use crate::signals::{self, SigSet};
use crate::{shutdown, sys};
use rustix::io::Errno;
use rustix::process::{self, Pid, Signal, WaitOptions};

/// Runs until the main child has been reaped (or pause mode ends) and returns pidone's exit code.
/// Every signal pidone waits for is blocked, so each one stays pending until `wait_signal` takes it.
pub fn supervise(child: Option<Pid>, config: &Config) -> i32 {
    let set = SigSet::supervised();
    let code = loop {
        let sig = match sys::wait_signal(&set, None) {
            Ok(sig) => sig,
            Err(Errno::INTR) => continue,
            Err(e) => {
                log::fatal(b"Unexpected error in sigtimedwait", e);
                return 1;
            }
        };
        if signals::is_child(sig) {
            log::note(Level::Debug, b"Received SIGCHLD");
            match reap(child, config.warn_reaped) {
                Some(Reaped { main: Some(ending), .. }) => match exit_code(ending, config) {
                    Some(code) => break code,
                    None => return 1,
                },
                Some(_) => {}
                None => return 1,
            }
        } else if let Some(child) = child {
            if forward(child, sig, config).is_none() {
                return 1;
            }
        } else if signals::ends_pause(sig) {
            log::line(Level::Info, |l| {
                l.s(b"Pause ended by ").sig(sig);
            });
            break 0;
        }
    };
    if let Some(grace) = config.grace {
        shutdown::shutdown(grace, config.warn_reaped);
    }
    code
}

/// Sends `sig`, after `-r`, on to the child or with `-g` its process group. The child is never
/// signalled after it has been reaped: the loop ends then. `None` on a fatal error.
fn forward(child: Pid, sig: u32, config: &Config) -> Option<()> {
    let to = config.rewrites.apply(sig);
    log::line(Level::Debug, |l| {
        l.s(b"Passing signal: '").sig(sig).s(b"'");
        if to != sig {
            l.s(b" as '").sig(to).s(b"'");
        }
    });
    if to == 0 {
        return Some(());
    }
    // SAFETY: `to` is a signal number from rt_sigtimedwait or a rewrite, both checked to lie in 1..=64.
    // rustix's caveat about numbers a libc reserves does not apply: there is no libc in this process.
    let signal = unsafe { Signal::from_raw_unchecked(to as i32) };
    let sent =
        if config.group { process::kill_process_group(child, signal) } else { process::kill_process(child, signal) };
    match sent {
        Ok(()) => Some(()),
        Err(Errno::SRCH) => {
            log::note(Level::Warn, b"Child was dead when forwarding signal");
            Some(())
        }
        Err(e) => {
            log::fatal(b"Unexpected error when forwarding signal", e);
            None
        }
    }
}

pub struct Reaped {
    /// How the main child ended, if it was among the reaped.
    pub main: Option<Ending>,
    /// wait4 said ECHILD: pidone has no children left, so (as PID 1 or a subreaper) no descendants either.
    pub none_left: bool,
}

/// Reaps every zombie there is (one SIGCHLD may stand for many). `None` on a fatal error.
pub fn reap(child: Option<Pid>, warn_reaped: bool) -> Option<Reaped> {
    let mut main = None;
    loop {
        match process::wait(WaitOptions::NOHANG) {
            Ok(Some((pid, status))) => {
                let raw_pid = i64::from(pid.as_raw_nonzero().get());
                log::line(Level::Debug, |l| {
                    l.s(b"Reaped child with pid: '").n(raw_pid).s(b"'");
                });
                if Some(pid) == child {
                    main = Some(Ending::from_wait_status(status.as_raw() as u32));
                } else if warn_reaped {
                    log::line(Level::Warn, |l| {
                        l.s(b"Reaped zombie process with pid=").n(raw_pid);
                    });
                }
            }
            Ok(None) => {
                log::note(Level::Trace, b"No child to reap");
                return Some(Reaped { main, none_left: false });
            }
            Err(Errno::CHILD) => {
                log::note(Level::Trace, b"No child to wait");
                return Some(Reaped { main, none_left: true });
            }
            Err(Errno::INTR) => {}
            Err(e) => {
                log::fatal(b"Error while waiting for pids", e);
                return None;
            }
        }
    }
}

/// The main child's ending as pidone's exit code, after the `-e` remap.
fn exit_code(ending: Ending, config: &Config) -> Option<i32> {
    match ending {
        Ending::Exited(n) => log::line(Level::Info, |l| {
            l.s(b"Main child exited normally (with status '").n(n.into()).s(b"')");
        }),
        Ending::Killed(sig) => log::line(Level::Info, |l| {
            l.s(b"Main child exited with signal (with signal '").sig(sig).s(b"')");
        }),
        Ending::Unknown => log::note(Level::Fatal, b"Main child exited for unknown reason"),
    }
    let code = ending.code()?;
    log::note(Level::Trace, b"Exiting: child has exited");
    Some(config.expected.remap(code).into())
}
