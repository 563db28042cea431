//! x86_64 (Docker's linux/amd64), the System V AMD64 ABI.
//!
//! - Entry: the stack pointer points at argc; a `call` needs it 16-byte aligned.
//! - System calls: `syscall`; number in rax, arguments in rdi, rsi, rdx, r10; the result in rax, a negated
//!   errno (-4095..=-1) on failure; rcx and r11 are clobbered.
//! - clone(flags, stack, parent_tid, child_tid, tls). 64-bit time_t: no time64 calls needed.

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
        asm!("syscall", inlateout("rax") nr as isize => ret, in("rdi") a, in("rsi") b, in("rdx") c, in("r10") d,
             lateout("rcx") _, lateout("r11") _, options(nostack));
    }
    ret
}

/// `_start`'s instructions (`start.rs`).
#[macro_export]
macro_rules! start_instructions {
    () => {
        concat!(
            "xor ebp, ebp\n", // the outermost frame, for debuggers
            "mov rdi, rsp\n", // argc, argv..., NULL, envp..., NULL
            "and rsp, -16\n",
            "call {entry}\n",
            "ud2\n",
        )
    };
}
