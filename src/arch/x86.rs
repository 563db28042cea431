//! i386 (Docker's linux/386), the System V i386 ABI as Linux has it.
//!
//! - Entry: the stack pointer points at argc; a `call` needs it 16-byte aligned, arguments on the stack.
//! - System calls: `int 0x80` (no vDSO: pidone never reads the auxiliary vector); number in eax, arguments
//!   in ebx, ecx, edx, esi; the result in eax, a negated errno on failure. LLVM keeps esi for itself, so
//!   the fourth argument is swapped into it for the call and back.
//! - clone(flags, stack, parent_tid, tls, child_tid). 32-bit time_t: the time64 calls exist since Linux
//!   5.1.

pub use super::generic_signals::*;
pub use super::time32::*;
use core::arch::asm;

/// Flags (SIGCHLD, the exit signal), then no stack.
pub const CLONE_FORK_ARGS: [usize; 2] = [linux_raw_sys::general::SIGCHLD as usize, 0];

/// The initial stack pointer's alignment, as the ABI promises it (checked at entry in debug builds).
pub const ENTRY_STACK_ALIGN: usize = 16;

/// # Safety
/// The arguments are what system call `nr` expects, every pointer valid for the call's duration.
pub unsafe fn syscall4(nr: u32, a: usize, b: usize, c: usize, d: usize) -> isize {
    let ret: isize;
    // SAFETY: this architecture's convention (above); esi leaves as it came. The caller vouches for the
    // arguments.
    unsafe {
        asm!("xchg esi, {d}", "int 0x80", "xchg esi, {d}", d = in(reg) d,
             inlateout("eax") nr as isize => ret, in("ebx") a, in("ecx") b, in("edx") c, options(nostack));
    }
    ret
}

/// `_start`'s instructions (`start.rs`).
#[macro_export]
macro_rules! start_instructions {
    () => {
        concat!(
            "xor ebp, ebp\n", // the outermost frame, for debuggers
            "mov eax, esp\n", // argc, argv..., NULL, envp..., NULL
            "and esp, -16\n",
            "sub esp, 12\n", // with the argument pushed, 16-byte aligned at the call
            "push eax\n",
            "call {entry}\n",
            "ud2\n",
        )
    };
}
