//! The shipped binary: no libc, no std, its own `_start`. All of pidone is in the library (`lib.rs`).

#![no_std]
#![no_main]

mod mem;
mod start;
