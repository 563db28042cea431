//! pidone's own children, read from /proc/thread-self/children (pidone has one thread, so that is all
//! of them), for `--grace` when pidone is not PID 1.

use rustix::fs::{self, Mode, OFlags};
use rustix::io::Errno;
use rustix::process::Pid;

/// Calls `visit` for each of pidone's current children.
pub fn each(mut visit: impl FnMut(Pid)) -> Result<(), Errno> {
    let list = fs::open(c"/proc/thread-self/children", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
    // The file is space-separated pids; a pid may straddle two reads.
    let mut buf = [0u8; 512];
    let mut pid = 0i32;
    loop {
        let len = rustix::io::read(&list, &mut buf)?;
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
