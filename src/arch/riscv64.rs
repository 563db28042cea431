//! riscv64 (Docker's linux/riscv64), the LP64D ABI.
//!
//! - Entry: the stack pointer points at argc; the ABI wants it 16-byte aligned. The global pointer (gp)
//!   is left unset: rust-lld does not relax accesses to gp-relative ones unless asked to.
//! - System calls: `ecall`; number in a7, arguments in a0..a3; the result in a0, a negated errno on
//!   failure.
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
        asm!("ecall", in("a7") nr as usize, inlateout("a0") a => ret, in("a1") b, in("a2") c, in("a3") d,
             options(nostack));
    }
    ret
}

/// `_start`'s instructions (`start.rs`).
#[macro_export]
macro_rules! start_instructions {
    () => {
        concat!(
            "mv fp, zero\n", // the outermost frame, for debuggers
            "mv ra, zero\n",
            "mv a0, sp\n", // argc, argv..., NULL, envp..., NULL
            "andi sp, sp, -16\n",
            "call {entry}\n",
            "unimp\n",
        )
    };
}
