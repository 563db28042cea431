//! The status line of a probe's answer: no input may panic, and a code is only ever read from
//! `HTTP/1.x NNN` followed by a space or the line's end.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pidone::fuzz::{HEAD, status};

fuzz_target!(|data: &[u8]| {
    let Ok(head) = <&[u8; HEAD]>::try_from(data.get(..HEAD).unwrap_or_default()) else { return };
    if let Some(code) = status(head) {
        assert!(head.starts_with(b"HTTP/1.") && code < 1000);
        assert_eq!(&head[9..12], format!("{code:03}").as_bytes());
        assert!(matches!(head[12], b' ' | b'\r' | b'\n'));
    }
});
