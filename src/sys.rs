//! The system calls pidone makes itself, each through `arch::syscall4`: those rustix keeps only in its
//! hidden `runtime` module (whose name it rotates on purpose): fork (as clone), execve, rt_sigprocmask,
//! rt_sigaction, rt_sigtimedwait and exit_group; close_range, which rustix does not have; clock_gettime,
//! whose rustix version brings a vDSO loader several times the size of all of pidone's own code for a call
//! made only while `--grace` runs; and openat, lseek, ppoll, socket, connect, read, write and writev,
//! smaller here than rustix's. The three that take a time go through `arch::timed`, which picks the
//! architecture's version. Everything else goes through rustix's stable API.

use crate::arch::{self, kernel_sigaction, syscall4, timed};
use crate::signals::SigSet;
use core::ffi::CStr;
use core::mem::size_of;
use core::net::IpAddr;
use core::time::Duration;
use linux_raw_sys::general::{
    __NR_clone, __NR_close_range, __NR_connect, __NR_execve, __NR_exit_group, __NR_lseek, __NR_openat, __NR_read,
    __NR_rt_sigaction, __NR_rt_sigprocmask, __NR_socket, __NR_write, __NR_writev, __kernel_sighandler_t,
    __kernel_timespec, AT_FDCWD, CLOCK_MONOTONIC, O_CLOEXEC, O_NONBLOCK, SEEK_CUR, SIG_SETMASK, iovec, pollfd,
};
use linux_raw_sys::net::{
    AF_INET, AF_INET6, SOCK_STREAM, in_addr, in6_addr, in6_addr__bindgen_ty_1, sockaddr_in, sockaddr_in6,
};
use rustix::fd::RawFd;
use rustix::io::Errno;
use rustix::process::Pid;

/// The kernel's sigset_t size in bytes, which rt_sig* calls take as their last argument (any other is
/// EINVAL): 8, or 16 on MIPS. `SigSet` is the kernel's own (signals.rs).
const SIGSET_SIZE: usize = core::mem::size_of::<SigSet>();

/// Raw return values in -4095..=-1 are negated errnos (the kernel's own convention, which each
/// architecture's `syscall4` delivers).
fn result(ret: isize) -> Result<usize, Errno> {
    if (-4095..0).contains(&ret) { Err(Errno::from_raw_os_error(-ret as i32)) } else { Ok(ret as usize) }
}

/// fork(2), as `clone(SIGCHLD)`: `None` in the child, the child's pid in the parent.
///
/// # Safety
/// The child is a copy of a single-threaded process with no libc state, so any code may run in it; the
/// caller must make sure the child ends in execve or exit_group and never returns into the parent's flow.
pub unsafe fn fork() -> Result<Option<Pid>, Errno> {
    let [a, b] = arch::CLONE_FORK_ARGS;
    // SAFETY: no CLONE_VM, no stack, no tid or tls pointers: the kernel copies the process.
    let pid = result(unsafe { syscall4(__NR_clone, a, b, 0, 0) })?;
    Ok(Pid::from_raw(pid as i32))
}

/// execve(2). Returns only on failure.
///
/// # Safety
/// `path` is NUL-terminated; `argv` and `envp` are NULL-terminated arrays of NUL-terminated strings.
pub unsafe fn execve(path: *const u8, argv: *const *const u8, envp: *const *const u8) -> Errno {
    // SAFETY: the caller vouches for the three pointers; execve reads nothing else.
    let ret = unsafe { syscall4(__NR_execve, path as usize, argv as usize, envp as usize, 0) };
    result(ret).err().unwrap_or(Errno::NOEXEC)
}

/// rt_sigprocmask(2) with SIG_SETMASK: installs `mask`, returns the mask it replaced. It cannot fail:
/// its only errors are for a bad `how`, a bad pointer or a bad set size, and none of them is possible here.
pub fn set_signal_mask(mask: &SigSet) -> SigSet {
    let mut old = SigSet::EMPTY;
    // SAFETY: both pointers are to live sets of the size the size argument says.
    unsafe {
        syscall4(
            __NR_rt_sigprocmask,
            SIG_SETMASK as usize,
            mask as *const SigSet as usize,
            &mut old as *mut SigSet as usize,
            SIGSET_SIZE,
        )
    };
    old
}

/// close_range(2) on every descriptor from 3 up, but `keep`. Errors are ignored: a kernel older than 5.9
/// answers ENOSYS (a seccomp profile older than it, EPERM), and pidone then keeps them, as every init
/// before 5.9 did.
pub fn close_inherited(keep: Option<u32>) {
    let close = |first: u32, last: u32| {
        // SAFETY: close_range takes plain integers.
        unsafe { syscall4(__NR_close_range, first as usize, last as usize, 0, 0) };
    };
    match keep {
        Some(fd) => {
            if fd > 3 {
                close(3, fd - 1);
            }
            close(fd + 1, u32::MAX);
        }
        None => close(3, u32::MAX),
    }
}

/// A descriptor pidone opened, closed when dropped. (rustix's OwnedFd checks that the number is not -1
/// each time it lends it out, a check the compiler cannot always drop, and whose panic message would then
/// stay in the binary: the calls here take the number itself.)
pub struct Fd(RawFd);

