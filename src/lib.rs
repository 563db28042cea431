//! pidone: a tiny init for containers. It runs a program as its only child, forwards every signal to
//! it, reaps every zombie, and exits with the program's status: tini's job, without a libc.
//! ARCHITECTURE.md has the bird's-eye view; `run` below is the whole life of the process. This library
//! is the shipped binary's body (`src/main.rs` only adds the entry point) and, with std, its unit tests.
//!
//! `#[unsafe(link_section = ".text.cold")]` marks what only other modes and failures run or read: build.rs
//! gives it a segment of its own, which an init never touches, so that it never costs an init memory.

#![cfg_attr(not(test), no_std)]
// Where `asm!` is still behind a feature gate (build.rs says where; the pinned nightly builds there).
#![cfg_attr(experimental_asm, feature(asm_experimental_arch))]

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

pub use arch::ENTRY_STACK_ALIGN;

use cli::{Action, Config};
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
use log::{Fatal, Level};
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
    let action = cli::parse(args, env, &mut config).map_err(cli::usage_error)?;
    let program_at = match action {
        Action::Run { at } => Some(at),
        Action::Pause => None,
        Action::Probe { url } => return probe::probe(url, config.probe_timeout).map(|()| 0),
        Action::Help => return print(cli::USAGE.as_bytes()),
        Action::Version => return print(VERSION.as_bytes()),
        Action::License => return print(&LICENSE),
    };
    log::set_verbosity(config.verbosity);
    let pidone = process::getpid();
    log::set_pid(pidone);

    let inherited = Inherited {
        mask: sys::set_signal_mask(&SigSet::supervised()),
        // Ignored, SIGCHLD would make the kernel reap pidone's children itself: their ends would go unseen.
        sigchld: sys::set_disposition(SIGCHLD, &sys::Disposition::DEFAULT),
    };
    if let Some(signal) = config.parent_death_signal.and_then(signals::sendable) {
        process::set_parent_process_death_signal(Some(signal))
            .map_err(|e| log::failed(b"Failed to set up parent death signal", e))?;
    }
    let as_init = pidone == Pid::INIT;
    if !as_init {
        become_subreaper(pidone);
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
        Some(at) => Some(unsafe { spawn::spawn(argv.add(at), envp, &inherited, pidone, config.user) }?),
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

/// Orphans are re-parented to PID 1 or to the nearest subreaper. Below another init (a shared PID
/// namespace, `init: true` over an image's own init, a runtime without PID namespaces), pidone makes
/// itself one, asked (`-s`) or not, so that its program's orphans come back to it and are reaped. Where
/// that is refused (AWS Lambda answers EPERM), the program still runs.
fn become_subreaper(pidone: Pid) {
    match process::set_child_subreaper(Some(pidone)) {
        Ok(()) => log::line(Level::Trace, log::text(b"Registered as child subreaper")),
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
