//! mips64el (Docker's linux/mips64le), the n64 ABI. A tier-3 target: the pinned nightly builds `core`, and
//! `asm!` here needs `asm_experimental_arch` (lib.rs and main.rs enable it for this architecture only).
//!
//! - Entry: the stack pointer ($sp, $29) points at argc; n64 wants it 16-byte aligned and has no argument
//!   save area to reserve (o32 does). $gp is left unset: the code is non-PIC (relocation-model=static turns
//!   off abicalls for n64) and LLVM makes no gp-relative accesses unless asked to (-mgpopt).
//! - System calls: `syscall`; number in $v0 ($2), arguments in $a0..$a3 ($4..$7); the result in $v0.
//!   Failure is not a negative result: the kernel sets $a3 ($7) to 1 and leaves the positive errno in
//!   $v0, which is negated here so that callers see the usual convention. The kernel's return path
//!   (RESTORE_SOME) reloads only $2..$9, $25, $28, $31 and leaves $1 (at), $10..$15, $24, hi and lo
//!   with whatever the kernel put there ($3 is reloaded, but pipe-like calls return in it).
//! - $1: Rust refuses it as an operand ("reserved for the assembler"), and rustc, unlike clang, does not
//!   add `~{$1}` to a mips asm block's clobbers, yet LLVM allocates $1 like any temporary and keeps values
//!   in it across asm blocks. So the template keeps it in `{at}` and puts it back: every register the
//!   kernel does not preserve is an operand already, so LLVM picks one it does ($16..$23, $30, $31), or
//!   $1 itself, which then counts as written by the block (the moves do nothing): right either way.
//!   rustix's own blocks get the same two moves (xtask/src/rustix_mips.rs). qemu-user leaves $1 alone in
//!   a system call: only real hardware shows the difference. hi and lo cannot be named either; the
//!   disassembly shows no product or quotient kept in them across a system call.
//! - clone(flags, stack, parent_tid, tls, child_tid): the kernel's CONFIG_CLONE_BACKWARDS. 64-bit time_t.
//! - Its own numbering: signals (SIGCHLD is 18, _NSIG 128: a 16-byte sigset_t), errnos (ENOSYS 89), system
//!   calls (5000 + n), and rt_sigaction's struct (flags first); signals.rs and sys.rs follow it, and the
//!   errno texts are packed from linux-raw-sys's numbers.

use core::arch::asm;

/// Flags (SIGCHLD, the exit signal), then no stack.
pub const CLONE_FORK_ARGS: [usize; 2] = [linux_raw_sys::general::SIGCHLD as usize, 0];

/// # Safety
/// The arguments are what system call `nr` expects, every pointer valid for the call's duration.
pub unsafe fn syscall4(nr: u32, a: usize, b: usize, c: usize, d: usize) -> isize {
    let ret: isize;
    let failed: usize;
    // SAFETY: this architecture's convention (above); the caller vouches for the arguments.
    unsafe {
        asm!(".set noat", "move {at}, $1", "syscall", "move $1, {at}", ".set at",
             at = out(reg) _, // a register the kernel preserves, or $1 itself (above)
             inlateout("$2") nr as usize => ret, in("$4") a, in("$5") b, in("$6") c, inlateout("$7") d => failed,
             lateout("$3") _, lateout("$8") _, lateout("$9") _, lateout("$10") _, lateout("$11") _,
             lateout("$12") _, lateout("$13") _, lateout("$14") _, lateout("$15") _, lateout("$24") _,
             lateout("$25") _, options(nostack));
    }
    if failed != 0 { ret.wrapping_neg() } else { ret }
}

/// `_start`'s instructions (`start.rs`). The assembler runs in reorder mode: it fills the call's delay
/// slot itself.
#[macro_export]
macro_rules! start_instructions {
    () => {
        concat!(
            "move $fp, $zero\n", // the outermost frame, for debuggers
            "move $ra, $zero\n",
            // $gp: the small data's base (`_gp`, which the linker defines), for gp-relative accesses.
            "lui $gp, %highest(_gp)\n",
            "daddiu $gp, $gp, %higher(_gp)\n",
            "dsll $gp, $gp, 16\n",
            "daddiu $gp, $gp, %hi(_gp)\n",
            "dsll $gp, $gp, 16\n",
            "daddiu $gp, $gp, %lo(_gp)\n",
            "move $a0, $sp\n", // argc, argv..., NULL, envp..., NULL
            "daddiu $t0, $zero, -16\n",
            "and $sp, $sp, $t0\n",
            "jal {entry}\n",
            "break\n",
        )
    };
}
