//! Signal numbers, names and sets, and the one way from a signal pidone received to the one it sends
//! (`Rewrites::outgoing`). The numbering is this architecture's (`arch`: MIPS has its own); the names
//! are checked against linux-raw-sys's numbers while compiling.

use crate::arch::{SIGNAL_NAMES, SIGNAL_OF_ITS_OWN, SigSetWords, sig_set_words};
use crate::bytes::{number, same_letters, split_once, strip_prefix_ignoring_case, word, words};
use linux_raw_sys::general::{SIGCHLD, SIGINT, SIGIOT, SIGKILL, SIGPOLL, SIGSTOP, SIGTERM, kernel_sigset_t};
use rustix::process::Signal;

/// The highest signal number (`arch`).
pub use crate::arch::SIGNAL_MAX as MAX;
/// SIGRTMIN as glibc programs and `kill -l` count it: glibc keeps 32 and 33 for itself.
pub const RTMIN: u32 = 34;

/// The kernel's sigset_t, its words as this architecture has them: bit n-1 stands for signal n.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct SigSet(pub SigSetWords);

const _: () = assert!(core::mem::size_of::<SigSet>() == core::mem::size_of::<kernel_sigset_t>());

impl SigSet {
    // SAFETY: all zeros is a valid integer, and a valid array of them.
    pub const EMPTY: SigSet = SigSet(unsafe { core::mem::zeroed() });

    /// The set of `sig` alone, one of the classic signals (which are all in the first word).
    pub const fn of(sig: u32) -> SigSet {
        SigSet::from_words(bit(sig), 0)
    }

    /// What pidone blocks and waits for: everything that can be blocked. SIGCHLD means "reap"; every other
    /// one is forwarded, including SIGTTIN, SIGTTOU and the fault signals when another process sends them
    /// (a real fault is forced through by the kernel even when blocked).
    pub const fn supervised() -> SigSet {
        SigSet::from_words(!(bit(SIGKILL) | bit(SIGSTOP)), !0)
    }

    /// The set of words `first` and `second`, where this architecture has a second word.
    const fn from_words(first: u64, second: u64) -> SigSet {
        SigSet(sig_set_words(first, second))
    }

    #[cfg(test)]
    pub fn contains(self, sig: u32) -> bool {
        // SAFETY: `SigSetWords` is one or two u64s, the same bytes as an array of as many.
        let words: [u64; core::mem::size_of::<SigSetWords>() / 8] = unsafe { core::mem::transmute(self.0) };
        (1..=MAX).contains(&sig) && words[(sig as usize - 1) / 64] >> ((sig - 1) % 64) & 1 != 0
    }
}

/// Signal `sig`'s bit in the first word.
const fn bit(sig: u32) -> u64 {
    1 << (sig - 1)
}

pub fn is_child(sig: u32) -> bool {
    sig == SIGCHLD
}

/// What ends pause mode (`-P`), as it ends catatonit's.
pub fn ends_pause(sig: u32) -> bool {
    sig == SIGTERM || sig == SIGINT
}

/// What each signal becomes when forwarded (`-r FROM:TO`): itself unless rewritten; 0 drops it. One byte
/// per signal (`Entry`), all zeros for the identity.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Rewrites([u8; MAX as usize]);

/// What becomes of one signal: the signal it is forwarded as (0: dropped), and whether `-r` gave it (a
/// default, `unless_given`, never overrides that).
struct Entry {
    to: u32,
    given: bool,
}

/// An entry's bit for "given by `-r`".
const GIVEN: u8 = 0x80;
const _: () = assert!(MAX < GIVEN as u32);

impl Entry {
    /// The byte signal `from`'s entry is kept in: FROM xor TO, so that the identity is all zeros and costs
    /// nothing to set up, and GIVEN's bit, which signal numbers leave free. `pack` and `unpack` are the
    /// only code that touches that byte.
    fn pack(self, from: u32) -> u8 {
        (from ^ self.to) as u8 | if self.given { GIVEN } else { 0 }
    }

    fn unpack(byte: u8, from: u32) -> Entry {
        Entry { to: from ^ u32::from(byte & !GIVEN), given: byte & GIVEN != 0 }
    }
}

impl Default for Rewrites {
    fn default() -> Rewrites {
        Rewrites([0; MAX as usize])
    }
}

impl Rewrites {
    /// Adds `FROM:TO`: signals by name or number, TO `0` to drop. SIGCHLD (pidone's own), SIGKILL and
    /// SIGSTOP (never received) cannot be rewritten.
    #[inline(never)] // called from several places in argument parsing
    pub fn add(&mut self, spec: &[u8]) -> Option<()> {
        let (from, to) = split_once(spec, b':')?;
        let from = parse(from)?;
        let to = match to {
            b"0" => 0,
            to => parse(to)?,
        };
        if from == SIGCHLD || from == SIGKILL || from == SIGSTOP {
            return None;
        }
        *self.0.get_mut(from as usize - 1)? = Entry { to, given: true }.pack(from);
        Some(())
    }

