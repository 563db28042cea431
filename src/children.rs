//! pidone's children: reaping the zombies among them (wait4), and listing the living ones from
//! /proc/thread-self/children (pidone has one thread, so that is all of them) for `--grace`.

use crate::ending::Ending;
use crate::log::{self, Fatal, Level};
use crate::sys;
use linux_raw_sys::general::{O_CLOEXEC, O_RDONLY};
use rustix::io::Errno;
use rustix::process::{self, Pid, WaitOptions};

pub struct Reaped {
    /// How the program ended, if it was among the reaped.
    pub program: Option<Ending>,
    /// wait4 said ECHILD: pidone has no children left, so (as PID 1 or a subreaper) no descendants either.
    pub none_left: bool,
}

/// Reaps every zombie there is (one SIGCHLD may stand for many), noting whether `program` was one of them.
pub fn reap(program: Option<Pid>, warn_reaped: bool) -> Result<Reaped, Fatal> {
    let mut ending = None;
    loop {
        match process::wait(WaitOptions::NOHANG) {
            Ok(Some((pid, status))) => {
                let raw_pid = pid.as_raw_nonzero().get() as u32;
                log::line(Level::Debug, |l| {
                    l.text(b"Reaped child with pid: '").number(raw_pid).text(b"'");
                });
                if Some(pid) == program {
                    ending = Some(Ending::from_wait_status(status.as_raw() as u32));
                } else if warn_reaped {
                    log::line(Level::Warn, |l| {
                        l.text(b"Reaped zombie process with pid=").number(raw_pid);
                    });
                }
            }
            Ok(None) => {
                log::line(Level::Trace, log::text(b"No child to reap"));
                return Ok(Reaped { program: ending, none_left: false });
            }
            Err(Errno::CHILD) => {
                log::line(Level::Trace, log::text(b"No child to wait"));
                return Ok(Reaped { program: ending, none_left: true });
            }
            Err(Errno::INTR) => {}
            Err(e) => return Err(log::failed(b"Error while waiting for pids", e)),
        }
    }
}

/// Calls `visit` for each of pidone's current children.
pub fn each(mut visit: impl FnMut(Pid)) -> Result<(), Errno> {
    let list = sys::open(c"/proc/thread-self/children", O_RDONLY | O_CLOEXEC)?;
    // The file is space-separated pids; a pid may straddle two reads.
    let mut buf = [0u8; 512];
    let mut pid = 0i32;
    loop {
        let len = sys::read(list.raw(), &mut buf)?;
        if len == 0 {
            break;
        }
        for &c in buf.get(..len).unwrap_or_default() {
            if c.is_ascii_digit() {
                pid = pid.saturating_mul(10).saturating_add(i32::from(c - b'0'));
            } else {
                Pid::from_raw(core::mem::take(&mut pid)).map(&mut visit);
            }
        }
    }
    Pid::from_raw(pid).map(visit);
    Ok(())
}
