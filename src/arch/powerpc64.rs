//! ppc64le (Docker's linux/ppc64le), the ELFv2 ABI.
//!
//! - Entry: r1 (the stack pointer) points at argc; r12 holds the entry address, from which the TOC
//!   pointer (r2, for the code's constants) is computed as every ELFv2 global entry point does. The first
//!   frame is 32 bytes with a NULL back chain, the stack 16-byte aligned.
//! - System calls: `sc`; number in r0, arguments in r3..r6; the result in r3. Failure is not a negative
//!   result: the kernel sets the summary-overflow bit of cr0 and leaves the positive errno in r3, which is
//!   negated here so that callers see the usual convention. r0, r4..r12, cr0, ctr and xer are clobbered.
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
        asm!("sc", "bns 0f", "neg 3, 3", "0:",
             inlateout("r0") nr as usize => _, inlateout("r3") a => ret, inlateout("r4") b => _,
             inlateout("r5") c => _, inlateout("r6") d => _, lateout("r7") _, lateout("r8") _, lateout("r9") _,
             lateout("r10") _, lateout("r11") _, lateout("r12") _, lateout("cr0") _, lateout("ctr") _,
             lateout("xer") _, options(nostack));
    }
    ret
}

/// `_start`'s instructions (`start.rs`).
#[macro_export]
macro_rules! start_instructions {
    () => {
        concat!(
            "addis 2, 12, .TOC.-_start@ha\n",
            "addi 2, 2, .TOC.-_start@l\n",
            "mr 3, 1\n", // argc, argv..., NULL, envp..., NULL
            "clrrdi 1, 1, 4\n",
            "li 0, 0\n",
            "stdu 0, -32(1)\n", // the first frame, its back chain NULL: the outermost frame, for debuggers
            "mtlr 0\n",
            "bl {entry}\n",
            "trap\n",
        )
    };
}