    /// `from` forwarded as `to`, unless `-r` says what becomes of `from`.
    pub fn unless_given(&mut self, from: u32, to: u32) {
        if let Some(byte) = self.0.get_mut((from as usize).wrapping_sub(1))
            && !Entry::unpack(*byte, from).given
        {
            *byte = Entry { to, given: false }.pack(from);
        }
    }

    /// What `sig` is forwarded as; 0 means not at all.
    pub fn apply(&self, sig: u32) -> u32 {
        self.0.get((sig as usize).wrapping_sub(1)).map_or(sig, |&byte| Entry::unpack(byte, sig).to)
    }

    /// What pidone sends for a signal it received: the signal itself, or what `-r` made of it; `None`
    /// when `-r` drops it. The one way from a received signal to a sent one.
    pub fn outgoing(&self, received: u32) -> Option<Signal> {
        sendable(self.apply(received))
    }
}

/// A signal number as rustix sends it, if it is one (1..=MAX).
pub fn sendable(sig: u32) -> Option<Signal> {
    // SAFETY: the number is a signal this kernel knows. rustix's caveat, about numbers a libc reserves
    // for itself, does not apply: there is no libc in this process.
    (1..=MAX).contains(&sig).then(|| unsafe { Signal::from_raw_unchecked(sig as i32) })
}

/// Other spellings `kill -l` and libcs accept, for SIGABRT, SIGIO and SIGCHLD.
const ALIASES: &[u8] = b"IOT POLL CLD";
const ALIASED: [u8; 3] = [SIGIOT as u8, SIGPOLL as u8, SIGCHLD as u8];

// `SIGNAL_NAMES` checked against this architecture's numbers (linux-raw-sys's) while compiling, at no cost
// in the binary: each name must be the word at its signal's place.
const _: () = {
    use linux_raw_sys::general::*;
    const EVERYWHERE: [(u32, &[u8]); 30] = [
        (SIGHUP, b"HUP"),
        (SIGINT, b"INT"),
        (SIGQUIT, b"QUIT"),
        (SIGILL, b"ILL"),
        (SIGTRAP, b"TRAP"),
        (SIGABRT, b"ABRT"),
        (SIGBUS, b"BUS"),
        (SIGFPE, b"FPE"),
        (SIGKILL, b"KILL"),
        (SIGUSR1, b"USR1"),
        (SIGSEGV, b"SEGV"),
        (SIGUSR2, b"USR2"),
        (SIGPIPE, b"PIPE"),
        (SIGALRM, b"ALRM"),
        (SIGTERM, b"TERM"),
        (SIGCHLD, b"CHLD"),
        (SIGCONT, b"CONT"),
        (SIGSTOP, b"STOP"),
        (SIGTSTP, b"TSTP"),
        (SIGTTIN, b"TTIN"),
        (SIGTTOU, b"TTOU"),
        (SIGURG, b"URG"),
        (SIGXCPU, b"XCPU"),
        (SIGXFSZ, b"XFSZ"),
        (SIGVTALRM, b"VTALRM"),
        (SIGPROF, b"PROF"),
        (SIGWINCH, b"WINCH"),
        (SIGIO, b"IO"),
        (SIGPWR, b"PWR"),
        (SIGSYS, b"SYS"),
    ];
    let mut i = 0;
    while i < EVERYWHERE.len() {
        let (number, name) = EVERYWHERE[i];
        assert!(named(number, name), "SIGNAL_NAMES is not in this architecture's order");
        i += 1;
    }
    assert!(named(SIGNAL_OF_ITS_OWN.0, SIGNAL_OF_ITS_OWN.1), "SIGNAL_NAMES is not in this architecture's order");
    // The highest signal is the kernel's last, or one below it (MIPS's: see `arch`).
    let highest_known = MAX == _NSIG || MAX + 1 == _NSIG;
    assert!(SIGRTMIN + 2 == RTMIN && highest_known, "the real-time signals are not where they are taken to be");
};

/// Whether signal `sig`'s name is `name`: for the check above, where `==` on slices is not available.
const fn named(sig: u32, name: &[u8]) -> bool {
    let listed = word(SIGNAL_NAMES, sig as usize - 1);
    let mut i = 0;
    while i < name.len() && i < listed.len() && name[i] == listed[i] {
        i += 1;
    }
    i == name.len() && i == listed.len()
}

