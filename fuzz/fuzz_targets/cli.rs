//! The command line and the environment, as `run` parses them: no input may panic, and a program to run
//! must lie inside argv at index 1 or later (`run` and `spawn` rely on it in unsafe code).
//!
//! Input: NUL-separated strings; argv until the first empty one, the environment after it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pidone::fuzz::{Action, Config, parse};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0);
    let mut argv: Vec<&[u8]> = vec![b"pidone"];
    argv.extend(parts.by_ref().take_while(|part| !part.is_empty()));
    let env: Vec<&[u8]> = parts.collect();
    let mut config = Config::default();
    if let Ok(Action::Run { at }) = parse(argv.iter().copied(), env.iter().copied(), &mut config) {
        assert!((1..argv.len()).contains(&at), "the program's index {at} outside argv of {}", argv.len());
    }
    if let Some(grace) = config.grace {
        assert!(grace.as_secs() <= 86_400);
    }
});
