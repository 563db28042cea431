//! The system calls rustix keeps only in its hidden `runtime` module (whose name it rotates on purpose):
//! fork, execve, rt_sigprocmask, rt_sigaction, rt_sigtimedwait and exit_group, issued directly; and
//! clock_gettime, whose rustix version brings a vDSO loader several times the size of all of pidone's own
//! code for a call made only while `--grace` runs. Everything else goes through rustix's stable API.

use crate::signals::SigSet;
use core::arch::asm;
use core::time::Duration;
use linux_raw_sys::general::{
    __NR_clock_gettime, __NR_clone, __NR_execve, __NR_exit_group, __NR_rt_sigaction, __NR_rt_sigprocmask,
    __NR_rt_sigtimedwait, __kernel_timespec, CLOCK_MONOTONIC, SIG_SETMASK, SIGCHLD, kernel_sigaction,
};
use rustix::io::Errno;
use rustix::process::Pid;

/// The kernel's sigset_t size in bytes, which rt_sig* calls take as their last argument.
const SIGSET_SIZE: usize = core::mem::size_of::<u64>();

/// One system call with up to four arguments; the raw result, a negated errno on failure.
///
/// # Safety
/// The arguments are what system call `nr` expects: every pointer among them valid for what the kernel
/// reads or writes through it, for the duration of the call.
#[cfg(target_arch = "x86_64")]
unsafe fn syscall4(nr: u32, a: usize, b: usize, c: usize, d: usize) -> isize {
    let ret: isize;
    // SAFETY: the x86_64 Linux syscall convention: number in rax, arguments in rdi rsi rdx r10, result in
    // rax, rcx and r11 clobbered. The caller vouches for the arguments of the particular call.
    unsafe {
        asm!("syscall", inlateout("rax") nr as isize => ret, in("rdi") a, in("rsi") b, in("rdx") c,
             in("r10") d, lateout("rcx") _, lateout("r11") _, options(nostack));
    }
    ret
}

/// As on x86_64.
///
/// # Safety
/// As on x86_64.
#[cfg(target_arch = "aarch64")]
unsafe fn syscall4(nr: u32, a: usize, b: usize, c: usize, d: usize) -> isize {
    let ret: isize;
    // SAFETY: the aarch64 Linux syscall convention: number in x8, arguments in x0..x3, result in x0.
    // The caller vouches for the arguments of the particular call.
    unsafe {
        asm!("svc 0", in("x8") nr as usize, inlateout("x0") a => ret, in("x1") b, in("x2") c, in("x3") d,
             options(nostack));
    }
    ret
}

/// Raw return values in -4095..=-1 are negated errnos (the kernel's own convention).
fn result(ret: isize) -> Result<usize, Errno> {
    if (-4095..0).contains(&ret) { Err(Errno::from_raw_os_error(-ret as i32)) } else { Ok(ret as usize) }
}

/// fork(2), as `clone(SIGCHLD)`: `None` in the child, the child's pid in the parent.
///
/// # Safety
/// The child is a copy of a single-threaded process with no libc state, so any code may run in it; the
/// caller must make sure the child ends in execve or exit_group and never returns into the parent's flow.
pub unsafe fn fork() -> Result<Option<Pid>, Errno> {
    // SAFETY: no CLONE_VM, no stack, no tid or tls pointers: the kernel copies the process.
    let pid = result(unsafe { syscall4(__NR_clone, SIGCHLD as usize, 0, 0, 0) })?;
    Ok(Pid::from_raw(pid as i32))
}

/// execve(2). Returns only on failure.
///
/// # Safety
/// `path` is NUL-terminated; `argv` and `envp` are NULL-terminated arrays of NUL-terminated strings.
pub unsafe fn execve(path: *const u8, argv: *const *const u8, envp: *const *const u8) -> Errno {
    // SAFETY: the caller vouches for the three pointers; execve reads nothing else.
    let ret = unsafe { syscall4(__NR_execve, path as usize, argv as usize, envp as usize, 0) };
    result(ret).err().unwrap_or(Errno::NOEXEC)
}