/// A signal's name in three parts, e.g. ("SIG", "RTMIN+", 3) or ("SIG", "TERM", none). Numbers without a
/// name (32, 33) come out as ("signal ", "", 32).
pub fn name(sig: u32) -> (&'static [u8], &'static [u8], Option<u32>) {
    match sig {
        1..=31 => (b"SIG", words(SIGNAL_NAMES).nth(sig as usize - 1).unwrap_or_default(), None),
        RTMIN..=MAX if sig - RTMIN <= MAX - sig => (b"SIG", b"RTMIN+", Some(sig - RTMIN)),
        RTMIN..=MAX => (b"SIG", b"RTMAX-", Some(MAX - sig)),
        _ => (b"signal ", b"", Some(sig)),
    }
}

/// Parses a signal as `-p` takes it: a number, or a name with or without `SIG` in any case, or
/// `RTMIN+n` / `RTMAX-n` (`RTMIN` and `RTMAX` alone too).
pub fn parse(s: &[u8]) -> Option<u32> {
    if let Some(n) = number(s) {
        return (1..=MAX).contains(&n).then_some(n);
    }
    let s = strip_prefix_ignoring_case(s, b"SIG").unwrap_or(s);
    if let Some(i) = words(SIGNAL_NAMES).position(|n| same_letters(n, s)) {
        return Some(i as u32 + 1);
    }
    if let Some(i) = words(ALIASES).position(|n| same_letters(n, s)) {
        return ALIASED.get(i).map(|&n| n.into());
    }
    if let Some(rest) = strip_prefix_ignoring_case(s, b"RTMIN") {
        let sig = RTMIN.checked_add(offset(rest, b'+')?)?;
        return (sig <= MAX).then_some(sig);
    }
    if let Some(rest) = strip_prefix_ignoring_case(s, b"RTMAX") {
        let sig = MAX.checked_sub(offset(rest, b'-')?)?;
        return (sig >= RTMIN).then_some(sig);
    }
    None
}

