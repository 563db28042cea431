//! `--probe`'s URL: `tcp://HOST:PORT` or `http://HOST[:PORT][/PATH][?QUERY]`, where HOST is an IPv4
//! literal, an IPv6 literal in brackets, or `localhost`. No DNS: a health check runs where the server
//! is, and a resolver would be a libc's worth of code.

use crate::bytes::{number, split, split_once, strip_prefix_ignoring_case};
use core::net::{IpAddr, Ipv4Addr};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scheme {
    /// Up if it accepts a connection.
    Tcp,
    /// Up if it answers a GET with 2xx or 3xx.
    Http,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Url<'a> {
    pub scheme: Scheme,
    /// Where to connect: `localhost` is the IPv4 loopback.
    pub address: IpAddr,
    pub port: u16,
    /// HOST[:PORT] as written: the request's `Host:`.
    pub authority: &'a [u8],
    /// What the request asks for: the path and query, without the fragment; empty for `/`.
    pub target: &'a [u8],
}

/// `None` for anything but the two forms above.
#[unsafe(link_section = ".text.cold")]
pub fn parse(url: &[u8]) -> Option<Url<'_>> {
    let (scheme, rest) = match (strip_prefix_ignoring_case(url, b"tcp://"), strip_prefix_ignoring_case(url, b"http://"))
    {
        (Some(rest), _) => (Scheme::Tcp, rest),
        (_, Some(rest)) => (Scheme::Http, rest),
        _ => return None,
    };
    let end = rest.iter().position(|&c| matches!(c, b'/' | b'?' | b'#')).unwrap_or(rest.len());
    let (authority, target) = rest.split_at_checked(end)?;
    let target = split(target, b'#').next()?;
    // What goes on the wire is printable ASCII without blanks: nothing can end the request line early.
    if !target.iter().all(u8::is_ascii_graphic) || (scheme == Scheme::Tcp && !matches!(target, b"" | b"/")) {
        return None;
    }
    // HOST, or [HOST] for IPv6, then :PORT if given.
    let (host, port) = match authority.strip_prefix(b"[") {
        Some(bracketed) => {
            let (host, after) = split_once(bracketed, b']')?;
            (host, if after.is_empty() { None } else { Some(after.strip_prefix(b":")?) })
        }
        None => split_once(authority, b':').map_or((authority, None), |(host, port)| (host, Some(port))),
    };
    let address = if host.eq_ignore_ascii_case(b"localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else if authority.starts_with(b"[") {
        IpAddr::V6(ipv6(host)?.into())
    } else {
        IpAddr::V4(ipv4(host)?.into())
    };
    let port = match (port, scheme) {
        (Some(port), _) => u16::try_from(number(port)?).ok().filter(|&port| port > 0)?,
        (None, Scheme::Http) => 80,
        (None, Scheme::Tcp) => return None,
    };
    Some(Url { scheme, address, port, authority, target })
}

/// Four decimal numbers up to 255, with dots between them and no leading zeros.
#[unsafe(link_section = ".text.cold")]
fn ipv4(s: &[u8]) -> Option<[u8; 4]> {
    let mut octets = [0; 4];
    let mut parts = split(s, b'.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.len() > 1 && part.first() == Some(&b'0') {
            return None;
        }
        *octet = u8::try_from(number(part)?).ok()?;
    }
    parts.next().is_none().then_some(octets)
}

/// Eight groups of one to four hex digits with colons between them, a `::` standing for one or more
/// groups of zeros. (Not the form whose last 32 bits are written as an IPv4 address: an IPv4-mapped
/// server is probed at its IPv4 address.)
#[unsafe(link_section = ".text.cold")]
fn ipv6(s: &[u8]) -> Option<[u8; 16]> {
    let mut bytes = [0; 16];
    let Some(at) = s.windows(2).position(|pair| pair == b"::") else {
        return (groups(s, &mut bytes)? == 16).then_some(bytes);
    };
    let mut after = [0; 16];
    let (head, tail) = (groups(s.get(..at)?, &mut bytes)?, groups(s.get(at + 2..)?, &mut after)?);
    // `::` stands for at least one group.
    if head + tail > 14 {
        return None;
    }
    bytes.get_mut(16 - tail..)?.copy_from_slice(after.get(..tail)?);
    Some(bytes)
}

