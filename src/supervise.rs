//! The supervisor loop: sleep until a signal comes, forward it, or on SIGCHLD reap every zombie, until
//! the program is gone (or, in pause mode, until TERM or INT). No timeout: an idle pidone never wakes.
//!
//! What may end the loop: the program's end, pause mode's TERM or INT, and a fatal error of pidone's
//! own calls (rt_sigtimedwait, kill, wait4), none of which can fail with the arguments pidone gives
//! them. What must never end it, nor hold it up: a signal (each is forwarded or, with `-r`, dropped),
//! a zombie (each is reaped), a full stderr (the line is dropped, `stderr.rs`).

use crate::children;
use crate::cli::Config;
use crate::ending::Ending;
use crate::log::{self, Fatal, Level};
use crate::signals::{self, SigSet};
use crate::sys::{self, Disposition};
use linux_raw_sys::general::SIGCHLD;
use rustix::io::Errno;
use rustix::process::{self, Pid};

/// Runs until the program has been reaped (or pause mode ends) and returns pidone's exit code.
pub fn supervise(program: Option<Pid>, config: &Config) -> Result<u8, Fatal> {
    if program.is_none() && !config.warn_reaped {
        // Pause mode keeps no status, so the kernel may reap: with SIGCHLD ignored, an orphan that exits
        // is released in its own exit and pidone sleeps through it. The zombies from before go now.
        // (`-w` must see each zombie, and `--grace` puts SIGCHLD back.)
        sys::set_disposition(SIGCHLD, &Disposition::ignore());
        children::reap(None, false)?;
    }
    loop {
        let sig = next_signal()?;
        if signals::is_child(sig) {
            log::line(Level::Debug, log::text(b"Received SIGCHLD"));
            if let Some(ending) = children::reap(program, config.warn_reaped)?.program {
                return exit_code(ending, config);
            }
        } else if let Some(program) = program {
            forward(program, sig, config)?;
        } else if signals::ends_pause(sig) {
            log::line(Level::Info, |l| {
                l.text(b"Pause ended by ").signal(sig);
            });
            return Ok(0);
        }
    }
}

/// The next signal pidone gets, however long that takes.
fn next_signal() -> Result<u32, Fatal> {
    sys::wait_signal(&SigSet::supervised(), None).map_err(|e| log::failed(b"Unexpected error in sigtimedwait", e))
}

/// Sends `sig`, after `-r`, on to the program or with `-g` its process group. The program is never
/// signalled after it has been reaped: the loop ends then.
fn forward(program: Pid, sig: u32, config: &Config) -> Result<(), Fatal> {
    let outgoing = config.rewrites.outgoing(sig);
    log::line(Level::Debug, |l| {
        l.text(b"Passing signal: '").signal(sig).text(b"'");
        match outgoing.map(|to| to.as_raw() as u32) {
            Some(to) if to == sig => {}
            Some(to) => {
                l.text(b" as '").signal(to).text(b"'");
            }
            None => {
                l.text(b": dropped (-r)");
            }
        }
    });
    let Some(signal) = outgoing else { return Ok(()) };
    let sent = if config.group {
        process::kill_process_group(program, signal)
    } else {
        process::kill_process(program, signal)
    };
    match sent {
        Ok(()) => Ok(()),
        Err(Errno::SRCH) => {
            log::line(Level::Warn, log::text(b"Child was dead when forwarding signal"));
            Ok(())
        }
        Err(e) => Err(log::failed(b"Unexpected error when forwarding signal", e)),
    }
}

/// The program's ending as pidone's exit code, after the `-e` remap. (The messages keep tini's words,
/// which tools grep for.)
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
    let code = ending.code().ok_or_else(|| log::fatal(log::text(b"Main child exited for unknown reason")))?;
    log::line(Level::Trace, log::text(b"Exiting: child has exited"));
    Ok(config.expected.remap(code))
}
