//! Diagnostics: `[LEVEL pidone (PID)] message` lines, all on stderr (never mixed into the child's stdout),
//! each built in a fixed buffer and written with one write(2).

use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicU32, Ordering};
use core::{ptr, slice};
use rustix::io::Errno;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Level {
    Fatal,
    Warn,
    Info,
    Debug,
    Trace,
}

impl Level {
    /// The five-letter tag, padded like tini's.
    fn tag(self) -> &'static [u8] {
        let at = self as usize * 5;
        b"FATALWARN INFO DEBUGTRACE".get(at..at + 5).unwrap_or_default()
    }
}

/// tini's scale: FATAL always, WARN from 1 (the default), INFO from 2, DEBUG from 3, TRACE from 4.
static VERBOSITY: AtomicU32 = AtomicU32::new(1);

pub fn set_verbosity(v: u32) {
    VERBOSITY.store(v, Ordering::Relaxed);
}

/// Writes the line that `fill` builds, unless the verbosity hides `level`. The line lives in this frame:
/// it is never moved, which matters in a binary whose memcpy is a byte loop.
pub fn line(level: Level, fill: impl FnOnce(&mut Line)) {
    if level as u32 <= VERBOSITY.load(Ordering::Relaxed) {
        let mut line = Line::bare();
        fill(line.prefix(level, rustix::process::getpid().as_raw_nonzero().get()));
        line.send();
    }
}

/// A fixed message at `level`.
pub fn note(level: Level, text: &[u8]) {
    line(level, |l| {
        l.s(text);
    });
}

/// `what: <strerror text>` at FATAL.
pub fn fatal(what: &[u8], e: Errno) {
    line(Level::Fatal, |l| {
        l.s(what).s(b": ").err(e);
    });
}

/// Long enough for any message with a program name of a few hundred bytes; longer text is cut.
const CAPACITY: usize = 512;

/// The buffer is left uninitialised and built where it lives: zeroing it and moving it out of a
/// constructor would cost a thousand instructions per message, more than the rest of start-up.
pub struct Line {
    /// Only `buf[..len]` is initialised.
    buf: [MaybeUninit<u8>; CAPACITY],
    len: usize,
}

impl Line {
    /// An empty line, for messages that imitate getopt's; `prefix` makes it a diagnostic.
    #[inline(always)]
    pub fn bare() -> Line {
        Line { buf: [MaybeUninit::uninit(); CAPACITY], len: 0 }
    }

    /// `[LEVEL pidone (PID)] `, tini's layout.
    #[inline(never)]
    pub fn prefix(&mut self, level: Level, pid: i32) -> &mut Line {
        self.s(b"[").s(level.tag()).s(b" pidone (").n(i64::from(pid)).s(b")] ")
    }

    /// Appends bytes, cutting what does not fit (one byte stays free for the newline).
    #[inline(never)] // called from every message: inlined, it would cost kilobytes
    pub fn s(&mut self, bytes: &[u8]) -> &mut Line {
        let take = bytes.len().min(CAPACITY - 1 - self.len);
        // SAFETY: `len + take < CAPACITY`, so the destination lies inside `buf`, which `bytes` (a shared
        // borrow while `self` is borrowed mutably) cannot overlap.
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), self.buf.as_mut_ptr().add(self.len).cast(), take) };
        self.len += take;
        self
    }

    fn text(&self) -> &[u8] {
        // SAFETY: the first `len` bytes are initialised: `len` only grows in `s` and `send`, each time over
        // bytes just written.
        unsafe { slice::from_raw_parts(self.buf.as_ptr().cast(), self.len) }
    }

    /// Appends a decimal number.
    pub fn n(&mut self, n: i64) -> &mut Line {
        if n < 0 {
            self.s(b"-");
        }
        self.s(digits(n.unsigned_abs(), &mut [0; 20]))
    }

    pub fn sig(&mut self, sig: u32) -> &mut Line {
        let (prefix, base, num) = crate::signals::name(sig);
        self.s(prefix).s(base);
        if let Some(k) = num {
            self.n(i64::from(k));
        }
        self
    }

    /// Appends strerror(3)'s text for the errors pidone can meet, or `error N`.
    pub fn err(&mut self, e: Errno) -> &mut Line {
        match describe(e) {
            Some(text) => self.s(text),
            None => self.s(b"error ").n(i64::from(e.raw_os_error())),
        }
    }

    /// Ends the line and writes it to stderr. A closed or broken stderr loses the message, nothing more.
    pub fn send(&mut self) {
        self.buf[self.len] = MaybeUninit::new(b'\n');
        self.len += 1;
        write_all(2, self.text());
    }
}

