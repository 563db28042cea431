//! Every fact that differs between the architectures pidone ships for, in one fenced place: outside this
//! directory no code asks which architecture it is built for (the test command checks). Each file states
//! its architecture's facts, taking the ones most architectures share from the files beside it:
//!
//! - `CLONE_FORK_ARGS`: clone(2)'s first two arguments for a plain fork (their order differs);
//! - `syscall4`: one system call with up to four arguments, whose result is raw but for errors, which come
//!   back as negated errnos everywhere;
//! - `start_instructions!`: the body of `_start`, which hands the kernel's initial stack to `{entry}`, and
//!   `ENTRY_STACK_ALIGN`, the alignment the ABI promises for that stack (checked in debug builds);
//! - the signals: `SIGNAL_NAMES`, `SIGNAL_MAX`, `SigSetWords` with `sig_set_words`, `kernel_sigaction`, and
//!   `SIGNAL_OF_ITS_OWN` (for the check of the names): the kernel's generic ones (`generic_signals.rs`)
//!   everywhere but on MIPS;
//! - the time system calls, `TimeCall`, its three calls and `timed`: one call each where time_t has 64 bits
//!   (`time64.rs`), a time64 call and a classic one where it has 32 (`time32.rs`).
//!
//! A port is one more file here, its two lines below, and its row in xtask's `targets.rs`.

#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
pub use x86_64::*;

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "aarch64")]
pub use aarch64::*;

#[cfg(target_arch = "arm")]
mod arm;
#[cfg(target_arch = "arm")]
pub use arm::*;

#[cfg(target_arch = "x86")]
mod x86;
#[cfg(target_arch = "x86")]
pub use x86::*;

#[cfg(target_arch = "riscv64")]
mod riscv64;
#[cfg(target_arch = "riscv64")]
pub use riscv64::*;

#[cfg(target_arch = "powerpc64")]
mod powerpc64;
#[cfg(target_arch = "powerpc64")]
pub use powerpc64::*;

#[cfg(target_arch = "s390x")]
mod s390x;
#[cfg(target_arch = "s390x")]
pub use s390x::*;

#[cfg(target_arch = "mips64")]
mod mips64;
#[cfg(target_arch = "mips64")]
pub use mips64::*;

// What most architectures share, compiled where one of them takes it.
#[cfg(not(target_arch = "mips64"))]
mod generic_signals;
#[cfg(target_pointer_width = "32")]
mod time32;
#[cfg(target_pointer_width = "64")]
mod time64;
