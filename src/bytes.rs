//! Byte strings: the helpers the parsers share, and `Text`, the buffer pidone builds text in. None of them
//! can panic: a panic path would bring core's panic messages into the binary on the architectures where
//! LLVM keeps them (`cargo xtask dist` fails then).

use core::mem::MaybeUninit;
use core::{ptr, slice};

/// The words of a space-separated list.
pub fn words(list: &'static [u8]) -> impl Iterator<Item = &'static [u8]> {
    split(list, b' ')
}

/// The parts of `s` between its `separator`s. Every list pidone reads is cut by this one function, so its
/// loop is in the binary once.
pub fn split(s: &[u8], separator: u8) -> impl Iterator<Item = &[u8]> {
    s.split(move |&c| c == separator)
}

/// How many words a space-separated list has: for checks at compile time only (its indexing could panic).
pub const fn count_words(list: &[u8]) -> usize {
    let mut count = 1;
    let mut i = 0;
    while i < list.len() {
        if list[i] == b' ' {
            count += 1;
        }
        i += 1;
    }
    count
}

/// Word `index` (from 0) of a space-separated list, empty past its end: `words(list).nth(index)` for
/// checks at compile time.
pub const fn word(list: &[u8], mut index: usize) -> &[u8] {
    let (mut start, mut end) = (0, 0);
    while end < list.len() {
        if list[end] == b' ' {
            if index == 0 {
                break;
            }
            (index, start) = (index - 1, end + 1);
        }
        end += 1;
    }
    match list.split_at_checked(end) {
        Some((head, _)) if index == 0 => match head.split_at_checked(start) {
            Some((_, word)) => word,
            None => b"",
        },
        _ => b"",
    }
}

/// `s` cut at its first `separator`, which neither part keeps.
pub fn split_once(s: &[u8], separator: u8) -> Option<(&[u8], &[u8])> {
    let at = s.iter().position(|&c| c == separator)?;
    let (head, tail) = s.split_at_checked(at)?;
    Some((head, tail.get(1..)?))
}

/// `s` without `prefix`, which is compared ignoring ASCII case.
pub fn strip_prefix_ignoring_case<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let (head, tail) = s.split_at_checked(prefix.len())?;
    same_letters(head, prefix).then_some(tail)
}

/// ASCII case-insensitive equality; a plain loop, a fraction of the size of core's vectorised one.
pub fn same_letters(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

/// A plain decimal number: digits only, at least one, no overflow.
pub fn number(s: &[u8]) -> Option<u32> {
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

/// `n` in decimal, written at the end of `buf`.
pub fn decimal(mut n: u32, buf: &mut [u8; 10]) -> &[u8] {
    let mut start = buf.len();
    for slot in buf.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
        start -= 1;
        if n == 0 {
            break;
        }
    }
    buf.get(start..).unwrap_or_default()
}

/// Long enough for any message with a program name of a few hundred bytes; longer text is cut.
const CAPACITY: usize = 512;

/// Text built in place: a diagnostic line (`log`), an environment variable. The buffer is left
/// uninitialised and filled where it lives: zeroing it and moving it out of a constructor would cost a
/// thousand instructions per message, more than the rest of start-up. One byte always stays free for
/// the end (`ended`).
pub struct Text {
    /// Only `buf[..len]` is initialised.
    buf: [MaybeUninit<u8>; CAPACITY],
    len: usize,
}

impl Text {
    #[inline(always)]
    pub fn empty() -> Text {
        Text { buf: [MaybeUninit::uninit(); CAPACITY], len: 0 }
    }

    /// Appends bytes, cutting what does not fit.
    #[inline(never)] // called from every message: inlined, it would cost kilobytes
    pub fn push(&mut self, bytes: &[u8]) -> &mut Text {
        let take = bytes.len().min(CAPACITY - 1 - self.len);
        // SAFETY: `len + take < CAPACITY`, so the destination lies inside `buf`, which `bytes` (a shared
        // borrow while `self` is borrowed mutably) cannot overlap.
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), self.buf.as_mut_ptr().add(self.len).cast(), take) };
        self.len += take;
        self
    }

    /// Appends `n` in decimal.
    pub fn number(&mut self, n: u32) -> &mut Text {
        self.push(decimal(n, &mut [0; 10]))
    }

    /// The text so far (what the tests read; pidone itself only ever needs it `ended`).
    #[cfg(test)]
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: the first `len` bytes are initialised: `len` only grows in `push`, over bytes just written.
        unsafe { slice::from_raw_parts(self.buf.as_ptr().cast(), self.len) }
    }

    /// The text with `end` after it (a line's newline, a C string's NUL), in the byte kept free for it.
    pub fn ended(&mut self, end: u8) -> &[u8] {
        // SAFETY: `len < CAPACITY` (`push` keeps the last byte free), so the byte at `len` is inside `buf`;
        // the first `len` bytes and that one are initialised.
        unsafe {
            self.buf.as_mut_ptr().add(self.len).write(MaybeUninit::new(end));
            slice::from_raw_parts(self.buf.as_ptr().cast(), self.len + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_and_prefixes() {
        assert_eq!(split_once(b"a=b=c", b'='), Some((&b"a"[..], &b"b=c"[..])));
        assert_eq!(split_once(b"=", b'='), Some((&b""[..], &b""[..])));
        assert_eq!(split_once(b"abc", b'='), None);
        assert_eq!(strip_prefix_ignoring_case(b"SigTerm", b"SIG"), Some(&b"Term"[..]));
        assert_eq!(strip_prefix_ignoring_case(b"SI", b"SIG"), None);
        assert_eq!(words(b"a bc").collect::<Vec<_>>(), [&b"a"[..], b"bc"]);
        for (index, want) in [(0, &b"a"[..]), (1, b"bc"), (2, b""), (3, b"d"), (4, b""), (9, b"")] {
            assert_eq!(word(b"a bc  d", index), want, "{index}");
        }
        for n in [0, 7, 10, 4242, u32::MAX] {
            assert_eq!(decimal(n, &mut [0; 10]), n.to_string().as_bytes());
        }
    }

    #[test]
    fn text_is_cut_leaving_room_for_its_end() {
        let mut text = Text::empty();
        text.push(b"LISTEN_PID=").number(42);
        assert_eq!(text.ended(0), b"LISTEN_PID=42\0");
        text.push(&[b'a'; 2000]).number(12345);
        assert_eq!(text.as_bytes().len(), CAPACITY - 1);
        assert_eq!(text.ended(b'\n').len(), CAPACITY);
        assert_eq!(text.ended(b'\n').last(), Some(&b'\n'));
    }
}