/// The colon-separated groups of `s`, written into `bytes` from its start; how many bytes that is.
#[unsafe(link_section = ".text.cold")]
fn groups(s: &[u8], bytes: &mut [u8; 16]) -> Option<usize> {
    if s.is_empty() {
        return Some(0);
    }
    let mut len = 0;
    for group in split(s, b':') {
        if !(1..=4).contains(&group.len()) {
            return None;
        }
        let value = group.iter().try_fold(0u16, |n, &c| Some(n << 4 | (c as char).to_digit(16)? as u16))?;
        bytes.get_mut(len..len + 2)?.copy_from_slice(&value.to_be_bytes());
        len += 2;
    }
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_urls() {
        let url = |s: &'static str| parse(s.as_bytes()).unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let u = url("http://127.0.0.1:8080/healthz?full=1#frag");
        assert_eq!(
            (u.scheme, u.address, u.port, u.authority, u.target),
            (Scheme::Http, ip("127.0.0.1"), 8080, &b"127.0.0.1:8080"[..], &b"/healthz?full=1"[..])
        );
        let u = url("HTTP://10.0.0.2");
        assert_eq!((u.address, u.port, u.authority, u.target), (ip("10.0.0.2"), 80, &b"10.0.0.2"[..], &b""[..]));
        let u = url("http://[::1]:81?x");
        assert_eq!((u.address, u.port, u.authority, u.target), (ip("::1"), 81, &b"[::1]:81"[..], &b"?x"[..]));
        let u = url("tcp://localhost:5432/");
        assert_eq!((u.scheme, u.address, u.port), (Scheme::Tcp, ip("127.0.0.1"), 5432));
        assert_eq!(url("http://[::ffff:a01:203]/").address, ip("::ffff:10.1.2.3"));
        assert_eq!(url("http://LocalHost:65535").port, 65535);
        assert_eq!(url("tcp://[::]:1").address, ip("::"));
    }

    #[test]
    fn bad_urls() {
        for bad in [
            "https://127.0.0.1/",
            "127.0.0.1:80",
            "",
            "http://",
            "tcp://127.0.0.1",
            "tcp://127.0.0.1:22/x",
            "tcp://127.0.0.1:22?x",
            "http://example.com/",
            "http:///",
            "http://1.2.3/",
            "http://256.1.1.1/",
            "http://::1/",
            "http://[127.0.0.1]/",
            "http://[::1/",
            "http://[::1]x/",
            "http://[::1]:/",
            "http://[fe80::1%25eth0]/",
            "http://[::ffff:10.1.2.3]/",
            "http://127.0.0.1:0/",
            "http://127.0.0.1:65536/",
            "http://127.0.0.1:/",
            "http://127.0.0.1:8o/",
            "http://127.0.0.1:+80/",
            "http://user:pw@127.0.0.1/",
            "http://127.0.0.1/a b",
            "http://127.0.0.1/\r\nX: y",
            "http://127.0.0.1/\u{e9}",
        ] {
            assert_eq!(parse(bad.as_bytes()), None, "{bad:?}");
        }
    }

    /// The host is an IP address exactly when core's parser (the oracle) says so, and the same one, but
    /// for IPv6 addresses that end in IPv4 form, which pidone does not take.
    #[test]
    fn addresses_are_what_core_parses() {
        let mut hosts: Vec<String> = [
            "1.2.3.4",
            "0.0.0.0",
            "255.255.255.255",
            "256.0.0.1",
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "1..3.4",
            "1.2.3.",
            "::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "1:2:3:4::5:6:7:8",
            ":::",
            "g::",
            "1:::2",
            "1::2::3",
            ":1::",
            "::1:",
            "12345::",
            "0000:ffff::",
            "FFFF::",
            "::ffff:1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5:6:7:1.2.3.4",
            "::1.2.3.4",
            "1.2.3.4::",
            "1:2:3:4:5::1.2.3.4",
            "1:2:3:4:5:6::1.2.3.4",
            "::1.2.3",
            "::1.2.3.4:5",
            ":",
            "",
            "::1%eth0",
            "1:2:3:4:5:6:7:8:",
        ]
        .map(String::from)
        .to_vec();
        // Every string of up to four characters from a small alphabet, for what no list thinks of.
        let alphabet = [":", "1", "f", ".", "0", "x"];
        let mut short = vec![String::new()];
        for _ in 0..4 {
            short = short.iter().flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}"))).collect();
            hosts.extend(short.iter().cloned());
        }
        for host in hosts {
            let oracle = host.parse::<IpAddr>().ok().filter(|ip| ip.is_ipv4() || !host.contains('.'));
            let written = if host.contains(':') { format!("http://[{host}]/") } else { format!("http://{host}/") };
            let parsed = parse(written.as_bytes()).map(|u| u.address);
            assert_eq!(parsed, oracle, "{host:?}");
        }
    }
}