/// `n` in decimal, written at the end of `buf`.
fn digits(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// strerror(3)'s texts for the errors pidone's own calls can meet (fork, execve, tcsetpgrp, prctl,
/// kill, wait4, /proc), each after its errno as one byte. Others print as `error N`.
const ERRNO_TEXTS: &[u8] = b"\x01Operation not permitted\x02No such file or directory\x03No such process\
    \x07Argument list too long\x08Exec format error\x09Bad file descriptor\x0aNo child processes\
    \x0bResource temporarily unavailable\x0cCannot allocate memory\x0dPermission denied\x14Not a directory\
    \x16Invalid argument\x19Inappropriate ioctl for device\x1aText file busy\x24File name too long\
    \x28Too many levels of symbolic links";

fn describe(e: Errno) -> Option<&'static [u8]> {
    let errno = u8::try_from(e.raw_os_error()).ok()?;
    let start = ERRNO_TEXTS.iter().position(|&c| c == errno)? + 1;
    let len = ERRNO_TEXTS[start..].iter().position(|&c| c < b' ').unwrap_or(ERRNO_TEXTS.len() - start);
    Some(&ERRNO_TEXTS[start..start + len])
}

/// Writes all of `bytes` to `fd`, retrying short writes; gives up silently on an error.
pub fn write_all(fd: i32, mut bytes: &[u8]) {
    // SAFETY: pidone never closes or reuses fds 0-2. If the caller started it with `fd` closed, write(2)
    // fails with EBADF and the bytes are dropped; no memory is involved but `bytes`.
    let fd = unsafe { rustix::fd::BorrowedFd::borrow_raw(fd) };
    while !bytes.is_empty() {
        match rustix::io::write(fd, bytes) {
            Ok(0) => return,
            Ok(n) => bytes = &bytes[n.min(bytes.len())..],
            Err(Errno::INTR) => {}
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line) -> String {
        String::from_utf8(line.text().to_vec()).unwrap()
    }

    #[test]
    fn prefix_matches_tini_layout() {
        assert_eq!(text(Line::bare().prefix(Level::Warn, 1)), "[WARN  pidone (1)] ");
        assert_eq!(text(Line::bare().prefix(Level::Trace, 4242).s(b"x")), "[TRACE pidone (4242)] x");
    }

    #[test]
    fn numbers_signals_and_errors() {
        let mut l = Line::bare();
        l.n(0).s(b" ").n(-17).s(b" ").n(i64::MIN).s(b" ").sig(15).s(b" ").sig(35).s(b" ").sig(33);
        l.s(b" ").err(Errno::NOENT).s(b" ").err(Errno::from_raw_os_error(133));
        l.s(b" ").err(Errno::PERM).s(b" ").err(Errno::LOOP).s(b" ").err(Errno::from_raw_os_error(41));
        l.s(b" ").err(Errno::NOTTY).s(b" ").err(Errno::SPIPE).s(b" ").err(Errno::NOEXEC);
        assert_eq!(
            text(&l),
            "0 -17 -9223372036854775808 SIGTERM SIGRTMIN+1 signal 33 No such file or directory error 133 \
             Operation not permitted Too many levels of symbolic links error 41 \
             Inappropriate ioctl for device error 29 Exec format error"
        );
    }

    #[test]
    fn long_text_is_cut_leaving_room_for_the_newline() {
        let mut l = Line::bare();
        l.prefix(Level::Fatal, 7).s(&[b'a'; 2000]).n(12345);
        assert_eq!(l.text().len(), CAPACITY - 1);
    }
}
