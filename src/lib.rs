//! pidone: a tiny init for containers. It runs a program as its only child, forwards every signal to
//! it, reaps every zombie, and exits with the program's status: tini's job, without a libc.
//! ARCHITECTURE.md has the bird's-eye view; `run` below is the whole life of the process. This library
//! is the shipped binary's body (`src/main.rs` only adds the entry point) and, with std, its unit tests.
//!
//! `#[unsafe(link_section = ".text.cold")]` marks what only other modes and failures run or read: build.rs
//! gives it a segment of its own, which an init never touches, so that it never costs an init memory.

#![cfg_attr(not(test), no_std)]
// `asm!` on mips is still behind a feature gate (the pinned nightly builds that target).
#![cfg_attr(target_arch = "mips64", feature(asm_experimental_arch))]

/// This machine's architecture, one file each, all giving the same three things: `CLONE_FORK_ARGS`,
/// clone(2)'s first two arguments for a plain fork (their order differs); `syscall4`, one system call with
/// up to four arguments, whose result is raw but for errors, which come back as negated errnos everywhere;
/// and `start_instructions!`, the body of `_start`, which hands the kernel's initial stack to `{entry}`.
#[cfg_attr(target_arch = "x86_64", path = "arch/x86_64.rs")]
#[cfg_attr(target_arch = "aarch64", path = "arch/aarch64.rs")]
#[cfg_attr(target_arch = "arm", path = "arch/arm.rs")]
#[cfg_attr(target_arch = "x86", path = "arch/x86.rs")]
#[cfg_attr(target_arch = "riscv64", path = "arch/riscv64.rs")]
#[cfg_attr(target_arch = "powerpc64", path = "arch/powerpc64.rs")]
#[cfg_attr(target_arch = "s390x", path = "arch/s390x.rs")]
#[cfg_attr(target_arch = "mips64", path = "arch/mips64.rs")]
mod arch;
mod bytes;
mod children;
mod cli;
mod cstrings;
mod ending;
mod http;
pub mod log;
mod passwd;
mod probe;
mod shutdown;
mod signals;
mod spawn;
mod stderr;
mod supervise;
pub mod sys;
mod url;
mod user;

use cli::{Action, Config, Error};
/// For the fuzz targets (`fuzz/`) only: exported, the parsers would not be internalised by LTO and would
/// cost the shipped binary half a kilobyte.
#[cfg(feature = "fuzz")]
pub mod fuzz {
    pub use crate::cli::{Action, Config, parse};
    pub use crate::http::{HEAD, request, status};
    pub use crate::passwd::{GROUPS, Home, resolve};
    pub use crate::url::parse as url;
}
use cstrings::{CStrings, cstr};
use linux_raw_sys::general::{SIGCHLD, SIGPWR, SIGTERM};
use log::{Fatal, Level, Line};
use rustix::process::{self, Pid};
use signals::SigSet;
use spawn::Inherited;

const VERSION: &str = concat!("pidone version ", env!("CARGO_PKG_VERSION"), env!("PIDONE_GIT"), "\n");
#[unsafe(link_section = ".text.cold")]
static LICENSE: [u8; include_bytes!("../LICENSE").len()] = *include_bytes!("../LICENSE");

/// The whole life of pidone, from the kernel's argv and envp to its exit code; a fatal error (already
/// reported) is exit code 1.
///
/// # Safety
/// `argv` and `envp` are the kernel's NULL-terminated vectors of NUL-terminated strings, alive and
/// unchanged for the rest of the process.
pub unsafe fn run(argv: *mut *const u8, envp: *mut *const u8) -> Result<u8, Fatal> {
    // SAFETY: the kernel's vectors (the caller's contract).
    let (args, env) = unsafe { (CStrings::new(argv), own_variables(envp)) };
    let mut config = Config::default();
    let action = cli::parse(args, env, &mut config).map_err(usage_error)?;
    let program_at = match action {
        Action::Run { at } => Some(at),
        Action::Pause => None,
        Action::Probe { url } => return Ok(probe::probe(url, config.probe_timeout)),
        Action::Help => return print(cli::USAGE.as_bytes()),
        Action::Version => return print(VERSION.as_bytes()),
        Action::License => return print(&LICENSE),
    };
    log::set_verbosity(config.verbosity);
    let me = process::getpid();
    log::set_pid(me);

    let inherited = Inherited {
        mask: sys::set_signal_mask(&SigSet::supervised()),
        // Ignored, SIGCHLD would make the kernel reap pidone's children itself: their ends would go unseen.
        sigchld: sys::set_disposition(SIGCHLD, &sys::Disposition::DEFAULT),
    };
    if let Some(signal) = config.parent_death_signal.and_then(signals::sendable) {
        process::set_parent_process_death_signal(Some(signal))
            .map_err(|e| log::fatal(b"Failed to set up parent death signal", e))?;
    }
    let as_init = me == Pid::INIT;
    if !as_init {
        become_subreaper(me);
    }
    if as_init && config.lxc {
        // LXC, and Incus on it, stop a container with its halt signal to PID 1: SIGPWR, or SIGRTMIN+3
        // when PID 1 has that blocked, as pidone has (systemd's way). Almost no program handles either,
        // and so dies without its cleanup; nearly all handle TERM.
        config.rewrites.unless_given(SIGPWR, SIGTERM);
        config.rewrites.unless_given(signals::RTMIN + 3, SIGTERM);
    }
    let program = match program_at {
        // SAFETY: `at` < argc (cli::parse saw an argument there) and >= 1, as spawn requires; argv and
        // envp are the kernel's.
        Some(at) => Some(unsafe { spawn::spawn(argv.add(at), envp, &inherited, me, config.user) }?),
        None => {
            // A pause process lives long: it must not keep busy the mount it was started in.
            let _ = process::chdir(c"/");
            None
        }
    };
    // The descriptors pidone inherited beyond stdio are the program's now (it has its own copies). Held
    // here, a pipe's reader would not see EOF, nor a socket close, when the program lets go of them.
    sys::close_inherited(stderr::own_descriptor());
    let code = supervise::supervise(program, &config)?;
    shutdown::finish(&config, as_init);
    Ok(code)
}

