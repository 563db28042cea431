//! `--grace`: once the main child is gone (or pause mode ends), the rest of pidone's tree gets SIGTERM,
//! and SIGKILL when the grace period runs out. pidone leaves as soon as nothing is left.
//!
//! As PID 1, "the rest" is the whole namespace: one kill(-1). Anywhere else, pidone may only signal its
//! own tree, so it signals its children, each once, and keeps doing so as orphans are re-parented to it
//! (it is a subreaper): the signal travels down the tree as each level exits.

use crate::children;
use crate::log::{self, Fatal, Level};
use crate::signals::{self, SigSet};
use crate::sys;
use core::time::Duration;
use rustix::io::Errno;
use rustix::process::{self, Pid, Signal};

/// How long SIGKILLed processes get to be reaped before pidone leaves anyway (a process stuck in the
/// kernel cannot be waited for forever; as PID 1, pidone's exit takes it down with the namespace).
const AFTER_KILL: Duration = Duration::from_secs(1);

/// How a phase ended.
enum Outcome {
    /// wait4 said ECHILD: nothing is left.
    NoneLeft,
    TimeUp,
}

/// TERM, then KILL at the deadline. The exit code is decided before this starts and nothing here changes
/// it: a fatal error (already reported) only skips to the next phase.
///
/// Out of line: its frame holds the 4 KiB list of signalled pids, which inlined into `run`'s frame would
/// be one more resident stack page for every pidone, with `--grace` or not.
#[inline(never)]
pub fn shutdown(grace: Duration, as_init: bool, warn_reaped: bool) {
    match wait_until_gone(&mut Sweep::new(Signal::TERM, as_init), grace, warn_reaped) {
        Ok(Outcome::NoneLeft) => return log::note(Level::Info, b"No other process is left"),
        Ok(Outcome::TimeUp) => log::note(Level::Info, b"Grace period over"),
        Err(Fatal { .. }) => {}
    }
    // Whatever this phase meets, pidone leaves after it.
    let _ = wait_until_gone(&mut Sweep::new(Signal::KILL, as_init), AFTER_KILL, warn_reaped);
}

/// Reaps and sweeps until pidone has no children left or `limit` has passed. Signals that arrive
/// meanwhile have nobody to go to: the main child is gone.
fn wait_until_gone(sweep: &mut Sweep, limit: Duration, warn_reaped: bool) -> Result<Outcome, Fatal> {
    let limit = limit.as_secs().saturating_mul(1_000_000_000).saturating_add(u64::from(limit.subsec_nanos()));
    let deadline = sys::monotonic_nanos().saturating_add(limit);
    let set = SigSet::supervised();
    loop {
        if children::reap(None, warn_reaped)?.none_left {
            return Ok(Outcome::NoneLeft);
        }
        sweep.run();
        let left = deadline.saturating_sub(sys::monotonic_nanos());
        if left == 0 {
            return Ok(Outcome::TimeUp);
        }
        match sys::wait_signal(&set, Some(Duration::from_nanos(left))) {
            Ok(sig) if !signals::is_child(sig) => log::line(Level::Debug, |l| {
                l.text(b"Not passing ").signal(sig).text(b": the main child is gone");
            }),
            Ok(_) | Err(Errno::INTR) => {}
            Err(Errno::AGAIN) => return Ok(Outcome::TimeUp),
            Err(e) => return Err(log::fatal(b"Unexpected error in sigtimedwait", e)),
        }
    }
}

/// One signal for the rest of the tree, sent to each process at most once.
struct Sweep {
    signal: Signal,
    /// pidone is PID 1: one kill(-1) reaches everyone.
    as_init: bool,
    /// As PID 1: kill(-1) went out.
    everyone: bool,
    /// Otherwise: the children already signalled.
    sent: heapless::Vec<i32, 1024>,
}

impl Sweep {
    fn new(signal: Signal, as_init: bool) -> Sweep {
        Sweep { signal, as_init, everyone: false, sent: heapless::Vec::new() }
    }

    fn run(&mut self) {
        let sig = self.signal.as_raw() as u32;
        if self.as_init {
            if !self.everyone {
                self.everyone = true;
                // kill(-1): every process in the namespace but PID 1. rustix spells kill(-pid)
                // kill_process_group, so pid 1 gives -1.
                let _ = process::kill_process_group(Pid::INIT, self.signal);
                log::line(Level::Info, |l| {
                    l.text(b"Sent ").signal(sig).text(b" to every other process in the namespace");
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
                    l.text(b"Sent ").signal(sig).text(b" to pid ").number(raw.into());
                });
            }
        });
        if let Err(e) = listed {
            log::line(Level::Warn, |l| {
                l.text(b"Cannot list children for ").signal(sig).text(b": ").errno(e);
            });
        }
    }
}
