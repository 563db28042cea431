//! s390x (Docker's linux/s390x), the z/Architecture ELF ABI. Big-endian: the signal set and every other
//! value that crosses the system-call boundary is a native 64-bit word, so nothing is swapped by hand.
//!
//! - Entry: r15 (the stack pointer) points at argc. A caller leaves its callee a 160-byte register save
//!   area, whose first word, the back chain, is NULL for the outermost frame.
//! - System calls: `svc 0`; number in r1, arguments in r2..r5; the result in r2, a negated errno on failure.
//! - clone(stack, flags, parent_tid, child_tid, tls): the stack comes first here. 64-bit time_t.

pub use super::generic_signals::*;
pub use super::time64::*;
use core::arch::asm;

/// No stack, then the flags (SIGCHLD, the exit signal): s390x's order.
pub const CLONE_FORK_ARGS: [usize; 2] = [0, linux_raw_sys::general::SIGCHLD as usize];

/// The initial stack pointer's alignment, as the ABI promises it (checked at entry in debug builds).
pub const ENTRY_STACK_ALIGN: usize = 8;

/// # Safety
/// The arguments are what system call `nr` expects, every pointer valid for the call's duration.
pub unsafe fn syscall4(nr: u32, a: usize, b: usize, c: usize, d: usize) -> isize {
    let ret: isize;
    // SAFETY: this architecture's convention (above); the caller vouches for the arguments.
    unsafe {
        asm!("svc 0", in("r1") nr as usize, inlateout("r2") a => ret, in("r3") b, in("r4") c, in("r5") d,
             options(nostack));
    }
    ret
}

/// `_start`'s instructions (`start.rs`).
#[macro_export]
macro_rules! start_instructions {
    () => {
        concat!(
            "lgr %r2, %r15\n", // argc, argv..., NULL, envp..., NULL
            "aghi %r15, -160\n",
            "xc 0(8,%r15), 0(%r15)\n",
            "brasl %r14, {entry}\n",
            "j .\n",
        )
    };
}
