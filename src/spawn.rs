//! Starting the program: fork, then, in the program's process between fork and exec, what must happen
//! before exec (its own process group, the terminal's foreground, `--user`, the signal state pidone
//! inherited given back), then execvp's PATH search.

use crate::bytes::{Text, number, split_once};
use crate::cstrings::{CStrings, cstr, variable_slot};
use crate::log::{self, Fatal, Level};
use crate::passwd::Home;
use crate::signals::SigSet;
use crate::sys::{self, Disposition};
use crate::user;
use linux_raw_sys::general::SIGCHLD;
use rustix::io::Errno;
use rustix::process::{self, Pid};

/// Used when PATH is unset: musl's default, which includes glibc's.
const DEFAULT_PATH: &[u8] = b"/usr/local/bin:/bin:/usr/bin";
const SH: &[u8] = b"/bin/sh\0";
/// The kernel's limit on a path (PATH_MAX), NUL included.
const PATH_MAX: usize = 4096;

/// The signal state pidone's parent gave it, which the program gets back unchanged.
pub struct Inherited {
    pub mask: SigSet,
    /// SIGCHLD's disposition: pidone needs the default to see its children end, but a program started
    /// with SIGCHLD ignored keeps it ignored.
    pub sigchld: Disposition,
}

/// Forks and execs the program whose argv starts at `argv`, as `user` if given; `pidone` is pidone's own
/// pid.
///
/// # Safety
/// `argv` points into pidone's own argument vector (the kernel's) at index 1 or later, and `envp` is the
/// kernel's environment vector: on ENOEXEC the program's process borrows the slot before `argv` for
/// `/bin/sh`, and it may point environment slots elsewhere (`LISTEN_PID`, `HOME`) or add one after the
/// last (`cstrings::set_variable`).
pub unsafe fn spawn(
    argv: *mut *const u8,
    envp: *mut *const u8,
    inherited: &Inherited,
    pidone: Pid,
    user: Option<&[u8]>,
) -> Result<Pid, Fatal> {
    // SAFETY: the forked side ends in exit_group and never returns into pidone's flow.
    match unsafe { sys::fork() } {
        Ok(Some(pid)) => {
            log::line(Level::Info, |l| {
                // SAFETY: argv[0] is a NUL-terminated string from the kernel (the caller's contract).
                l.text(b"Spawned child process '").text(unsafe { cstr(*argv) });
                l.text(b"' with pid '").number(pid.as_raw_nonzero().get() as u32).text(b"'");
            });
            Ok(pid)
        }
        // SAFETY: forwarded from the caller.
        Ok(None) => sys::exit_group(unsafe { exec_program(argv, envp, inherited, pidone, user) }),
        Err(e) => Err(log::failed(b"fork failed", e)),
    }
}

/// The forked side: sets up, then execs the program; returns its exit code when exec fails. From fork on
/// a failure can only end this process: it prints one FATAL line with its own pid and exits, and pidone
/// reaps that exit like the program's. All signals stay blocked until the mask is restored just before
/// exec, so nothing pidone forwards in this window is lost: it waits, pending, for the program.
///
/// # Safety
/// As for `spawn`.
#[inline(never)] // its frame (HOME, LISTEN_PID) stays in the program's process, off pidone's stack
#[unsafe(link_section = ".text.cold")]
unsafe fn exec_program(
    argv: *mut *const u8,
    envp: *mut *const u8,
    inherited: &Inherited,
    pidone: Pid,
    user: Option<&[u8]>,
) -> i32 {
    let program = process::getpid();
    log::set_pid(program);
    let mut listen_pid = Text::empty();
    // SAFETY: forwarded from the caller; `listen_pid` lives until exec.
    unsafe { hand_over_listen_pid(envp, pidone, program, &mut listen_pid) };
    if take_terminal(program).is_err() {
        return 1;
    }
    let mut home = Home::new();
    if let Some(spec) = user {
        // SAFETY: forwarded from the caller; `home` lives until exec; this process calls it once.
        if unsafe { user::switch(spec, envp, &mut home) }.is_err() {
            return 1;
        }
    }
    give_back(inherited);
    // SAFETY: forwarded from the caller.
    let e = unsafe { execvp(argv, envp) };
    log::line(Level::Fatal, |l| {
        // SAFETY: argv[0] is a NUL-terminated string from the kernel (the caller's contract).
        l.text(b"exec ").text(unsafe { cstr(*argv) }).text(b" failed: ").errno(e);
    });
    match e {
        Errno::NOENT => 127,
        Errno::ACCESS => 126,
        _ => 1,
    }
}

