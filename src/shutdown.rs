//! `--grace`: once the main child is gone (or pause mode ends), the rest of pidone's tree gets SIGTERM,
//! and SIGKILL when the grace period runs out. pidone leaves as soon as nothing is left.
//!
//! As PID 1, "the rest" is the whole namespace: one kill(-1). Anywhere else, pidone may only signal its
//! own tree, so it signals its children, each once, and keeps doing so as orphans are re-parented to it
//! (it is a subreaper): the signal travels down the tree as each level exits.

use crate::children;
use crate::log::{self, Level};
use crate::signals::{self, SigSet};
use crate::supervise::reap;
use crate::sys;
use core::time::Duration;
use rustix::io::Errno;
use rustix::process::{self, Pid, Signal};

/// How long SIGKILLed processes get to be reaped before pidone leaves anyway (a process stuck in the
/// kernel cannot be waited for forever; as PID 1, pidone's exit takes it down with the namespace).
const AFTER_KILL: Duration = Duration::from_secs(1);

/// Out of line: its frame holds the 4 KiB list of signalled pids, which inlined into the supervisor's
/// frame would be one more resident stack page for every pidone, with `--grace` or not.
#[inline(never)]
pub fn shutdown(grace: Duration, warn_reaped: bool) {
    if wait_until_gone(&mut Sweep::new(Signal::TERM), grace, warn_reaped) {
        log::note(Level::Info, b"No other process is left");
        return;
    }
    log::note(Level::Info, b"Grace period over");
    wait_until_gone(&mut Sweep::new(Signal::KILL), AFTER_KILL, warn_reaped);
}

/// Reaps and sweeps until pidone has no children left (true) or `limit` has passed (false). Signals that
/// arrive meanwhile have nobody to go to: the main child is gone.
fn wait_until_gone(sweep: &mut Sweep, limit: Duration, warn_reaped: bool) -> bool {
    let deadline = sys::monotonic().saturating_add(limit);
    let set = SigSet::supervised();
    loop {
        match reap(None, warn_reaped) {
            Some(r) if r.none_left => return true,
            Some(_) => sweep.run(),
            None => return false,
        }
        let left = deadline.saturating_sub(sys::monotonic());
        if left.is_zero() {
            return false;
        }
        match sys::wait_signal(&set, Some(left)) {
            Ok(sig) if !signals::is_child(sig) => log::line(Level::Debug, |l| {
                l.s(b"Not passing ").sig(sig).s(b": the main child is gone");
            }),
            Ok(_) | Err(Errno::INTR) => {}
            Err(Errno::AGAIN) => return false,
            Err(e) => {
                log::fatal(b"Unexpected error in sigtimedwait", e);
                return false;
            }
        }
    }
}

/// One signal for the rest of the tree, sent to each process at most once.
struct Sweep {
    signal: Signal,
    /// As PID 1: kill(-1) went out.
    everyone: bool,
    /// Otherwise: the children already signalled.
    sent: heapless::Vec<i32, 1024>,
}

impl Sweep {
    fn new(signal: Signal) -> Sweep {
        Sweep { signal, everyone: false, sent: heapless::Vec::new() }
    }

    fn run(&mut self) {
        let sig = self.signal.as_raw() as u32;
        if process::getpid() == Pid::INIT {
            if !self.everyone {
                self.everyone = true;
                // kill(-1): every process in the namespace but PID 1. rustix spells kill(-pid)
                // kill_process_group, so pid 1 gives -1.
                let _ = process::kill_process_group(Pid::INIT, self.signal);
                log::line(Level::Info, |l| {
                    l.s(b"Sent ").sig(sig).s(b" to every other process in the namespace");
                });
            }
            return;
        }
        let listed = children::each(|pid| {
            let raw = pid.as_raw_nonzero().get();
            // Beyond the capacity, a child misses this signal rather than get it twice.
            #[allow(clippy::manual_contains)] // `contains` is unrolled: 70 bytes more
            if !self.sent.iter().any(|&p| p == raw) && self.sent.push(raw).is_ok() {
                let _ = process::kill_process(pid, self.signal);
                log::line(Level::Info, |l| {
                    l.s(b"Sent ").sig(sig).s(b" to pid ").n(raw.into());
                });
            }
        });
        if let Err(e) = listed {
            log::line(Level::Warn, |l| {
                l.s(b"Cannot list children for ").sig(sig).s(b": ").err(e);
            });
        }
    }
}
