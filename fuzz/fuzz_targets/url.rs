//! `--probe`'s URL: no input may panic; what it accepts puts nothing on the wire that could end the
//! request line or a header early (each line ends where pidone ends it); and its IP addresses are the
//! ones core's parser reads from the same text (the oracle), but IPv6 written with an IPv4 tail, which
//! pidone does not take.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pidone::fuzz::{request, url};
use std::net::IpAddr;

fuzz_target!(|data: &[u8]| {
    if let Some(parsed) = url(data) {
        let sent = request(&parsed).concat();
        assert_eq!(sent.iter().filter(|&&c| c == b'\n').count(), 5);
        assert_eq!(sent.windows(2).filter(|pair| pair == b"\r\n").count(), 5);
        assert!(!sent.contains(&b'\r') || sent.windows(2).all(|pair| pair[0] != b'\r' || pair[1] == b'\n'));
    }
    // The host alone, written into the two forms of URL: made of what an address is written with (other
    // characters end the host or the URL's part before they reach the address).
    let Ok(host) = std::str::from_utf8(data) else { return };
    if !host.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
        return;
    }
    let written = if host.contains(':') { format!("http://[{host}]:80/") } else { format!("http://{host}:80/") };
    let oracle = host.parse::<IpAddr>().ok().filter(|ip| ip.is_ipv4() || !host.contains('.'));
    assert_eq!(url(written.as_bytes()).map(|u| u.address), oracle, "{host:?}");
});
