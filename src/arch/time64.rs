//! The time system calls where time_t has 64 bits: one call each, which takes 64-bit seconds.

use linux_raw_sys::general::{__NR_clock_gettime, __NR_ppoll, __NR_rt_sigtimedwait, __kernel_timespec};

/// A system call that reads or fills a timespec.
#[derive(Clone, Copy)]
pub struct TimeCall(u32);

pub const SIGTIMEDWAIT: TimeCall = TimeCall(__NR_rt_sigtimedwait);
pub const CLOCK_GETTIME: TimeCall = TimeCall(__NR_clock_gettime);
pub const PPOLL: TimeCall = TimeCall(__NR_ppoll);

/// Makes `call` through `make(number, timespec pointer)`, with `ts` (or NULL) as the timespec the kernel
/// reads or fills.
pub fn timed(call: TimeCall, ts: Option<&mut __kernel_timespec>, make: impl Fn(u32, usize) -> isize) -> isize {
    make(call.0, ts.map_or(0, |t| t as *mut __kernel_timespec as usize))
}