/// The `+n`/`-n` after RTMIN/RTMAX; nothing at all means 0.
fn offset(rest: &[u8], sign: u8) -> Option<u32> {
    match rest.split_first() {
        None => Some(0),
        Some((&c, digits)) if c == sign => number(digits),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tini_name_parses_to_its_number() {
        let tini = [
            ("SIGHUP", 1),
            ("SIGINT", 2),
            ("SIGQUIT", 3),
            ("SIGILL", 4),
            ("SIGTRAP", 5),
            ("SIGABRT", 6),
            ("SIGBUS", 7),
            ("SIGFPE", 8),
            ("SIGKILL", 9),
            ("SIGUSR1", 10),
            ("SIGSEGV", 11),
            ("SIGUSR2", 12),
            ("SIGPIPE", 13),
            ("SIGALRM", 14),
            ("SIGTERM", 15),
            ("SIGCHLD", 17),
            ("SIGCONT", 18),
            ("SIGSTOP", 19),
            ("SIGTSTP", 20),
            ("SIGTTIN", 21),
            ("SIGTTOU", 22),
            ("SIGURG", 23),
            ("SIGXCPU", 24),
            ("SIGXFSZ", 25),
            ("SIGVTALRM", 26),
            ("SIGPROF", 27),
            ("SIGWINCH", 28),
            ("SIGSYS", 31),
        ];
        for (name, n) in tini {
            assert_eq!(parse(name.as_bytes()), Some(n), "{name}");
        }
    }

    #[test]
    fn pidone_extras_parse() {
        assert_eq!(parse(b"term"), Some(15));
        assert_eq!(parse(b"SigUsr1"), Some(10));
        assert_eq!(parse(b"9"), Some(9));
        assert_eq!(parse(b"64"), Some(64));
        assert_eq!(parse(b"RTMIN"), Some(34));
        assert_eq!(parse(b"SIGRTMIN+1"), Some(35));
        assert_eq!(parse(b"rtmax-2"), Some(62));
        assert_eq!(parse(b"RTMAX"), Some(64));
        assert_eq!(parse(b"RTMIN+30"), Some(64));
        assert_eq!(parse(b"IOT"), Some(6));
    }

    #[test]
    fn rejects_what_is_not_a_signal() {
        // Found by the fuzzer: offsets that overflow must not wrap around into a valid number.
        for bad in [
            "",
            "0",
            "65",
            "SIG",
            "TERMS",
            "RTMIN+31",
            "RTMAX-31",
            "RTMIN-1",
            "RTMIN+",
            "-15",
            "+15",
            " 15",
            "99999999999",
            "SIGSIGTERM",
            "RTMIN+4294967285",
            "RTMAX-100",
            "rtmax-4294967295",
            "RTMIN+4294967295",
        ] {
            assert_eq!(parse(bad.as_bytes()), None, "{bad:?}");
        }
    }

    #[test]
    fn names_round_trip() {
        for n in 1..=MAX {
            let (prefix, base, num) = name(n);
            let mut s = [prefix, base].concat();
            if let Some(k) = num {
                s.extend_from_slice(k.to_string().as_bytes());
            }
            if prefix == b"SIG" {
                assert_eq!(parse(&s), Some(n), "{}", String::from_utf8_lossy(&s));
            } else {
                assert!(n == 32 || n == 33);
            }
        }
        assert_eq!(name(15), (&b"SIG"[..], &b"TERM"[..], None));
        assert_eq!(name(34), (&b"SIG"[..], &b"RTMIN+"[..], Some(0)));
        assert_eq!(name(63), (&b"SIG"[..], &b"RTMAX-"[..], Some(1)));
    }

    unsafe extern "C" {
        /// glibc's own table of signal abbreviations ("TERM" for 15); NULL for numbers without a name.
        fn sigabbrev_np(sig: i32) -> *const core::ffi::c_char;
        fn __libc_current_sigrtmin() -> i32;
        fn __libc_current_sigrtmax() -> i32;
    }

    #[test]
    fn every_name_is_glibcs() {
        for n in 1..=31 {
            // SAFETY: sigabbrev_np takes any number and returns NULL or a static NUL-terminated string.
            let abbrev = unsafe { std::ffi::CStr::from_ptr(sigabbrev_np(n as i32)) }.to_bytes();
            // glibc calls 29 POLL; pidone prints IO, as `kill -l` does, and takes POLL as an alias.
            let printed: &[u8] = if n == 29 { b"IO" } else { abbrev };
            assert_eq!(name(n), (&b"SIG"[..], printed, None), "{n}");
            assert_eq!(parse(abbrev), Some(n), "{n}");
        }
        // SAFETY: plain queries of glibc's real-time range.
        let (rtmin, rtmax) = unsafe { (__libc_current_sigrtmin(), __libc_current_sigrtmax()) };
        assert_eq!((rtmin as u32, rtmax as u32), (RTMIN, MAX));
        for (alias, &n) in words(ALIASES).zip(&ALIASED) {
            assert_eq!(parse(alias), Some(n.into()), "{}", String::from_utf8_lossy(alias));
        }
        assert_eq!(words(ALIASES).count(), ALIASED.len());
        assert_eq!(words(SIGNAL_NAMES).count(), 31);
    }

    #[test]
    fn every_rewrite_round_trips() {
        for from in 1..=MAX {
            for to in 0..=MAX {
                let mut r = Rewrites::default();
                let spec = format!("{from}:{to}");
                if [SIGCHLD, SIGKILL, SIGSTOP].contains(&from) {
                    assert_eq!(r.add(spec.as_bytes()), None, "{spec}");
                    continue;
                }
                assert_eq!(r.add(spec.as_bytes()), Some(()), "{spec}");
                // What -r gave, no default overrides.
                r.unless_given(from, if to == 1 { 2 } else { 1 });
                for sig in 1..=MAX {
                    assert_eq!(r.apply(sig), if sig == from { to } else { sig }, "{spec}, signal {sig}");
                }
            }
        }
    }

    #[test]
    fn rewrites() {
        let mut r = Rewrites::default();
        for n in 1..=MAX {
            assert_eq!(r.apply(n), n);
        }
        for spec in ["TERM:QUIT", "sigusr1:0", "28:SIGUSR2", "RTMIN+1:rtmax", "HUP:HUP"] {
            assert_eq!(r.add(spec.as_bytes()), Some(()), "{spec}");
        }
        assert_eq!((r.apply(15), r.apply(10), r.apply(28), r.apply(35), r.apply(1), r.apply(2)), (3, 0, 12, 64, 1, 2));
        for bad in [
            "",
            "TERM",
            "TERM:",
            ":QUIT",
            "TERM:NOPE",
            "NOPE:TERM",
            "CHLD:TERM",
            "KILL:TERM",
            "STOP:0",
            "TERM:65",
            "0:TERM",
            "TERM:QUIT:HUP",
            "TERM=QUIT",
        ] {
            assert_eq!(Rewrites::default().add(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(r.apply(0), 0);
        assert_eq!(r.apply(65), 65);
        // A default gives way to what -r said, a rewrite to itself included.
        r.unless_given(15, 1);
        r.unless_given(30, 15);
        r.unless_given(37, 15);
        assert_eq!((r.apply(15), r.apply(30), r.apply(37)), (3, 15, 15));
        r.add(b"PWR:PWR").unwrap();
        r.unless_given(30, 15);
        assert_eq!(r.apply(30), 30);
    }

    #[test]
    fn supervised_set_has_all_but_kill_and_stop() {
        let s = SigSet::supervised();
        for n in 1..=MAX {
            assert_eq!(s.contains(n), n != 9 && n != 19, "{n}");
        }
    }
}
