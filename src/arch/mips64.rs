//! mips64el (Docker's linux/mips64le), the n64 ABI. A tier-3 target: the pinned nightly builds `core`, and
//! `asm!` here needs `asm_experimental_arch` (build.rs sets `experimental_asm`, which enables it).
//!
//! - Entry: the stack pointer ($sp, $29) points at argc; n64 wants it 16-byte aligned and has no argument
//!   save area to reserve (o32 does). The code is non-PIC (relocation-model=static turns off abicalls for
//!   n64), but pidone's crate is built with -mgpopt (xtask's targets.rs): its small data is reached
//!   through $gp, which `_start` points at the linker's `_gp` (build.rs puts the small data in reach).
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
//! - Its own numbering: signals (below), errnos (ENOSYS 89; the errno texts are packed from linux-raw-sys's
//!   numbers), system calls (5000 + n), and rt_sigaction's struct (below).

pub use super::time64::*;
use core::arch::asm;
use linux_raw_sys::general::{__kernel_sighandler_t, kernel_sigset_t};

/// Flags (SIGCHLD, the exit signal), then no stack.
pub const CLONE_FORK_ARGS: [usize; 2] = [linux_raw_sys::general::SIGCHLD as usize, 0];

/// The initial stack pointer's alignment, as the ABI promises it (checked at entry in debug builds).
pub const ENTRY_STACK_ALIGN: usize = 16;

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

/// The classic signals in MIPS's own order (SIGUSR1 is 16, SIGCHLD 18, SIGPWR 19; a SIGEMT, no SIGSTKFLT),
/// without the SIG prefix, as `kill -l` prints them.
pub const SIGNAL_NAMES: &[u8] = b"HUP INT QUIT ILL TRAP ABRT EMT FPE KILL BUS SEGV SYS PIPE ALRM TERM USR1 USR2 CHLD \
    PWR WINCH URG IO STOP TSTP CONT TTIN TTOU VTALRM PROF XCPU XFSZ";

/// The one name in `SIGNAL_NAMES` that not every architecture has.
pub const SIGNAL_OF_ITS_OWN: (u32, &[u8]) = (linux_raw_sys::general::SIGEMT, b"EMT");

/// The highest signal number: glibc's SIGRTMAX, 127, not the kernel's 128 (_NSIG), which a wait status
/// cannot tell apart from an exit (128 & 0x7f is 0), nor 128+N an exit code.
pub const SIGNAL_MAX: u32 = 127;

/// The kernel's sigset_t: 128 bits, two 64-bit words, word (n-1)/64 holding signal n.
pub type SigSetWords = [u64; 2];

pub const fn sig_set_words(first: u64, second: u64) -> SigSetWords {
    [first, second]
}

/// rt_sigaction's struct as MIPS's kernel has it: a 32-bit sa_flags first, then the handler and the mask,
/// no sa_restorer. linux-raw-sys 0.12's MIPS `kernel_sigaction` has the generic order (handler first, a
/// 64-bit sa_flags after it): with it, SIG_IGN would go to the kernel as SIG_DFL with flags.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kernel_sigaction {
    pub sa_flags: u32,
    pub sa_handler_kernel: __kernel_sighandler_t,
    pub sa_mask: kernel_sigset_t,
}
const _: () = assert!(
    core::mem::size_of::<kernel_sigaction>() == 32 && core::mem::offset_of!(kernel_sigaction, sa_handler_kernel) == 8
);
