//! The shipped binary: no libc, no std, its own `_start`. All of pidone is in the library (`lib.rs`).
//! (With `cfg(test)`, as `cargo clippy --all-targets` builds it, it is an empty std program.)

#![cfg_attr(not(test), no_std, no_main)]
// `_start`'s naked_asm! is behind the same feature gate as the library's asm!.
#![cfg_attr(experimental_asm, feature(asm_experimental_arch))]

#[cfg(not(test))]
mod mem;
#[cfg(not(test))]
mod start;
