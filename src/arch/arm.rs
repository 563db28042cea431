//! 32-bit ARM (Docker's linux/arm/v7, built as Thumb-2, and linux/arm/v6, built as ARMv5TE code), EABI.
//!
//! - Entry: the stack pointer points at argc; AAPCS wants it 8-byte aligned at calls (16 here, to be safe).
//!   The same instructions assemble as ARM and as Thumb-2 code.
//! - System calls: `svc 0`; number in r7, arguments in r0..r3; the result in r0, a negated errno on
//!   failure. In Thumb mode r7 is the frame pointer, which `asm!` may not name: the number goes through
//!   another register and r7 is put back.
//! - clone(flags, stack, parent_tid, tls, child_tid). 32-bit time_t: the time64 calls exist since Linux
//!   5.1.

pub use super::generic_signals::*;
pub use super::time32::*;
use core::arch::asm;

/// Flags (SIGCHLD, the exit signal), then no stack.
pub const CLONE_FORK_ARGS: [usize; 2] = [linux_raw_sys::general::SIGCHLD as usize, 0];

/// The initial stack pointer's alignment, as the ABI promises it (checked at entry in debug builds).
pub const ENTRY_STACK_ALIGN: usize = 8;

/// # Safety
/// The arguments are what system call `nr` expects, every pointer valid for the call's duration.
pub unsafe fn syscall4(nr: u32, a: usize, b: usize, c: usize, d: usize) -> isize {
    let ret: isize;
    // SAFETY: this architecture's convention (above); r7 leaves as it came. The caller vouches for the
    // arguments.
    unsafe {
        asm!("mov {saved}, r7", "mov r7, {nr}", "svc 0", "mov r7, {saved}",
             nr = in(reg) nr, saved = out(reg) _,
             inlateout("r0") a => ret, in("r1") b, in("r2") c, in("r3") d, options(nostack));
    }
    ret
}

/// `_start`'s instructions (`start.rs`).
#[macro_export]
macro_rules! start_instructions {
    () => {
        concat!(
            "mov lr, #0\n", // the outermost frame, for debuggers
            "mov r0, sp\n", // argc, argv..., NULL, envp..., NULL
            "bic r1, r0, #15\n",
            "mov sp, r1\n",
            "bl {entry}\n",
        )
    };
}
