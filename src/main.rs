//! The shipped binary: no libc, no std, its own `_start`. All of pidone is in the library (`lib.rs`).
//! (With `cfg(test)`, as `cargo clippy --all-targets` builds it, it is an empty std program.)

#![cfg_attr(not(test), no_std, no_main)]

#[cfg(not(test))]
mod mem;
#[cfg(not(test))]
mod start;
