//! Byte-string helpers the parsers share. None of them can panic: a panic path would bring core's panic
//! messages into the binary on the architectures where LLVM keeps them (`cargo xtask dist` fails then).

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
        for n in [0, 7, 10, 4242, u32::MAX] {
            assert_eq!(decimal(n, &mut [0; 10]), n.to_string().as_bytes());
        }
    }
}
