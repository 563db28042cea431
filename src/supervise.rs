//! The supervisor loop: sleep until a signal comes, forward it, or on SIGCHLD reap every zombie, until
//! the main child is gone (or, in pause mode, until TERM or INT). No timeout: an idle pidone never wakes.

use crate::children;
use crate::cli::Config;
use crate::exit_code::Ending;
use crate::log::{self, Fatal, Level};
use crate::signals::{self, SigSet};
use crate::sys::{self, Disposition};
use core::time::Duration;
use linux_raw_sys::general::SIGCHLD;
use rustix::io::Errno;
use rustix::process::{self, Pid, Signal};

/// Runs until the main child has been reaped (or pause mode ends) and returns pidone's exit code.
pub fn supervise(child: Option<Pid>, config: &Config) -> Result<u8, Fatal> {
    if child.is_none() && !config.warn_reaped {
        // Pause mode keeps no status, so the kernel may reap: with SIGCHLD ignored, an orphan that exits
        // is released in its own exit and pidone sleeps through it. The zombies from before go now.
        // (`-w` must see each zombie, and `--grace` puts SIGCHLD back.)
        sys::set_disposition(SIGCHLD, &Disposition::ignore());
        children::reap(None, false)?;
    }
    loop {
        let Some(sig) = next_signal(None)? else { continue };
        if signals::is_child(sig) {
            log::note(Level::Debug, b"Received SIGCHLD");
            if let Some(ending) = children::reap(child, config.warn_reaped)?.main {
                return exit_code(ending, config);
            }
        } else if let Some(child) = child {
            forward(child, sig, config)?;
        } else if signals::ends_pause(sig) {
            log::line(Level::Info, |l| {
                l.text(b"Pause ended by ").signal(sig);
            });
            return Ok(0);
        }
    }
}

/// The next signal pidone gets, or `None` once `timeout` has passed. Every signal pidone waits for is
/// blocked, so each one stays pending until it is taken here.
pub fn next_signal(timeout: Option<Duration>) -> Result<Option<u32>, Fatal> {
    loop {
        match sys::wait_signal(&SigSet::supervised(), timeout) {
            Ok(sig) => return Ok(Some(sig)),
            Err(Errno::AGAIN) => return Ok(None),
            Err(Errno::INTR) => {}
            Err(e) => return Err(log::fatal(b"Unexpected error in sigtimedwait", e)),
        }
    }
}

/// Sends `sig`, after `-r`, on to the child or with `-g` its process group. The child is never
/// signalled after it has been reaped: the loop ends then.
fn forward(child: Pid, sig: u32, config: &Config) -> Result<(), Fatal> {
    let to = config.rewrites.apply(sig);
    log::line(Level::Debug, |l| {
        l.text(b"Passing signal: '").signal(sig).text(b"'");
        if to != sig {
            l.text(b" as '").signal(to).text(b"'");
        }
    });
    if to == 0 {
        return Ok(());
    }
    // SAFETY: `to` is a signal number from rt_sigtimedwait or a rewrite, both checked to lie in 1..=64.
    // rustix's caveat about numbers a libc reserves does not apply: there is no libc in this process.
    let signal = unsafe { Signal::from_raw_unchecked(to as i32) };
    let sent =
        if config.group { process::kill_process_group(child, signal) } else { process::kill_process(child, signal) };
    match sent {
        Ok(()) => Ok(()),
        Err(Errno::SRCH) => {
            log::note(Level::Warn, b"Child was dead when forwarding signal");
            Ok(())
        }
        Err(e) => Err(log::fatal(b"Unexpected error when forwarding signal", e)),
    }
}

/// The main child's ending as pidone's exit code, after the `-e` remap.
fn exit_code(ending: Ending, config: &Config) -> Result<u8, Fatal> {
    match ending {
        Ending::Exited(n) => log::line(Level::Info, |l| {
            l.text(b"Main child exited normally (with status '").number(n.into()).text(b"')");
        }),
        Ending::Killed(sig) => log::line(Level::Info, |l| {
            l.text(b"Main child exited with signal (with signal '").signal(sig).text(b"')");
        }),
        Ending::Unknown => {}
    }
    let code = ending.code().ok_or_else(|| log::fatal_note(b"Main child exited for unknown reason"))?;
    log::note(Level::Trace, b"Exiting: child has exited");
    Ok(config.expected.remap(code))
}
