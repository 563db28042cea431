//! aarch64 (Docker's linux/arm64), AAPCS64.
//!
//! - Entry: the stack pointer points at argc and is 16-byte aligned, as the ABI requires throughout.
//! - System calls: `svc 0`; number in x8, arguments in x0..x3; the result in x0, a negated errno on failure.
//! - clone(flags, stack, parent_tid, tls, child_tid). 64-bit time_t.

pub use super::generic_signals::*;
pub use super::time64::*;
use core::arch::asm;

/// Flags (SIGCHLD, the exit signal), then no stack.
pub const CLONE_FORK_ARGS: [usize; 2] = [linux_raw_sys::general::SIGCHLD as usize, 0];

/// The initial stack pointer's alignment, as the ABI promises it (checked at entry in debug builds).
pub const ENTRY_STACK_ALIGN: usize = 16;

/// # Safety
/// The arguments are what system call `nr` expects, every pointer valid for the call's duration.
pub unsafe fn syscall4(nr: u32, a: usize, b: usize, c: usize, d: usize) -> isize {
    let ret: isize;
    // SAFETY: this architecture's convention (above); the caller vouches for the arguments.
    unsafe {
        asm!("svc 0", in("x8") nr as usize, inlateout("x0") a => ret, in("x1") b, in("x2") c, in("x3") d,
             options(nostack));
    }
    ret
}

/// `_start`'s instructions (`start.rs`).
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