impl Fd {
    /// A descriptor the kernel just returned (`ret` of a call that succeeded).
    fn new(ret: usize) -> Fd {
        Fd(ret as RawFd)
    }

    pub fn raw(&self) -> RawFd {
        self.0
    }

    /// Kept open for as long as pidone runs.
    pub fn keep(self) -> RawFd {
        let fd = self.0;
        core::mem::forget(self);
        fd
    }
}

impl Drop for Fd {
    fn drop(&mut self) {
        // SAFETY: the descriptor is this value's alone; nothing uses it after this.
        unsafe { rustix::io::close(self.0) };
    }
}

/// openat(2) relative to the working directory. (rustix's open takes any kind of path, which costs it
/// 200 bytes more.)
pub fn open(path: &CStr, flags: u32) -> Result<Fd, Errno> {
    // SAFETY: `path` is NUL-terminated; openat reads nothing else.
    result(unsafe { syscall4(__NR_openat, AT_FDCWD as usize, path.as_ptr() as usize, flags as usize, 0) }).map(Fd::new)
}

/// socket(2): a non-blocking, close-on-exec TCP socket of `family` (AF_INET or AF_INET6).
pub fn tcp_socket(family: u32) -> Result<Fd, Errno> {
    // SOCK_NONBLOCK and SOCK_CLOEXEC are O_NONBLOCK and O_CLOEXEC on every architecture.
    let kind = SOCK_STREAM | O_NONBLOCK | O_CLOEXEC;
    // SAFETY: socket takes plain integers.
    result(unsafe { syscall4(__NR_socket, family as usize, kind as usize, 0, 0) }).map(Fd::new)
}

/// connect(2) to `ip`:`port`. (rustix's keeps a length check whose panic message would stay in the
/// binary on some architectures.)
pub fn connect(fd: RawFd, ip: IpAddr, port: u16) -> Result<(), Errno> {
    let port = port.to_be();
    let (v4, v6);
    let (address, len) = match ip {
        IpAddr::V4(ip) => {
            let s_addr = u32::from_ne_bytes(ip.octets());
            v4 = sockaddr_in { sin_family: AF_INET as _, sin_port: port, sin_addr: in_addr { s_addr }, __pad: [0; 8] };
            (&v4 as *const sockaddr_in as usize, size_of::<sockaddr_in>())
        }
        IpAddr::V6(ip) => {
            let sin6_addr = in6_addr { in6_u: in6_addr__bindgen_ty_1 { u6_addr8: ip.octets() } };
            v6 = sockaddr_in6 {
                sin6_family: AF_INET6 as _,
                sin6_port: port,
                sin6_flowinfo: 0,
                sin6_addr,
                sin6_scope_id: 0,
            };
            (&v6 as *const sockaddr_in6 as usize, size_of::<sockaddr_in6>())
        }
    };
    // SAFETY: `address` points to a live socket address of `len` bytes, its family's layout.
    result(unsafe { syscall4(__NR_connect, fd as usize, address, len, 0) }).map(drop)
}

