//! What pidone says: diagnostics, `[LEVEL pidone (PID)] message` lines (`line`), and fatal errors
//! (`fatal`), which give `Fatal`, the proof that one was reported. All on stderr (never mixed into the
//! child's stdout), each line built in a fixed buffer and written at once or not at all (`stderr.rs`).

use crate::bytes::Text;
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering};
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
/// The pid the prefix shows, so that each line costs no getpid; 0 until `set_pid`.
static PID: AtomicI32 = AtomicI32::new(0);

pub fn set_verbosity(v: u32) {
    VERBOSITY.store(v, Ordering::Relaxed);
}

/// Called once at start and again in the child after fork, which prints its own pid as tini's does.
pub fn set_pid(pid: rustix::process::Pid) {
    PID.store(pid.as_raw_nonzero().get(), Ordering::Relaxed);
}

fn pid() -> i32 {
    match PID.load(Ordering::Relaxed) {
        0 => rustix::process::getpid().as_raw_nonzero().get(),
        pid => pid,
    }
}

/// Writes a diagnostic, `[LEVEL pidone (PID)] ` and what `fill` writes after it, unless the verbosity
/// hides `level`: the one way to put a diagnostic out. `text` makes the fill for a fixed message.
pub fn line(level: Level, fill: impl FnOnce(&mut Line)) {
    if level as u32 <= VERBOSITY.load(Ordering::Relaxed) {
        let mut line = Line::new();
        fill(line.prefix(level));
        line.send();
    }
}

/// A fatal error, already reported on stderr. Only this module makes one, and only by writing the line
/// that reports it; whoever gets one passes it up (`?`) until `run` turns it into exit code 1.
#[must_use]
#[derive(Debug)]
pub struct Fatal(());

/// Reports a fatal error: a FATAL diagnostic.
pub fn fatal(fill: impl FnOnce(&mut Line)) -> Fatal {
    line(Level::Fatal, fill);
    Fatal(())
}

/// Reports a fatal error in a command-line tool's words, `pidone: ` and what `fill` writes, without a
/// level or a pid: getopt's for a usage error, the probe's answer when the server is down.
pub fn fatal_plain(fill: impl FnOnce(&mut Line)) -> Fatal {
    let mut line = Line::new();
    fill(line.text(b"pidone: "));
    line.send();
    Fatal(())
}

/// The fill for a fixed message. (Every fixed message goes through this one closure type, so the line
/// that sends it is in the binary once.)
pub fn text(text: &[u8]) -> impl FnOnce(&mut Line) + '_ {
    move |l| {
        l.text(text);
    }
}

/// `fatal` for a call that failed: `what: <strerror text>`. (Not generic, and so one copy, called with
/// three words in registers: a fill that carried them would go to `fatal` through memory, at every call.)
pub fn failed(what: &[u8], e: Errno) -> Fatal {
    fatal(|l| {
        l.text(what).text(b": ").errno(e);
    })
}

/// A diagnostic being built: its text, in a `Text` that lives in the frame that sends it (it is never
/// moved, which matters in a binary whose memcpy is a byte loop).
pub struct Line(Text);

impl Line {
    #[inline(always)]
    fn new() -> Line {
        Line(Text::empty())
    }

    /// `[LEVEL pidone (PID)] `, tini's layout.
    #[inline(never)]
    fn prefix(&mut self, level: Level) -> &mut Line {
        self.text(b"[").text(level.tag()).text(b" pidone (").number(pid() as u32).text(b")] ")
    }

    /// Appends bytes; what does not fit is cut, leaving room for the newline.
    #[inline(always)]
    pub fn text(&mut self, bytes: &[u8]) -> &mut Line {
        self.0.push(bytes);
        self
    }

    /// Appends a decimal number (pids, statuses, errnos: none is negative).
    #[inline(always)]
    pub fn number(&mut self, n: u32) -> &mut Line {
        self.0.number(n);
        self
    }

    /// Appends a signal's name (`SIGTERM`, `SIGRTMIN+3`).
    pub fn signal(&mut self, sig: u32) -> &mut Line {
        let (prefix, base, num) = crate::signals::name(sig);
        self.text(prefix).text(base);
        if let Some(k) = num {
            self.number(k);
        }
        self
    }

    /// Appends strerror(3)'s text for the errors pidone can meet, or `errno N`.
    pub fn errno(&mut self, e: Errno) -> &mut Line {
        match describe(e.raw_os_error()) {
            Some(text) => self.text(text),
            None => self.text(b"errno ").number(e.raw_os_error() as u32),
        }
    }

    /// Ends the line and writes it to stderr, saying how many lines before it were lost to a full stderr,
    /// if any. A line stderr cannot take at once is dropped (`stderr.rs`).
    fn send(&mut self) {
        match crate::stderr::dropped() {
            0 => {}
            1 => {
                self.text(b" (1 line dropped: stderr full)");
            }
            n => {
                self.text(b" (").number(n).text(b" lines dropped: stderr full)");
            }
        }
        crate::stderr::write(self.0.ended(b'\n'));
    }
}

