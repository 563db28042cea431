//! The kernel's generic signals, which every architecture but MIPS has: 1..=31 the classic signals in the
//! generic order, 32..=64 real-time ones (_NSIG 64), a one-word set, and the generic `kernel_sigaction`.

pub use linux_raw_sys::general::kernel_sigaction;

/// The names of 1..=31 without the SIG prefix, as `kill -l` prints them, in number order. (One string
/// rather than a table of slices: the slices' pointers would outweigh the text.)
pub const SIGNAL_NAMES: &[u8] = b"HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD \
    CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS";

/// The one name in `SIGNAL_NAMES` that not every architecture has.
pub const SIGNAL_OF_ITS_OWN: (u32, &[u8]) = (linux_raw_sys::general::SIGSTKFLT, b"STKFLT");

/// The highest signal number: the kernel's _NSIG.
pub const SIGNAL_MAX: u32 = 64;

/// The kernel's sigset_t: one 64-bit word, bit n-1 for signal n. (On the 32-bit architectures, all
/// little-endian, the kernel's two 32-bit words are the same bytes.)
pub type SigSetWords = u64;

/// The set whose first word is `first`: there is no second.
pub const fn sig_set_words(first: u64, _second: u64) -> SigSetWords {
    first
}
