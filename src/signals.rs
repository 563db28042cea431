//! Signal numbers, names and sets. x86_64 and aarch64 share the kernel's generic numbering: 1..=31 are
//! the classic signals, 32..=64 real-time ones.

use linux_raw_sys::general::{SIGCHLD, SIGKILL, SIGSTOP};

/// The highest signal number (the kernel's _NSIG).
pub const MAX: u32 = 64;
/// SIGRTMIN as glibc programs and `kill -l` count it: glibc keeps 32 and 33 for itself.
const RTMIN: u32 = 34;

/// The kernel's sigset_t: bit n-1 stands for signal n.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct SigSet(pub u64);

impl SigSet {
    pub const EMPTY: SigSet = SigSet(0);

    /// What pidone blocks and waits for: everything that can be blocked. SIGCHLD means "reap"; every other
    /// one is forwarded, including SIGTTIN, SIGTTOU and the fault signals when another process sends them
    /// (a real fault is forced through by the kernel even when blocked).
    pub const fn supervised() -> SigSet {
        SigSet(!0 & !bit(SIGKILL) & !bit(SIGSTOP))
    }

    #[cfg(test)]
    pub fn contains(self, sig: u32) -> bool {
        (1..=MAX).contains(&sig) && self.0 & bit(sig) != 0
    }
}

const fn bit(sig: u32) -> u64 {
    1 << (sig - 1)
}

pub fn is_child(sig: u32) -> bool {
    sig == SIGCHLD
}

/// Names of 1..=31 without the SIG prefix, as `kill -l` prints them (index = number - 1).
const NAMES: [&[u8]; 31] = [
    b"HUP", b"INT", b"QUIT", b"ILL", b"TRAP", b"ABRT", b"BUS", b"FPE", b"KILL", b"USR1", b"SEGV", b"USR2",
    b"PIPE", b"ALRM", b"TERM", b"STKFLT", b"CHLD", b"CONT", b"STOP", b"TSTP", b"TTIN", b"TTOU", b"URG",
    b"XCPU", b"XFSZ", b"VTALRM", b"PROF", b"WINCH", b"IO", b"PWR", b"SYS",
];

/// Other spellings `kill -l` and libcs accept.
const ALIASES: [(&[u8], u32); 3] = [(b"IOT", 6), (b"POLL", 29), (b"CLD", 17)];

/// A signal's name in three parts, e.g. ("SIG", "RTMIN+", 3) or ("SIG", "TERM", none). Numbers without a
/// name (32, 33) come out as ("signal ", "", 32).
pub fn name(sig: u32) -> (&'static [u8], &'static [u8], Option<u32>) {
    match sig {
        1..=31 => (b"SIG", NAMES[sig as usize - 1], None),
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
    let s = strip_prefix_ci(s, b"SIG").unwrap_or(s);
    if let Some(i) = NAMES.iter().position(|n| n.eq_ignore_ascii_case(s)) {
        return Some(i as u32 + 1);
    }
    if let Some(&(_, n)) = ALIASES.iter().find(|(a, _)| a.eq_ignore_ascii_case(s)) {
        return Some(n);
    }
    if let Some(rest) = strip_prefix_ci(s, b"RTMIN") {
        let n = offset(rest, b'+')?;
        return (RTMIN + n <= MAX).then_some(RTMIN + n);
    }
    if let Some(rest) = strip_prefix_ci(s, b"RTMAX") {
        let n = offset(rest, b'-')?;
        return (MAX - RTMIN >= n).then_some(MAX - n);
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

/// A plain decimal number: digits only, at least one, no overflow.
fn number(s: &[u8]) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u32, |n, &c| {
        if !c.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(u32::from(c - b'0'))
    })
}

fn strip_prefix_ci<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tini_name_parses_to_its_number() {
        let tini = [
            ("SIGHUP", 1), ("SIGINT", 2), ("SIGQUIT", 3), ("SIGILL", 4), ("SIGTRAP", 5), ("SIGABRT", 6),
            ("SIGBUS", 7), ("SIGFPE", 8), ("SIGKILL", 9), ("SIGUSR1", 10), ("SIGSEGV", 11), ("SIGUSR2", 12),
            ("SIGPIPE", 13), ("SIGALRM", 14), ("SIGTERM", 15), ("SIGCHLD", 17), ("SIGCONT", 18),
            ("SIGSTOP", 19), ("SIGTSTP", 20), ("SIGTTIN", 21), ("SIGTTOU", 22), ("SIGURG", 23),
            ("SIGXCPU", 24), ("SIGXFSZ", 25), ("SIGVTALRM", 26), ("SIGPROF", 27), ("SIGWINCH", 28),
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
        for bad in ["", "0", "65", "SIG", "TERMS", "RTMIN+31", "RTMAX-31", "RTMIN-1", "RTMIN+", "-15", "+15",
                    " 15", "99999999999", "SIGSIGTERM"] {
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

    #[test]
    fn supervised_set_has_all_but_kill_and_stop() {
        let s = SigSet::supervised();
        for n in 1..=MAX {
            assert_eq!(s.contains(n), n != 9 && n != 19, "{n}");
        }
    }
}