/// strerror(3)'s texts (glibc's wording) for the errors pidone's own calls meet in practice: fork,
/// execve, tcsetpgrp, prctl, kill, wait4, opening and reading files, setting ids, connecting. Others print
/// as `errno N`. The numbers are this architecture's, from linux-raw-sys (MIPS numbers many of them its
/// own way).
const ERRNO_LIST: [(u32, &str); 21] = {
    use linux_raw_sys::errno::*;
    [
        (EPERM, "Operation not permitted"),
        (ENOENT, "No such file or directory"),
        (ESRCH, "No such process"),
        (E2BIG, "Argument list too long"),
        (ENOEXEC, "Exec format error"),
        (EBADF, "Bad file descriptor"),
        (ECHILD, "No child processes"),
        (EAGAIN, "Resource temporarily unavailable"),
        (ENOMEM, "Cannot allocate memory"),
        (EACCES, "Permission denied"),
        (ENOTDIR, "Not a directory"),
        (EINVAL, "Invalid argument"),
        (ENFILE, "Too many open files in system"),
        (EMFILE, "Too many open files"),
        (ENOTTY, "Inappropriate ioctl for device"),
        (ETXTBSY, "Text file busy"),
        (ENAMETOOLONG, "File name too long"),
        (ELOOP, "Too many levels of symbolic links"),
        (EFBIG, "File too large"),
        (ECONNRESET, "Connection reset by peer"),
        (ECONNREFUSED, "Connection refused"),
    ]
};

/// `ERRNO_LIST` packed into one string at compile time (no table of slices): each entry is its errno, the
/// text's length and the text; the scan steps over whole entries, so no byte of a text is ever taken for
/// an errno.
#[unsafe(link_section = ".text.cold")]
static ERRNO_TEXTS: [u8; packed_len()] = pack();

const fn packed_len() -> usize {
    let (mut len, mut i) = (0, 0);
    while i < ERRNO_LIST.len() {
        len += 2 + ERRNO_LIST[i].1.len();
        i += 1;
    }
    len
}

const fn pack() -> [u8; packed_len()] {
    let mut packed = [0; packed_len()];
    let (mut at, mut i) = (0, 0);
    while i < ERRNO_LIST.len() {
        let (errno, text) = ERRNO_LIST[i];
        assert!(errno < 256 && text.len() < 256);
        packed[at] = errno as u8;
        packed[at + 1] = text.len() as u8;
        let mut j = 0;
        while j < text.len() {
            packed[at + 2 + j] = text.as_bytes()[j];
            j += 1;
        }
        at += 2 + text.len();
        i += 1;
    }
    packed
}

fn describe(errno: i32) -> Option<&'static [u8]> {
    let mut rest = &ERRNO_TEXTS[..];
    while let [number, len, tail @ ..] = rest {
        let (text, next) = tail.split_at_checked(usize::from(*len))?;
        if i32::from(*number) == errno {
            return Some(text);
        }
        rest = next;
    }
    None
}

/// Prints `bytes` on stdout (help, license, version): one blocking write(2), which a pipe or a terminal
/// takes whole (pidone has no signal handler that could cut it short). Closed, stdout loses them.
pub fn stdout(bytes: &[u8]) {
    // SAFETY: fd 1 is only borrowed for write(2); if pidone was started with it closed, the write fails
    // with EBADF.
    let _ = rustix::io::write(unsafe { rustix::stdio::stdout() }, bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line) -> String {
        String::from_utf8(line.0.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn prefix_matches_tini_layout() {
        set_pid(rustix::process::Pid::from_raw(4242).unwrap());
        assert_eq!(text(Line::new().prefix(Level::Trace).text(b"x")), "[TRACE pidone (4242)] x");
        let tags = [(Level::Fatal, "FATAL"), (Level::Warn, "WARN "), (Level::Info, "INFO "), (Level::Debug, "DEBUG")];
        for (level, tag) in tags {
            assert_eq!(text(Line::new().prefix(level)), format!("[{tag} pidone (4242)] "));
        }
    }

    #[test]
    fn numbers_and_signals() {
        let mut l = Line::new();
        l.number(0).text(b" ").number(17).text(b" ").number(u32::MAX).text(b" ").signal(15).text(b" ").signal(35);
        l.text(b" ").signal(33);
        assert_eq!(text(&l), "0 17 4294967295 SIGTERM SIGRTMIN+1 signal 33");
    }

    /// The host's strerror text for `n` (glibc's, through std), without std's " (os error N)".
    fn strerror(n: i32) -> String {
        let text = std::io::Error::from_raw_os_error(n).to_string();
        text.strip_suffix(&format!(" (os error {n})")).unwrap_or(&text).to_owned()
    }

    #[test]
    fn every_errno_prints_its_strerror_text_or_the_fallback() {
        let mut described = 0;
        for n in 1..=133 {
            let mut l = Line::new();
            l.errno(Errno::from_raw_os_error(n));
            let got = text(&l);
            if got != format!("errno {n}") {
                assert_eq!(got, strerror(n), "errno {n}");
                described += 1;
            }
        }
        // Every entry of the table is reached: none hides behind a malformed one before it.
        let mut entries = 0;
        let mut rest = &ERRNO_TEXTS[..];
        while let [_, len, tail @ ..] = rest {
            rest = &tail[usize::from(*len)..];
            entries += 1;
        }
        assert_eq!(described, entries);
        assert_eq!(described, ERRNO_LIST.len());
        for n in [0, -1, 134, 255, 256, 4095, i32::MAX] {
            assert_eq!(describe(n), None, "{n}");
        }
    }
}