/// Its own process group, then the terminal's foreground.
#[unsafe(link_section = ".text.cold")]
fn take_terminal(program: Pid) -> Result<(), Fatal> {
    // Its own process group, so that `-g` and the terminal's job control reach the program's tree only.
    process::setpgid(None, None).map_err(|e| log::failed(b"setpgid failed", e))?;
    // SIGTTOU is still blocked here, so this works even when pidone sits in a background group.
    // SAFETY: fd 0 is only borrowed for one ioctl; if it is closed the call fails with EBADF.
    match rustix::termios::tcsetpgrp(unsafe { rustix::stdio::stdin() }, program) {
        Ok(()) => {}
        Err(Errno::NOTTY | Errno::BADF) => {
            log::line(Level::Debug, log::text(b"tcsetpgrp failed: no tty (ok to proceed)"))
        }
        Err(Errno::NXIO) => log::line(Level::Debug, log::text(b"tcsetpgrp failed: no such device (ok to proceed)")),
        Err(e) => return Err(log::failed(b"tcsetpgrp failed", e)),
    }
    Ok(())
}

/// The signal state pidone inherited, back for the program: last, so that nothing pidone forwards in the
/// meantime is lost (it waits, pending, for the program).
fn give_back(inherited: &Inherited) {
    if !inherited.sigchld.is_default() {
        sys::set_disposition(SIGCHLD, &inherited.sigchld);
    }
    sys::set_signal_mask(&inherited.mask);
}

/// Socket activation (systemd's `LISTEN_PID` and `LISTEN_FDS`, which podman passes on): the sockets are
/// meant for the process whose pid is `LISTEN_PID`. When that is pidone, the program is meant, so that
/// variable, in its place, says the program's pid; nothing else in the environment changes, and a
/// `LISTEN_PID` naming another process is left alone.
///
/// # Safety
/// `envp` is this process's copy of the kernel's environment vector; `text` must live until exec.
#[unsafe(link_section = ".text.cold")]
unsafe fn hand_over_listen_pid(envp: *mut *const u8, pidone: Pid, program: Pid, text: &mut Text) {
    let pid = |pid: Pid| pid.as_raw_nonzero().get() as u32;
    // SAFETY: the caller's contract; only this process's copy of the slot is written.
    unsafe {
        let slot = variable_slot(envp, b"LISTEN_PID");
        if !(*slot).is_null() && split_once(cstr(*slot), b'=').and_then(|(_, value)| number(value)) == Some(pid(pidone))
        {
            *slot = text.push(b"LISTEN_PID=").number(pid(program)).ended(0).as_ptr();
        }
    }
}

/// execvp(3): a name without `/` is looked up in PATH. Like glibc, a directory that denies access is
/// remembered while the search goes on, and an error other than "not there" ends the search.
///
/// # Safety
/// As for `spawn`.
#[unsafe(link_section = ".text.cold")]
unsafe fn execvp(argv: *mut *const u8, envp: *mut *const u8) -> Errno {
    // SAFETY: argv[0] is a NUL-terminated string from the kernel.
    let file = unsafe { cstr(*argv) };
    if file.is_empty() {
        return Errno::NOENT;
    }
    #[allow(clippy::manual_contains)] // `contains` on bytes brings core's memchr: 300 bytes more
    if file.iter().any(|&c| c == b'/') {
        // SAFETY: argv[0] is NUL-terminated; argv and envp are as `exec` requires (the caller's contract).
        return unsafe { exec(*argv, argv, envp) };
    }
    // SAFETY: envp is the kernel's environment vector (the caller's contract).
    let path = unsafe { CStrings::new(envp) }
        .find_map(|var| match split_once(var, b'=') {
            Some((b"PATH", value)) => Some(value),
            _ => None,
        })
        .unwrap_or(DEFAULT_PATH);
    let mut denied = false;
    let mut last = Errno::NOENT;
    for dir in path.split(|&c| c == b':') {
        let mut candidate = heapless::Vec::<u8, PATH_MAX>::new();
        // An empty entry means the current directory.
        let slash: &[u8] = if dir.is_empty() { b"" } else { b"/" };
        let fits = [dir, slash, file, b"\0"].iter().all(|part| candidate.extend_from_slice(part).is_ok());
        // SAFETY: `candidate` is NUL-terminated and outlives the call; argv and envp as above.
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
/// `path` is NUL-terminated; `argv` and `envp` are as for `spawn`.
#[unsafe(link_section = ".text.cold")]
unsafe fn exec(path: *const u8, argv: *mut *const u8, envp: *mut *const u8) -> Errno {
    // SAFETY: forwarded from the caller.
    let e = unsafe { sys::execve(path, argv, envp) };
    if e == Errno::NOEXEC {
        // SAFETY: `argv` is at index >= 1 of pidone's argv, so `argv - 1` is a slot of the same vector that
        // this process no longer reads. It becomes ["/bin/sh", path, args...] for the call and is put back.
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
