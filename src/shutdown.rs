//! The rest of pidone's tree, once the program is gone (or pause mode ends). By default pidone leaves at
//! once (as PID 1 its exit takes the rest down with the namespace). With `--wait-all` it waits for the
//! rest to end, passing them the signals it gets. With `--grace` the rest gets SIGTERM, and SIGKILL when
//! the grace period runs out (with `--wait-all`, only once a SIGTERM arrives); pidone leaves as soon as
//! nothing is left.
//!
//! As PID 1, "the rest" is the whole namespace: one kill(-1). Anywhere else, pidone may only signal its
//! own tree, so it signals its children, each once, and keeps doing so as orphans are re-parented to it
//! (it is a subreaper): the signal travels down the tree as each level exits.

use crate::children;
use crate::cli::Config;
use crate::log::{self, Fatal, Level};
use crate::signals::{self, SigSet};
use crate::sys::{self, Deadline, Disposition};
use core::time::Duration;
use linux_raw_sys::general::SIGCHLD;
use rustix::io::Errno;
use rustix::process::{self, Pid, Signal};

/// How long SIGKILLed processes get to be reaped before pidone leaves anyway (a process stuck in the
/// kernel cannot be waited for forever; as PID 1, pidone's exit takes it down with the namespace).
const AFTER_KILL: Duration = Duration::from_secs(1);

/// What a wait for the rest does with the signals pidone gets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Incoming {
    /// `--wait-all`: each goes on to the rest (after `-r`); with `--grace`, a SIGTERM starts the grace
    /// period instead.
    PassedOn,
    /// The grace period: nobody is left to take them.
    Dropped,
}

/// How a wait for the rest ended.
enum Outcome {
    /// wait4 said ECHILD: nothing is left.
    NoneLeft,
    TimeUp,
    /// `--wait-all` with `--grace`: a SIGTERM came, the grace period starts.
    Term,
}

/// Deals with the rest of the tree as the options say. The exit code is decided before this starts and
/// nothing here changes it: a fatal error (already reported) only ends the wait, or skips to the next
/// phase of the grace period.
///
/// Out of line: its frame holds the 4 KiB list of signalled pids, which inlined into `run`'s frame would
/// be one more resident stack page for every pidone, with these options or not.
#[inline(never)]
pub fn finish(config: &Config, as_init: bool) {
    let mut sweep = Sweep::new(as_init);
    if config.wait_all {
        // No signal until one comes, no deadline: asleep but for signals and exits.
        match wait_until_gone(&mut sweep, None, config, Incoming::PassedOn) {
            Ok(Outcome::Term) => {}
            _ => return,
        }
    }
    let Some(grace) = config.grace else { return };
    // The loop needs SIGCHLD, which pause mode may have left ignored.
    sys::set_disposition(SIGCHLD, &Disposition::DEFAULT);
    sweep.restart(Signal::TERM);
    match wait_until_gone(&mut sweep, Some(grace), config, Incoming::Dropped) {
        Ok(Outcome::TimeUp) => log::line(Level::Info, log::text(b"Grace period over")),
        Err(Fatal { .. }) => {}
        _ => return,
    }
    // Whatever this phase meets, pidone leaves after it.
    sweep.restart(Signal::KILL);
    let _ = wait_until_gone(&mut sweep, Some(AFTER_KILL), config, Incoming::Dropped);
}

/// Reaps until pidone has no children left or `limit` (if any) has passed, asleep in between. After each
/// reap the sweep is sent again: a dying child's orphans, re-parented to pidone, get its signal too. A
/// signal that arrives is passed on (each taking the sweep's place) or dropped, as `incoming` says.
fn wait_until_gone(
    sweep: &mut Sweep,
    limit: Option<Duration>,
    config: &Config,
    incoming: Incoming,
) -> Result<Outcome, Fatal> {
    let deadline = limit.map(Deadline::after);
    loop {
        if children::reap(None, config.warn_reaped)?.none_left {
            log::line(Level::Info, log::text(b"No other process is left"));
            return Ok(Outcome::NoneLeft);
        }
        sweep.send();
        let left = deadline.map(Deadline::left);
        if left == Some(Duration::ZERO) {
            return Ok(Outcome::TimeUp);
        }
        let sig = match sys::wait_signal(&SigSet::supervised(), left) {
            Ok(sig) => sig,
            Err(Errno::AGAIN) => return Ok(Outcome::TimeUp),
            Err(e) => return Err(log::failed(b"Unexpected error in sigtimedwait", e)),
        };
        if signals::is_child(sig) {
            continue;
        }
        if incoming == Incoming::Dropped {
            log::line(Level::Debug, |l| {
                l.text(b"Not passing ").signal(sig).text(b": the program is gone");
            });
            continue;
        }
        let Some(signal) = config.rewrites.outgoing(sig) else { continue };
        if signal == Signal::TERM && config.grace.is_some() {
            return Ok(Outcome::Term);
        }
        sweep.restart(signal);
    }
}

/// One signal for the rest of the tree, sent to each process at most once.
struct Sweep {
    /// None: nothing to send yet.
    signal: Option<Signal>,
    reach: Reach,
    /// As PID 1: kill(-1) has gone out with `signal`.
    everyone_signalled: bool,
    /// Below another init: the children signalled so far.
    sent: heapless::Vec<i32, 1024>,
}

/// Whom a sweep signals.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// As PID 1, everyone at once, with one kill(-1).
    Everyone,
    /// Below another init: pidone's children, each once.
    Children,
}

impl Sweep {
    fn new(as_init: bool) -> Sweep {
        let reach = if as_init { Reach::Everyone } else { Reach::Children };
        Sweep { signal: None, reach, everyone_signalled: false, sent: heapless::Vec::new() }
    }

    /// From now on, `signal`, to everyone again.
    fn restart(&mut self, signal: Signal) {
        self.signal = Some(signal);
        self.everyone_signalled = false;
        self.sent.clear();
    }

    /// Sends the signal to whoever has not had it yet.
    fn send(&mut self) {
        let Some(signal) = self.signal else { return };
        let sig = signal.as_raw() as u32;
        match self.reach {
            Reach::Everyone if self.everyone_signalled => {}
            Reach::Everyone => {
                self.everyone_signalled = true;
                // kill(-1): every process in the namespace but PID 1. rustix spells kill(-pid)
                // kill_process_group, so pid 1 gives -1.
                let _ = process::kill_process_group(Pid::INIT, signal);
                log::line(Level::Info, |l| {
                    l.text(b"Sent ").signal(sig).text(b" to every other process in the namespace");
                });
            }
            Reach::Children => {
                let listed = children::each(|pid| {
                    let raw = pid.as_raw_nonzero().get();
                    // Beyond the capacity, a child misses this signal rather than get it twice.
                    #[allow(clippy::manual_contains)] // `contains` is unrolled: 70 bytes more
                    if !self.sent.iter().any(|&p| p == raw) && self.sent.push(raw).is_ok() {
                        let _ = process::kill_process(pid, signal);
                        log::line(Level::Info, |l| {
                            l.text(b"Sent ").signal(sig).text(b" to pid ").number(raw as u32);
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
    }
}
