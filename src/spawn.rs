//! Starting the program: fork, then in the child what must happen before exec (own process group,
//! the terminal's foreground, the inherited signal mask back), then execvp's PATH search.

use crate::log::{self, Level};
use crate::signals::SigSet;
use crate::sys;
use crate::{CStrings, cstr};
use rustix::io::Errno;
use rustix::process::{self, Pid};

/// Used when PATH is unset: musl's default, which includes glibc's.
const DEFAULT_PATH: &[u8] = b"/usr/local/bin:/bin:/usr/bin";
const SH: &[u8] = b"/bin/sh\0";
/// The kernel's limit on a path (PATH_MAX), NUL included.
const PATH_MAX: usize = 4096;

/// Forks and execs the program whose argv starts at `argv`, giving it `mask` as its signal mask.
///
/// `argv` must point into pidone's own argument vector at index 1 or later: on ENOEXEC the slot before it
/// is borrowed for `/bin/sh`.
pub fn spawn(argv: *mut *const u8, envp: *const *const u8, mask: SigSet) -> Result<Pid, Errno> {
    // SAFETY: the child branch ends in exit_group and never returns into the parent's flow.
    match unsafe { sys::fork() }? {
        Some(pid) => {
            log::line(Level::Info, |l| {
                // SAFETY: argv[0] is a NUL-terminated string from the kernel.
                l.s(b"Spawned child process '").s(unsafe { cstr(*argv) });
                l.s(b"' with pid '").n(pid.as_raw_nonzero().get().into()).s(b"'");
            });
            Ok(pid)
        }
        None => sys::exit_group(child(argv, envp, mask)),
    }
}

/// The child between fork and exec. All signals stay blocked until the mask is restored just before
/// exec, so nothing pidone forwards in this window is lost: it waits, pending, for the program.
fn child(argv: *mut *const u8, envp: *const *const u8, mask: SigSet) -> i32 {
    // Its own process group, so that `-g` and the terminal's job control reach the program's tree only.
    if let Err(e) = process::setpgid(None, None) {
        log::fatal(b"setpgid failed", e);
        return 1;
    }
    // SIGTTOU is still blocked here, so this works even when pidone sits in a background group.
    // SAFETY: fd 0 is only borrowed for one ioctl; if it is closed the call fails with EBADF.
    let stdin = unsafe { rustix::fd::BorrowedFd::borrow_raw(0) };
    match rustix::termios::tcsetpgrp(stdin, process::getpid()) {
        Ok(()) => {}
        Err(Errno::NOTTY | Errno::BADF) => log::note(Level::Debug, b"tcsetpgrp failed: no tty (ok to proceed)"),
        Err(Errno::NXIO) => log::note(Level::Debug, b"tcsetpgrp failed: no such device (ok to proceed)"),
        Err(e) => {
            log::fatal(b"tcsetpgrp failed", e);
            return 1;
        }
    }
    if let Err(e) = sys::set_signal_mask(&mask) {
        log::fatal(b"Restoring child signal mask failed", e);
        return 1;
    }
    let e = execvp(argv, envp);
    log::line(Level::Fatal, |l| {
        // SAFETY: argv[0] is a NUL-terminated string from the kernel.
        l.s(b"exec ").s(unsafe { cstr(*argv) }).s(b" failed: ").err(e);
    });
    match e {
        Errno::NOENT => 127,
        Errno::ACCESS => 126,
        _ => 1,
    }
}

/// execvp(3): a name without `/` is looked up in PATH. Like glibc, a directory that denies access is
/// remembered while the search goes on, and an error other than "not there" ends the search.
fn execvp(argv: *mut *const u8, envp: *const *const u8) -> Errno {
    // SAFETY: argv[0] is a NUL-terminated string from the kernel.
    let file = unsafe { cstr(*argv) };
    if file.is_empty() {
        return Errno::NOENT;
    }
    #[allow(clippy::manual_contains)] // `contains` on bytes brings core's memchr: 300 bytes more
    if file.iter().any(|&c| c == b'/') {
        // SAFETY: as above; argv and envp are the kernel's NULL-terminated vectors.
        return unsafe { exec(*argv, argv, envp) };
    }
    let path = CStrings(envp).find_map(|var| var.strip_prefix(b"PATH=")).unwrap_or(DEFAULT_PATH);
    let mut denied = false;
    let mut last = Errno::NOENT;
    for dir in path.split(|&c| c == b':') {
        let mut candidate = heapless::Vec::<u8, PATH_MAX>::new();
        // An empty entry means the current directory.
        let slash: &[u8] = if dir.is_empty() { b"" } else { b"/" };
        let fits = [dir, slash, file, b"\0"].iter().all(|part| candidate.extend_from_slice(part).is_ok());
        // SAFETY: `candidate` is NUL-terminated and outlives the call.
        last = if fits { unsafe { exec(candidate.as_ptr(), argv, envp) } } else { Errno::NAMETOOLONG };
        match last {
            Errno::ACCESS => denied = true,
            Errno::NOENT | Errno::NOTDIR | Errno::NAMETOOLONG | Errno::NODEV | Errno::TIMEDOUT | Errno::STALE => {}
            _ => return last,
        }
    }
    if denied { Errno::ACCESS } else { last }
}

/// execve, and for a file the kernel cannot run (ENOEXEC) a second try as a `/bin/sh` script, as
/// execvp does. Returns the first error.
///
/// # Safety
/// `path` is NUL-terminated; `argv` is as for `spawn`; `envp` is NULL-terminated.
unsafe fn exec(path: *const u8, argv: *mut *const u8, envp: *const *const u8) -> Errno {
    // SAFETY: forwarded from the caller.
    let e = unsafe { sys::execve(path, argv, envp) };
    if e == Errno::NOEXEC {
        // SAFETY: `argv` is at index >= 1 of pidone's argv, so `argv - 1` is a slot of the same vector that
        // this child no longer reads. It becomes ["/bin/sh", path, args...] for the call and is put back.
        unsafe {
            let shell_argv = argv.sub(1);
            let saved = (*shell_argv, *argv);
            (*shell_argv, *argv) = (SH.as_ptr(), path);
            sys::execve(SH.as_ptr(), shell_argv, envp);
            (*shell_argv, *argv) = saved;
        }
    }
    e
}
