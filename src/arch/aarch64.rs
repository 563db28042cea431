//! aarch64 (Docker's linux/arm64), AAPCS64.
//!
//! - Entry: the stack pointer points at argc and is 16-byte aligned, as the ABI requires throughout.
//! - System calls: `svc 0`; number in x8, arguments in x0..x3; the result in x0, a negated errno on failure.
//! - clone(flags, stack, parent_tid, tls, child_tid). 64-bit time_t.

use core::arch::asm;

/// clone(2)'s first two arguments for a plain fork: the flags (SIGCHLD, the exit signal), then no stack.
pub const CLONE_FORK_ARGS: [usize; 2] = [linux_raw_sys::general::SIGCHLD as usize, 0];

/// One system call with up to four arguments; the raw result, a negated errno on failure.
///
/// # Safety
/// The arguments are what system call `nr` expects: every pointer among them valid for what the kernel
/// reads or writes through it, for the duration of the call.
pub unsafe fn syscall4(nr: u32, a: usize, b: usize, c: usize, d: usize) -> isize {
    let ret: isize;
    // SAFETY: this architecture's convention (above); the caller vouches for the arguments.
    unsafe {
        asm!("svc 0", in("x8") nr as usize, inlateout("x0") a => ret, in("x1") b, in("x2") c, in("x3") d,
             options(nostack));
    }
    ret
}

/// `_start`'s instructions, which `start.rs` makes the process entry: they hand the kernel's initial stack to
/// `{entry}`, an `extern "C" fn(*mut usize) -> !`.
#[macro_export]
macro_rules! start_instructions {
    () => {
        concat!(
            "mov x29, #0\n", // the outermost frame, for debuggers
            "mov x30, #0\n",
            "mov x0, sp\n", // argc, argv..., NULL, envp..., NULL
            "bl {entry}\n",
            "brk #0\n",
        )
    };
}