fn print(text: &[u8]) -> Result<u8, Fatal> {
    log::stdout(text);
    Ok(0)
}

/// One line saying what is wrong, then the usage, on stderr.
#[inline(never)] // its line stays off `run`'s frame, and so off the stack pages every run touches
#[unsafe(link_section = ".text.cold")]
fn usage_error(e: Error) -> Fatal {
    let mut line = Line::bare();
    match e {
        Error::BadValue(option, value) | Error::BadRewrite(option, value) | Error::EmptyItem(option, value) => {
            line.prefix(Level::Fatal).text(b"Not a valid option for ").text(option).text(b": ").text(value)
        }
        _ => line.text(b"pidone: "),
    };
    match e {
        Error::UnknownOption(c) => line.text(b"invalid option -- '").text(&[c]).text(b"'"),
        Error::UnknownLongOption(arg) => line.text(b"unrecognized option '").text(arg).text(b"'"),
        Error::MissingArgument(c) => line.text(b"option requires an argument -- '").text(&[c]).text(b"'"),
        Error::MissingValue(option) => line.text(b"option '").text(option).text(b"' requires an argument"),
        Error::NoProgram => line.text(b"no program to run"),
        Error::PauseWithProgram => line.text(b"pause mode (-P) runs no program"),
        Error::ProbeWithProgram => line.text(b"probe mode (--probe) runs no program"),
        Error::BadRewrite(..) => {
            line.text(b" (FROM:TO, signal names or numbers; KILL, STOP and CHLD are never rewritten)")
        }
        Error::EmptyItem(..) => line.text(b" (an empty item)"),
        Error::BadValue(..) => &mut line,
    };
    let fatal = line.send_fatal();
    stderr::write(cli::USAGE.as_bytes());
    fatal
}

/// Orphans are re-parented to PID 1 or to the nearest subreaper. Below another init (a shared PID
/// namespace, `init: true` over an image's own init, a runtime without PID namespaces), pidone makes
/// itself one, asked (`-s`) or not, so that its program's orphans come back to it and are reaped. Where
/// that is refused (AWS Lambda answers EPERM), the program still runs.
fn become_subreaper(me: Pid) {
    match process::set_child_subreaper(Some(me)) {
        Ok(()) => log::note(Level::Trace, b"Registered as child subreaper"),
        Err(e) => log::line(Level::Warn, |l| {
            l.text(b"pidone is not PID 1 and cannot be a child subreaper (").errno(e);
            l.text(b"), so zombie reaping won't work: run it as PID 1");
        }),
    }
}

/// The environment variables pidone reads (`TINI_*`, `PIDONE_*`, and LXC's `container`), picked out by
/// their first bytes without measuring the others: a start-up cost that does not grow with the
/// environment.
///
/// # Safety
/// `envp` is the kernel's environment vector.
unsafe fn own_variables(envp: *const *const u8) -> impl Iterator<Item = &'static [u8]> {
    // SAFETY: `p` is a NUL-terminated string from the kernel. The comparison stops at the first
    // mismatch, and a NUL matches no prefix byte, so it never reads past the string's end.
    let starts_with = |p: *const u8, prefix: &[u8]| prefix.iter().enumerate().all(|(i, &c)| unsafe { *p.add(i) } == c);
    // SAFETY: forwarded from the caller.
    let mut strings = unsafe { CStrings::new(envp) };
    core::iter::from_fn(move || strings.next_pointer())
        // SAFETY: as above; the first byte exists, if only as the NUL.
        .filter(move |&p| match unsafe { *p } {
            b'T' => starts_with(p, b"TINI_"),
            b'P' => starts_with(p, b"PIDONE_"),
            b'c' => starts_with(p, b"container="),
            _ => false,
        })
        // SAFETY: as above.
        .map(|p| unsafe { cstr(p) })
}