/// rt_sigprocmask(2) with SIG_SETMASK: installs `mask`, returns the mask it replaced. It cannot fail:
/// its only errors are for a bad `how`, a bad pointer or a bad set size, and none of them is possible here.
pub fn set_signal_mask(mask: &SigSet) -> SigSet {
    let mut old = SigSet::EMPTY;
    // SAFETY: both pointers are to live 8-byte sets, matching the size argument.
    unsafe {
        syscall4(
            __NR_rt_sigprocmask,
            SIG_SETMASK as usize,
            mask as *const SigSet as usize,
            &mut old as *mut SigSet as usize,
            SIGSET_SIZE,
        )
    };
    old
}

/// A signal's disposition, as rt_sigaction(2) reads and writes it.
#[derive(Clone, Copy)]
pub struct Disposition(kernel_sigaction);

impl Disposition {
    // SAFETY: all zeros is a valid kernel_sigaction: no handler (SIG_DFL), no flags, an empty mask.
    pub const DEFAULT: Disposition = Disposition(unsafe { core::mem::zeroed() });

    pub fn is_default(&self) -> bool {
        self.0.sa_handler_kernel.is_none()
    }
}

/// rt_sigaction(2): gives `sig` the disposition `new`, returns the one it had. It cannot fail: its only
/// errors are for a signal that cannot be caught, a bad pointer or a bad set size.
pub fn set_disposition(sig: u32, new: &Disposition) -> Disposition {
    let mut old = Disposition::DEFAULT;
    // SAFETY: both pointers are to live kernel_sigaction structs, this architecture's layout, whose mask
    // is the 8 bytes the size argument says.
    unsafe {
        syscall4(
            __NR_rt_sigaction,
            sig as usize,
            &new.0 as *const kernel_sigaction as usize,
            &mut old.0 as *mut kernel_sigaction as usize,
            SIGSET_SIZE,
        )
    };
    old
}

/// rt_sigtimedwait(2) without siginfo: waits until a signal in `set` is pending and dequeues it, or
/// fails with EAGAIN once `timeout` (if any) has passed. The signals in `set` must be blocked.
pub fn wait_signal(set: &SigSet, timeout: Option<Duration>) -> Result<u32, Errno> {
    let timespec = timeout.map(|t| __kernel_timespec { tv_sec: t.as_secs() as i64, tv_nsec: t.subsec_nanos().into() });
    let timespec = timespec.as_ref().map_or(0, |t| t as *const __kernel_timespec as usize);
    // SAFETY: `set` is a live 8-byte set; the timeout is NULL or a live timespec; siginfo may be NULL.
    let ret = unsafe { syscall4(__NR_rt_sigtimedwait, set as *const SigSet as usize, 0, timespec, SIGSET_SIZE) };
    result(ret).map(|sig| sig as u32)
}

/// clock_gettime(2) on CLOCK_MONOTONIC.
pub fn monotonic() -> Duration {
    let mut now = __kernel_timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a live timespec for the kernel to fill. CLOCK_MONOTONIC cannot fail.
    unsafe {
        syscall4(__NR_clock_gettime, CLOCK_MONOTONIC as usize, &mut now as *mut __kernel_timespec as usize, 0, 0)
    };
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// exit_group(2).
pub fn exit_group(code: i32) -> ! {
    // SAFETY: exit_group takes one integer and never returns.
    unsafe {
        #[cfg(target_arch = "x86_64")]
        asm!("syscall", in("rax") __NR_exit_group as usize, in("rdi") code as isize, options(noreturn, nostack));
        #[cfg(target_arch = "aarch64")]
        asm!("svc 0", in("x8") __NR_exit_group as usize, in("x0") code as isize, options(noreturn, nostack));
    }
}