/// read(2) into `buf`.
pub fn read(fd: RawFd, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`, which is live and writable.
    result(unsafe { syscall4(__NR_read, fd as usize, buf.as_mut_ptr() as usize, buf.len(), 0) })
}

/// writev(2) of `parts`, in order, in one call; how many bytes went out.
pub fn write_parts<const N: usize>(fd: RawFd, parts: [&[u8]; N]) -> Result<usize, Errno> {
    let iov = parts.map(|part| iovec { iov_base: part.as_ptr() as *mut _, iov_len: part.len() as _ });
    // SAFETY: `iov` is N live iovecs, each for a live slice the kernel only reads.
    result(unsafe { syscall4(__NR_writev, fd as usize, iov.as_ptr() as usize, N, 0) })
}

/// write(2) of `bytes`.
pub fn write(fd: RawFd, bytes: &[u8]) -> Result<usize, Errno> {
    // SAFETY: the kernel reads at most `bytes.len()` bytes from `bytes`, which is live.
    result(unsafe { syscall4(__NR_write, fd as usize, bytes.as_ptr() as usize, bytes.len(), 0) })
}

/// Whether `fd` is a stream (a pipe, FIFO, socket or terminal), which lseek(2) answers with ESPIPE, and
/// not a file a write never waits on.
pub fn is_stream(fd: RawFd) -> bool {
    // SAFETY: lseek takes plain integers; a position of 0 from the current one moves nothing.
    let ret = unsafe { syscall4(__NR_lseek, fd as usize, 0, SEEK_CUR as usize, 0) };
    ret == -(Errno::SPIPE.raw_os_error() as isize)
}

/// A signal's disposition, as rt_sigaction(2) reads and writes it.
#[derive(Clone, Copy)]
pub struct Disposition(kernel_sigaction);

impl Disposition {
    // SAFETY: all zeros is a valid kernel_sigaction: no handler (SIG_DFL), no flags, an empty mask.
    pub const DEFAULT: Disposition = Disposition(unsafe { core::mem::zeroed() });
    /// SIG_IGN: the handler field holds 1, which the kernel reads as "ignore". (Made at run time: the
    /// compiler's constant evaluation accepts no function pointer that points at no function.)
    pub fn ignore() -> Disposition {
        let mut ignore = Disposition::DEFAULT;
        // SAFETY: not being null is a function pointer's only requirement as a value; pidone never calls
        // this one, the kernel compares it with SIG_IGN.
        ignore.0.sa_handler_kernel = unsafe { core::mem::transmute::<usize, __kernel_sighandler_t>(1) };
        ignore
    }

    pub fn is_default(&self) -> bool {
        self.0.sa_handler_kernel.is_none()
    }
}

/// rt_sigaction(2): gives `sig` the disposition `new`, returns the one it had. It cannot fail: its only
/// errors are for a signal that cannot be caught, a bad pointer or a bad set size.
pub fn set_disposition(sig: u32, new: &Disposition) -> Disposition {
    let mut old = Disposition::DEFAULT;
    // SAFETY: both pointers are to live kernel_sigaction structs, this architecture's layout, whose mask
    // is the size the size argument says.
    unsafe {
        syscall4(
            __NR_rt_sigaction,
            sig as usize,
            &new.0 as *const kernel_sigaction as usize,
            &mut old.0 as *mut kernel_sigaction as usize,
            SIGSET_SIZE,
        )
    };
    old
}

/// rt_sigtimedwait(2) without siginfo: waits until a signal in `set` is pending and dequeues it, or fails
/// with EAGAIN once `timeout` (if any) has passed. The signals in `set` must be blocked. Every wait for a
/// signal in pidone is this one.
pub fn wait_signal(set: &SigSet, timeout: Option<Duration>) -> Result<u32, Errno> {
    let mut timespec =
        timeout.map(|t| __kernel_timespec { tv_sec: t.as_secs() as i64, tv_nsec: t.subsec_nanos().into() });
    let set = set as *const SigSet as usize;
    loop {
        // SAFETY: `set` is a live set of SIGSET_SIZE bytes; the timeout is NULL or a live timespec of the
        // call's layout; siginfo may be NULL.
        let ret =
            timed(arch::SIGTIMEDWAIT, timespec.as_mut(), |nr, ts| unsafe { syscall4(nr, set, 0, ts, SIGSET_SIZE) });
        match result(ret) {
            // A stop and a SIGCONT: wait on. (A timeout is only ever what is left before a deadline, which
            // the caller measures again.)
            Err(Errno::INTR) => {}
            done => return done.map(|sig| sig as u32),
        }
    }
}

/// ppoll(2) on one descriptor: whether `events` (or an error, or a hang-up) came within `timeout` (no, on
/// any error). rustix's poll would pick the classic call first on 32-bit architectures; this one follows
/// the rest of pidone's time calls.
pub fn ready(fd: RawFd, events: u32, timeout: Duration) -> bool {
    let mut poll = pollfd { fd, events: events as _, revents: 0 };
    let poll = &mut poll as *mut pollfd as usize;
    let mut timeout = __kernel_timespec { tv_sec: timeout.as_secs() as i64, tv_nsec: timeout.subsec_nanos().into() };
    // SAFETY: one live pollfd (the kernel writes its `revents`, a plain integer) and a live timespec of
    // the call's layout; no signal mask (NULL), so the kernel reads no set size.
    let ready = timed(arch::PPOLL, Some(&mut timeout), |nr, ts| unsafe { syscall4(nr, poll, 1, ts, 0) });
    ready == 1
}

/// A moment on the monotonic clock, in nanoseconds: a plain integer, because Duration's arithmetic keeps
/// core's overflow panics, and their messages, on some architectures.
#[derive(Clone, Copy)]
pub struct Deadline(u64);

impl Deadline {
    /// `limit` from now.
    pub fn after(limit: Duration) -> Deadline {
        let limit = limit.as_secs().saturating_mul(1_000_000_000).saturating_add(u64::from(limit.subsec_nanos()));
        Deadline(monotonic_nanos().saturating_add(limit))
    }

    /// What is left until then: zero once it has passed.
    pub fn left(self) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(monotonic_nanos()))
    }
}

/// clock_gettime(2) on CLOCK_MONOTONIC, in nanoseconds.
fn monotonic_nanos() -> u64 {
    let mut now = __kernel_timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a live timespec of the call's layout for the kernel to fill. CLOCK_MONOTONIC cannot
    // fail.
    timed(arch::CLOCK_GETTIME, Some(&mut now), |nr, ts| unsafe { syscall4(nr, CLOCK_MONOTONIC as usize, ts, 0, 0) });
    (now.tv_sec as u64).wrapping_mul(1_000_000_000).wrapping_add(now.tv_nsec as u64)
}

/// exit_group(2).
pub fn exit_group(code: i32) -> ! {
    // SAFETY: exit_group takes one integer.
    unsafe { syscall4(__NR_exit_group, code as usize, 0, 0, 0) };
    // SAFETY: exit_group does not return.
    unsafe { core::hint::unreachable_unchecked() }
}
