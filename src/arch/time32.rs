//! The time system calls where time_t has 32 bits: each has a time64 twin (Linux 5.1 and later, and the
//! only ones on a kernel built without COMPAT_32BIT_TIME) that takes 64-bit seconds, where the classic
//! one takes 32-bit seconds. pidone's times are all relative and its clock monotonic, so 32 bits of
//! seconds stay right past 2038.

use core::sync::atomic::{AtomicBool, Ordering::Relaxed};
use linux_raw_sys::general::{
    __NR_clock_gettime, __NR_clock_gettime64, __NR_ppoll, __NR_ppoll_time64, __NR_rt_sigtimedwait,
    __NR_rt_sigtimedwait_time64, __kernel_timespec,
};
use rustix::io::Errno;

/// A system call that reads or fills a timespec, in its two versions.
#[derive(Clone, Copy)]
pub struct TimeCall {
    time64: u32,
    classic: u32,
}

pub const SIGTIMEDWAIT: TimeCall = TimeCall { time64: __NR_rt_sigtimedwait_time64, classic: __NR_rt_sigtimedwait };
pub const CLOCK_GETTIME: TimeCall = TimeCall { time64: __NR_clock_gettime64, classic: __NR_clock_gettime };
pub const PPOLL: TimeCall = TimeCall { time64: __NR_ppoll_time64, classic: __NR_ppoll };

/// A time64 call was answered ENOSYS (a kernel older than 5.1) or EPERM (a seccomp profile older than
/// them: Docker's before 20.10 answers EPERM for any call it does not list, and none of these calls fails
/// with EPERM for another reason): the classic calls from then on.
static CLASSIC_ONLY: AtomicBool = AtomicBool::new(false);

/// Makes `call` through `make(number, timespec pointer)`, with `ts` (or NULL) as the timespec the kernel
/// reads or fills: the time64 version, unless the kernel or its seccomp profile has refused one.
pub fn timed(call: TimeCall, mut ts: Option<&mut __kernel_timespec>, make: impl Fn(u32, usize) -> isize) -> isize {
    if !CLASSIC_ONLY.load(Relaxed) {
        let ret = make(call.time64, ts.as_deref_mut().map_or(0, |t| t as *mut __kernel_timespec as usize));
        let unavailable = |e: Errno| ret == -(e.raw_os_error() as isize);
        if !unavailable(Errno::NOSYS) && !unavailable(Errno::PERM) {
            return ret;
        }
        CLASSIC_ONLY.store(true, Relaxed);
    }
    let Some(ts) = ts else { return make(call.classic, 0) };
    // The classic timespec: 32-bit seconds, 32-bit nanoseconds.
    let mut classic = [ts.tv_sec as i32, ts.tv_nsec as i32];
    let ret = make(call.classic, classic.as_mut_ptr() as usize);
    (ts.tv_sec, ts.tv_nsec) = (classic[0].into(), classic[1].into());
    ret
}
