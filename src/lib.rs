//! pidone: a tiny init for containers. It runs a program as its only child, forwards every signal to
//! it, reaps every zombie, and exits with the program's status: tini's job, without a libc.
//! ARCHITECTURE.md has the bird's-eye view; `run` below is the whole life of the process. This library
//! is the shipped binary's body (`src/main.rs` only adds the entry point) and, with std, its unit tests.

#![cfg_attr(not(test), no_std)]

mod children;
mod cli;
mod exit;
pub mod log;
mod shutdown;
mod signals;
mod spawn;
mod supervise;
pub mod sys;

use cli::{Action, Error};

/// For the fuzz target (`fuzz/`) only: exported, the parser would not be internalised by LTO and would
/// cost the shipped binary half a kilobyte.
#[cfg(feature = "fuzz")]
pub use cli::{Action as FuzzAction, Config as FuzzConfig, parse as fuzz_parse};
use log::{Level, Line};
use rustix::process::{self, Pid, Signal};
use signals::SigSet;

const VERSION: &str = concat!("pidone version ", env!("CARGO_PKG_VERSION"), env!("PIDONE_GIT"), "\n");
const LICENSE: &[u8] = include_bytes!("../LICENSE");

/// From the kernel's argv and envp to pidone's exit code.
///
/// # Safety
/// `argv` and `envp` are the kernel's NULL-terminated vectors of NUL-terminated strings, alive and
/// unchanged for the rest of the process.
pub unsafe fn run(argv: *mut *const u8, envp: *const *const u8) -> i32 {
    let (config, action) = match cli::parse(CStrings(argv), own_variables(envp)) {
        Ok(parsed) => parsed,
        Err(e) => {
            usage_error(e);
            return 1;
        }
    };
    let program = match action {
        Action::Run { program } => Some(program),
        Action::Pause => None,
        Action::Help => return print(USAGE_BYTES),
        Action::Version => return print(VERSION.as_bytes()),
        Action::License => return print(LICENSE),
    };
    log::set_verbosity(config.verbosity);

    let inherited = match sys::set_signal_mask(&SigSet::supervised()) {
        Ok(mask) => mask,
        Err(e) => {
            log::fatal(b"sigprocmask failed", e);
            return 1;
        }
    };
    if let Some(sig) = config.parent_death_signal {
        // SAFETY: cli::parse only yields signal numbers in 1..=64; no libc reserves any of them here.
        let signal = unsafe { Signal::from_raw_unchecked(sig as i32) };
        if let Err(e) = process::set_parent_process_death_signal(Some(signal)) {
            log::fatal(b"Failed to set up parent death signal", e);
            return 1;
        }
    }
    if config.subreaper {
        if let Err(e) = process::set_child_subreaper(Some(process::getpid())) {
            log::fatal(b"Failed to register as child subreaper", e);
            return 1;
        }
        log::note(Level::Trace, b"Registered as child subreaper");
    }
    warn_if_not_a_reaper();
    let child = match program {
        // SAFETY: `program` < argc (cli::parse saw an argument there) and >= 1, as spawn requires.
        Some(program) => match spawn::spawn(unsafe { argv.add(program) }, envp, inherited) {
            Ok(pid) => Some(pid),
            Err(e) => {
                log::fatal(b"fork failed", e);
                return 1;
            }
        },
        None => None,
    };
    supervise::supervise(child, &config)
}

const USAGE_BYTES: &[u8] = cli::USAGE.as_bytes();

fn print(text: &[u8]) -> i32 {
    log::write_all(1, text);
    0
}

/// One line saying what is wrong, then the usage, on stderr.
fn usage_error(e: Error) {
    let mut line = Line::bare();
    match e {
        Error::BadValue(option, value) => line
            .prefix(Level::Fatal, process::getpid().as_raw_nonzero().get())
            .s(b"Not a valid option for ")
            .s(option)
            .s(b": ")
            .s(value),
        _ => line.s(b"pidone: "),
    };
    match e {
        Error::UnknownOption(c) => line.s(b"invalid option -- '").s(&[c]).s(b"'"),
        Error::UnknownLongOption(arg) => line.s(b"unrecognized option '").s(arg).s(b"'"),
        Error::MissingArgument(c) => line.s(b"option requires an argument -- '").s(&[c]).s(b"'"),
        Error::MissingValue(option) => line.s(b"option '").s(option).s(b"' requires an argument"),
        Error::NoProgram => line.s(b"no program to run"),
        Error::PauseWithProgram => line.s(b"pause mode (-P) runs no program"),
        Error::BadValue(..) => &mut line,
    }
    .send();
    log::write_all(2, USAGE_BYTES);
}

/// Orphans are re-parented to PID 1 or to the nearest subreaper; anywhere else pidone cannot reap them.
fn warn_if_not_a_reaper() {
    if process::getpid() == Pid::INIT {
        return;
    }
    // An error reading the attribute (only very old kernels) counts as "registered": no warning.
    if let Ok(None) = process::child_subreaper() {
        log::note(
            Level::Warn,
            b"pidone is not PID 1 nor a child subreaper, so zombie reaping won't work: \
              run it as PID 1, or with -s or TINI_SUBREAPER",
        );
    }
}

/// The bytes of a NUL-terminated string, without the NUL.
///
/// # Safety
/// `p` points to a NUL-terminated string that lives, unchanged, as long as the process (as the kernel's
/// argument and environment strings do).
pub unsafe fn cstr(p: *const u8) -> &'static [u8] {
    // SAFETY: forwarded from the caller.
    unsafe { core::ffi::CStr::from_ptr(p.cast()).to_bytes() }
}

/// The environment variables pidone reads (`TINI_*`, `PIDONE_*`), picked out by their first bytes
/// without measuring the others: a start-up cost that does not grow with the environment.
fn own_variables(envp: *const *const u8) -> impl Iterator<Item = &'static [u8]> {
    // SAFETY: `p` is a NUL-terminated string from the kernel. The comparison stops at the first
    // mismatch, and a NUL matches no prefix byte, so it never reads past the string's end.
    let starts_with = |p: *const u8, prefix: &[u8]| prefix.iter().enumerate().all(|(i, &c)| unsafe { *p.add(i) } == c);
    Pointers(envp)
        // SAFETY: as above; the first byte exists, if only as the NUL.
        .filter(move |&p| match unsafe { *p } {
            b'T' => starts_with(p, b"TINI_"),
            b'P' => starts_with(p, b"PIDONE_"),
            _ => false,
        })
        // SAFETY: as above.
        .map(|p| unsafe { cstr(p) })
}

/// The pointers of a NULL-terminated vector such as argv or envp.
#[derive(Clone, Copy)]
struct Pointers(*const *const u8);

impl Iterator for Pointers {
    type Item = *const u8;

    fn next(&mut self) -> Option<*const u8> {
        // SAFETY: the vector is NULL-terminated and never read past the NULL.
        unsafe {
            let p = *self.0;
            if p.is_null() {
                return None;
            }
            self.0 = self.0.add(1);
            Some(p)
        }
    }
}

/// The strings of a NULL-terminated vector such as argv or envp.
#[derive(Clone, Copy)]
pub struct CStrings(pub *const *const u8);

impl Iterator for CStrings {
    type Item = &'static [u8];

    fn next(&mut self) -> Option<&'static [u8]> {
        let mut pointers = Pointers(self.0);
        let p = pointers.next()?;
        self.0 = pointers.0;
        // SAFETY: the kernel's argument and environment strings are NUL-terminated and live as long as
        // the process.
        Some(unsafe { cstr(p) })
    }
}
