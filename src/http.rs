//! The HTTP that `--probe` speaks: one GET, and the status line of its answer. Nothing after the status
//! code is read: it is all a health check needs.

use crate::url::Url;

/// The request, in the order its parts go out: `GET TARGET HTTP/1.1` with `Host:` and
/// `Connection: close`.
pub fn request<'u>(url: &Url<'u>) -> [&'u [u8]; 6] {
    // The target is never empty on the wire: `/`, and a lone query is the root's.
    let slash: &[u8] = if url.target.first() == Some(&b'/') { b"" } else { b"/" };
    let agent = concat!(" HTTP/1.1\r\nUser-Agent: pidone/", env!("CARGO_PKG_VERSION"), "\r\nHost: ");
    [b"GET ", slash, url.target, agent.as_bytes(), url.authority, b"\r\nConnection: close\r\n\r\n"]
}

/// The start of a status line up to its code and the byte after it: `HTTP/1.1 200 ` (or `\r`, or `\n`).
pub const HEAD: usize = 13;

/// The status code of an answer whose first `HEAD` bytes are `head`; `None` if they are not an HTTP/1.x
/// status line.
pub fn status(head: &[u8; HEAD]) -> Option<u16> {
    let [b'H', b'T', b'T', b'P', b'/', b'1', b'.', minor, b' ', code @ .., end] = *head else { return None };
    let digits = minor.is_ascii_digit() && code.iter().all(u8::is_ascii_digit);
    let code = code.iter().fold(0, |n, &d| n * 10 + u16::from(d.wrapping_sub(b'0')));
    (digits && matches!(end, b' ' | b'\r' | b'\n')).then_some(code)
}

/// Whether a probe is content with `code`: 2xx, or a redirect (3xx, not followed).
pub fn is_up(code: u16) -> bool {
    (200..400).contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        for (head, want) in [
            ("HTTP/1.1 200 OK\r\n", Some(200)),
            ("HTTP/1.0 503 Service Unavailable\r\n", Some(503)),
            ("HTTP/1.1 204\r\n", Some(204)),
            ("HTTP/1.1 301\n", Some(301)),
            ("HTTP/1.9 404 ", Some(404)),
            ("SSH-2.0-OpenSSH_9.2\r\n", None),
            ("http/1.1 200 OK\r\n", None),
            ("HTTP/2 200 OK\r\n\r\n", None),
            ("HTTP/1.1  200 OK\r\n", None),
            ("HTTP/1.1 2000 OK\r\n", None),
            ("HTTP/1.1 20x OK\r\n", None),
            ("HTTP/1.x 200 OK\r\n", None),
            ("HTTP/1.1x200 OK\r\n", None),
            ("HTTP/1.1 200xOK\r\n", None),
            ("\0\0\0\0\0\0\0\0\0\0\0\0\0\0", None),
        ] {
            let head: &[u8; HEAD] = head.as_bytes()[..HEAD].try_into().unwrap();
            assert_eq!(status(head), want, "{head:?}");
        }
        assert!(is_up(200) && is_up(204) && is_up(301) && is_up(399));
        assert!(!is_up(199) && !is_up(400) && !is_up(404) && !is_up(503));
    }

    #[test]
    fn the_request() {
        let sent = |url: &str| request(&crate::url::parse(url.as_bytes()).unwrap()).concat();
        let want = format!(
            "GET /healthz?x=1 HTTP/1.1\r\nUser-Agent: pidone/{}\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(sent("http://[::1]:8080/healthz?x=1#top"), want.as_bytes());
        assert!(sent("http://127.0.0.1?q").starts_with(b"GET /?q HTTP/1.1\r\n"));
        assert!(sent("http://127.0.0.1").starts_with(b"GET / HTTP/1.1\r\n"));
    }
}
