//! pidone's way onto stderr, which never waits for a reader. In a container stderr is a pipe that the
//! runtime reads; when that reader stalls (a slow log driver, a suspended `docker run`, a terminal stopped
//! with Ctrl-S), a blocking write would stop PID 1 from forwarding and reaping. So a line that cannot be
//! written at once is dropped and counted, and the next one that gets through says how many were lost.
//!
//! The program's stderr is never touched: O_NONBLOCK on fd 2 would change the open file description the
//! program shares, and its own writes would fail with EAGAIN. pidone takes a description of its own
//! instead, once, when it first has a line to write (a pidone that says nothing pays nothing):
//! - a file, or /dev/null (seekable: a write there never waits for a reader): fd 2 as it is;
//! - a pipe, FIFO or terminal: reopened through /proc/self/fd/2 with O_NONBLOCK, a description of its own;
//! - where that open fails (a socket; no /proc; a pipe that belongs to another user, as when the image's
//!   USER is not root): fd 2, written only when ppoll(2) says there is room. Only this way can still wait:
//!   when the program fills the pipe between pidone's ppoll and its write, until the reader reads again.

use crate::signals::SigSet;
use crate::sys;
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering::Relaxed};
use core::time::Duration;
use linux_raw_sys::general::{O_CLOEXEC, O_NOCTTY, O_NONBLOCK, O_WRONLY, POLLOUT, SIGPIPE};
use rustix::fd::RawFd;
use rustix::io::Errno;

/// Where lines go, kept in `SINK` as one number: a descriptor written as it is (fd 2, or pidone's own,
/// 3 and up), or one of the two negative values below. `Sink`'s own methods are the only code that reads
/// or makes that number.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Sink(i32);

static SINK: AtomicI32 = AtomicI32::new(Sink::UNKNOWN.0);

impl Sink {
    /// Not chosen yet: pidone has had nothing to say.
    const UNKNOWN: Sink = Sink(-1);
    /// fd 2, written only when ppoll(2) says there is room.
    const POLLED: Sink = Sink(-2);

    /// A descriptor written as it is.
    fn direct(fd: RawFd) -> Sink {
        Sink(fd)
    }

    fn get() -> Sink {
        Sink(SINK.load(Relaxed))
    }

    fn set(self) {
        SINK.store(self.0, Relaxed);
    }

    /// The descriptor lines are written to: pidone's own, or fd 2.
    fn fd(self) -> RawFd {
        self.0.max(2)
    }

    /// pidone's own descriptor, if it made one.
    fn own(self) -> Option<u32> {
        (self.0 >= 3).then_some(self.0 as u32)
    }
}

/// Lines lost to a full stderr since the last one that got through.
static DROPPED: AtomicU32 = AtomicU32::new(0);

/// pidone's own descriptor for stderr, if it made one: closing the inherited ones must spare it.
pub fn own_descriptor() -> Option<u32> {
    Sink::get().own()
}

/// How many lines were dropped since the last one that got through, for the next one to say.
pub fn dropped() -> u32 {
    DROPPED.load(Relaxed)
}

/// Writes `bytes` (one line, or the usage) if stderr takes them at once, else counts them as dropped.
/// One write(2): a pipe takes up to 4 KiB whole or not at all; a terminal may take part of it, and the
/// rest is lost with the line.
pub fn write(bytes: &[u8]) {
    let sink = match Sink::get() {
        Sink::UNKNOWN => {
            let sink = choose();
            sink.set();
            sink
        }
        sink => sink,
    };
    // Closed, fd 2 fails the calls with EBADF; pidone never closes its own descriptor.
    let fd = sink.fd();
    let room = sink != Sink::POLLED || sys::ready(fd, POLLOUT, Duration::ZERO);
    let written = if room { sys::write(fd, bytes) } else { Err(Errno::AGAIN) };
    match written {
        Ok(_) => DROPPED.store(0, Relaxed),
        // A load and a store, not fetch_add: pidone has one thread, and on aarch64 an atomic
        // read-modify-write is a call into code that asks libc's getauxval which instructions it may use.
        Err(Errno::AGAIN) => DROPPED.store(DROPPED.load(Relaxed).saturating_add(1), Relaxed),
        Err(Errno::PIPE) => {
            // The reader is gone, and the kernel raised SIGPIPE for pidone, which blocks it. Taken now, it
            // is not forwarded to the program as if someone had sent it.
            let _ = sys::wait_signal(&SigSet::of(SIGPIPE), Some(Duration::ZERO));
        }
        // Closed, or broken otherwise: nobody can read the line. (No EINTR: pidone has no handlers.)
        Err(_) => {}
    }
}

/// The sink for what fd 2 is (the module's header).
fn choose() -> Sink {
    // Closed, fd 2 fails lseek(2) with EBADF.
    if !sys::is_stream(2) {
        return Sink::direct(2);
    }
    match sys::open(c"/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) {
        // Below 3 it would stand in for a closed stdin or stdout, and the child's tcsetpgrp on fd 0 would
        // take it for the terminal: dropped then, as a failed open.
        Ok(own) if own.raw() >= 3 => Sink::direct(own.keep()),
        _ => Sink::POLLED,
    }
}
