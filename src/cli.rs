//! The command line and pidone's variables (`TINI_*`, `PIDONE_*`) → `Config` and `Action`, parsed as tini's
//! getopt parses its command line, but stopping at the first non-option like POSIX getopt (no glibc
//! permutation: `pidone ls -la` runs `ls -la`).
//!
//! Long options and variables are found by their place in a space-separated list of their names (one
//! string, not a table of slices: a fraction of the bytes), whose order is their enum's.

use crate::bytes::{count_words, number, split, split_once, words};
use crate::ending::Expected;
use crate::log::{self, Fatal};
use crate::signals::Rewrites;
use crate::stderr;
use core::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum LongOption {
    Grace,
    Rewrite,
    Pause,
    WaitAll,
    User,
    Probe,
}

impl LongOption {
    const IN_ORDER: [LongOption; 6] = [
        LongOption::Grace,
        LongOption::Rewrite,
        LongOption::Pause,
        LongOption::WaitAll,
        LongOption::User,
        LongOption::Probe,
    ];
    const NAMES: &[u8] = b"grace rewrite pause wait-all user probe";
}

const _: () = assert!(count_words(LongOption::NAMES) == LongOption::IN_ORDER.len());

/// The variables pidone reads, in the order of `Variable::IN_ORDER`; the usage's last line.
macro_rules! variable_names {
    () => {
        "TINI_SUBREAPER TINI_KILL_PROCESS_GROUP TINI_VERBOSITY PIDONE_PAUSE PIDONE_GRACE PIDONE_REWRITE \
         PIDONE_EXPECT PIDONE_PARENT_DEATH PIDONE_WARN_REAPED PIDONE_WAIT_ALL PIDONE_USER PIDONE_PROBE_TIMEOUT"
    };
}

macro_rules! usage_head {
    () => {
        concat!(
            "pidone ",
            env!("CARGO_PKG_VERSION"),
            ", a tiny init for containers (a drop-in for tini)\n",
            "Usage: pidone [OPTIONS] [--] PROGRAM [ARGS] | -P [OPTIONS] | --probe URL | --version\n",
            "Runs PROGRAM under the supervision of a valid init process: passes it every signal,\n",
            "reaps zombies, exits with its status (128+N if killed by signal N).\n",
            "  -s            tini's, for a subreaper: pidone is one when not PID 1\n",
            "  -g            signal PROGRAM's process group\n",
            "  -p SIGNAL     get SIGNAL when pidone's parent dies\n",
            "  -e CODE       exit 0 when PROGRAM exits with CODE\n",
            "  -w            warn of each zombie reaped but PROGRAM\n",
            "  -v            more verbose (on stderr)\n",
            "  --grace SECS  once PROGRAM exits, TERM the rest; KILL it after SECS\n",
            "  --wait-all    once PROGRAM exits, wait for the rest\n",
            "  -r FROM:TO    pass signal FROM as TO, 0 drops it (--rewrite)\n",
            "  -P, --pause   run no program; reap until TERM or INT\n",
            "  --user USER[:GROUP]  run PROGRAM as USER\n",
            "  --probe URL   exit 0 if tcp://IP:PORT connects, or http://IP[:PORT]/PATH says 2xx/3xx\n",
            "  -l, -h        license, help\n",
            "-e, -v, -r repeat. Variables (see the README): ",
        )
    };
}

pub const USAGE: &str = concat!(usage_head!(), variable_names!(), "\n");

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variable {
    Subreaper,
    KillProcessGroup,
    Verbosity,
    Pause,
    Grace,
    Rewrite,
    Expect,
    ParentDeath,
    WarnReaped,
    WaitAll,
    User,
    ProbeTimeout,
}

impl Variable {
    const IN_ORDER: [Variable; 12] = [
        Variable::Subreaper,
        Variable::KillProcessGroup,
        Variable::Verbosity,
        Variable::Pause,
        Variable::Grace,
        Variable::Rewrite,
        Variable::Expect,
        Variable::ParentDeath,
        Variable::WarnReaped,
        Variable::WaitAll,
        Variable::User,
        Variable::ProbeTimeout,
    ];
    /// The bytes of the usage's last line: each name is stored once.
    const NAMES: &[u8] = USAGE.as_bytes().split_at(usage_head!().len()).1.split_at(variable_names!().len()).0;
}

const _: () = assert!(count_words(Variable::NAMES) == Variable::IN_ORDER.len());

/// Where `name` stands in `names`.
fn find(names: &'static [u8], name: &[u8]) -> Option<usize> {
    words(names).position(|word| word == name)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Config<'a> {
    /// 0 silent but fatal errors, 1 warnings (default), 2 info, 3 debug, 4 trace.
    pub verbosity: u32,
    /// Signal the program's process group rather than the program.
    pub group: bool,
    pub warn_reaped: bool,
    pub parent_death_signal: Option<u32>,
    pub expected: Expected,
    /// How long the rest of the tree gets between SIGTERM and SIGKILL once the program is gone.
    pub grace: Option<Duration>,
    /// Once the program is gone, wait for the rest of the tree to end.
    pub wait_all: bool,
    pub rewrites: Rewrites,
    /// `container=lxc` is in the environment: LXC (or Incus) started pidone.
    pub lxc: bool,
    /// `--user`: the program runs as this USER[:GROUP], resolved and switched to in its process (an
    /// empty USER is uid 0, as for Docker).
    pub user: Option<&'a [u8]>,
    pause: bool,
    /// `--probe URL`: no init, a health check.
    probe: Option<&'a [u8]>,
    /// PIDONE_PROBE_TIMEOUT: how long `--probe` may take.
    pub probe_timeout: Duration,
}

impl Default for Config<'_> {
    fn default() -> Self {
        Config {
            verbosity: 1,
            group: false,
            warn_reaped: false,
            parent_death_signal: None,
            expected: Expected::default(),
            grace: None,
            wait_all: false,
            rewrites: Rewrites::default(),
            lxc: false,
            user: None,
            pause: false,
            probe: None,
            // Well within the 30 s Docker gives a HEALTHCHECK by default, long enough for a loaded server.
            probe_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action<'a> {
    /// Run the program whose name is argv[at].
    Run {
        at: usize,
    },
    /// No program: only reap, until TERM or INT.
    Pause,
    /// No init at all: check that `url` answers, within `Config::probe_timeout`.
    Probe {
        url: &'a [u8],
    },
    Help,
    Version,
    License,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Error<'a> {
    UnknownOption(u8),
    UnknownLongOption(&'a [u8]),
    MissingArgument(u8),
    /// A long option, as written, without its value.
    MissingValue(&'a [u8]),
    /// The option, as written, and its bad value.
    BadValue(&'a [u8], &'a [u8]),
    /// A bad `-r FROM:TO` (or `--rewrite`, or an item of PIDONE_REWRITE), and the option.
    BadRewrite(&'a [u8], &'a [u8]),
    /// A comma-separated variable with an empty item: its name and its value.
    EmptyItem(&'a [u8], &'a [u8]),
    NoProgram,
    PauseWithProgram,
    ProbeWithProgram,
}

/// Reports a usage error: one line saying what is wrong (a value pidone refuses, tini's way: a FATAL line;
/// anything else, getopt's way), then the usage.
#[inline(never)] // its line stays off `run`'s frame, and so off the stack pages every run touches
#[unsafe(link_section = ".text.cold")]
pub fn usage_error(e: Error) -> Fatal {
    let fatal = match e {
        Error::BadValue(option, value) | Error::BadRewrite(option, value) | Error::EmptyItem(option, value) => {
            log::fatal(|l| {
                l.text(b"Not a valid option for ").text(option).text(b": ").text(value);
                match e {
                    Error::BadRewrite(..) => {
                        l.text(b" (FROM:TO, signal names or numbers; KILL, STOP and CHLD are never rewritten)");
                    }
                    Error::EmptyItem(..) => {
                        l.text(b" (an empty item)");
                    }
                    _ => {}
                }
            })
        }
        _ => log::fatal_plain(|l| {
            match e {
                Error::UnknownOption(c) => l.text(b"invalid option -- '").text(&[c]).text(b"'"),
                Error::UnknownLongOption(arg) => l.text(b"unrecognized option '").text(arg).text(b"'"),
                Error::MissingArgument(c) => l.text(b"option requires an argument -- '").text(&[c]).text(b"'"),
                Error::MissingValue(option) => l.text(b"option '").text(option).text(b"' requires an argument"),
                Error::NoProgram => l.text(b"no program to run"),
                Error::PauseWithProgram => l.text(b"pause mode (-P) runs no program"),
                Error::ProbeWithProgram => l.text(b"probe mode (--probe) runs no program"),
                Error::BadValue(..) | Error::BadRewrite(..) | Error::EmptyItem(..) => l,
            };
        }),
    };
    stderr::write(USAGE.as_bytes());
    fatal
}

/// argv after argv[0], and the number of the next word (argv[0] is 0).
struct Args<I> {
    words: I,
    next: usize,
}

impl<'a, I: Iterator<Item = &'a [u8]> + Clone> Args<I> {
    fn peek(&self) -> Option<&'a [u8]> {
        self.words.clone().next()
    }

    fn take(&mut self) -> Option<&'a [u8]> {
        self.next += 1;
        self.words.next()
    }
}

/// Parses argv (argv[0] included), then the environment, into `config`. Options come first; `--` ends
/// them; the first non-option is the program. `-h` and `-l` act as soon as they are met, like tini's
/// getopt loop.
#[inline(never)]
pub fn parse<'a, A, E>(argv: A, env: E, config: &mut Config<'a>) -> Result<Action<'a>, Error<'a>>
where
    A: IntoIterator<Item = &'a [u8]>,
    A::IntoIter: Clone,
    E: IntoIterator<Item = &'a [u8]>,
{
    let mut args = Args { words: argv.into_iter(), next: 0 };
    args.take();
    if args.peek() == Some(b"--version") && args.words.clone().nth(1).is_none() {
        return Ok(Action::Version);
    }
    let has_program = loop {
        let Some(arg) = args.peek() else { break false };
        if arg == b"--" {
            args.take();
            break args.peek().is_some();
        }
        // A word that is not an option, or a lone "-" (as for getopt), is the program.
        let Some((b'-', flags @ [_, ..])) = arg.split_first() else { break true };
        args.take();
        match flags.split_first() {
            Some((b'-', name)) => long_option(config, arg, name, &mut args)?,
            _ => {
                if let Some(action) = short_flags(config, flags, &mut args)? {
                    return Ok(action);
                }
            }
        }
    };
    config.apply_env(env)?;
    match (config.probe, has_program) {
        (Some(url), false) => return Ok(Action::Probe { url }),
        (Some(_), true) => return Err(Error::ProbeWithProgram),
        _ => {}
    }
    // Pause mode has no program to wait after.
    config.wait_all &= !config.pause;
    match (config.pause, has_program) {
        (false, true) => Ok(Action::Run { at: args.next }),
        (true, false) => Ok(Action::Pause),
        (false, false) => Err(Error::NoProgram),
        (true, true) => Err(Error::PauseWithProgram),
    }
}

/// `--name`, `--name=value` or `--name value`; `arg` is the whole word.
fn long_option<'a, I>(
    config: &mut Config<'a>,
    arg: &'a [u8],
    name: &'a [u8],
    args: &mut Args<I>,
) -> Result<(), Error<'a>>
where
    I: Iterator<Item = &'a [u8]> + Clone,
{
    let (name, inline) = match split_once(name, b'=') {
        Some((name, value)) => (name, Some(value)),
        None => (name, None),
    };
    // The option as written, for messages: `--name`, without `=value`.
    let written = arg.get(..name.len() + 2).unwrap_or(arg);
    let option = find(LongOption::NAMES, name).and_then(|i| LongOption::IN_ORDER.get(i));
    let mut value = || inline.or_else(|| args.take()).ok_or(Error::MissingValue(written));
    match option {
        Some(LongOption::Grace) => {
            let v = value()?;
            config.grace = Some(seconds(v).ok_or(Error::BadValue(written, v))?);
        }
        Some(LongOption::Rewrite) => rewrite(&mut config.rewrites, written, value()?)?,
        Some(LongOption::Pause) if inline.is_none() => config.pause = true,
        Some(LongOption::WaitAll) if inline.is_none() => config.wait_all = true,
        Some(LongOption::User) => config.user = Some(value()?),
        Some(LongOption::Probe) => config.probe = Some(value()?),
        _ => return Err(Error::UnknownLongOption(arg)),
    }
    Ok(())
}

/// One word of short flags (`-gsvvv`, `-e143`); a flag's value is the rest of the word or the next one.
/// `-h` and `-l` are the action to take.
fn short_flags<'a, I>(
    config: &mut Config<'a>,
    mut flags: &'a [u8],
    args: &mut Args<I>,
) -> Result<Option<Action<'a>>, Error<'a>>
where
    I: Iterator<Item = &'a [u8]> + Clone,
{
    while let Some((&flag, rest)) = flags.split_first() {
        flags = rest;
        match flag {
            b'h' => return Ok(Some(Action::Help)),
            b'l' => return Ok(Some(Action::License)),
            b'v' => config.verbosity = config.verbosity.saturating_add(1),
            // tini's -s: pidone is a subreaper by itself whenever it is not PID 1.
            b's' => {}
            b'g' => config.group = true,
            b'w' => config.warn_reaped = true,
            b'P' => config.pause = true,
            b'p' | b'e' | b'r' => {
                let value = match core::mem::take(&mut flags) {
                    [] => args.take().ok_or(Error::MissingArgument(flag))?,
                    attached => attached,
                };
                match flag {
                    b'p' => {
                        let sig = crate::signals::parse(value).ok_or(Error::BadValue(b"-p", value))?;
                        config.parent_death_signal = Some(sig);
                    }
                    b'e' => config.expected.insert(expected_code(value).ok_or(Error::BadValue(b"-e", value))?),
                    _ => rewrite(&mut config.rewrites, b"-r", value)?,
                }
            }
            _ => return Err(Error::UnknownOption(flag)),
        }
    }
    Ok(None)
}

impl<'a> Config<'a> {
    /// The variables, read after argv as tini reads its own: TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP,
    /// PIDONE_PAUSE, PIDONE_WARN_REAPED and PIDONE_WAIT_ALL (set at all, even empty, means on, as its
    /// flag does); TINI_VERBOSITY (which replaces the -v count, as tini's does); PIDONE_GRACE,
    /// PIDONE_PARENT_DEATH and PIDONE_USER (the flag wins); PIDONE_REWRITE and PIDONE_EXPECT
    /// (comma-separated, added to -r and -e). A bad value is an error, whichever wins; it names the
    /// variable. PIDONE_PROBE_TIMEOUT is the probe's (the flags and variables of the init are read, and
    /// checked, as for any run, but a probe is no init: `--probe` wins over PIDONE_PAUSE). And
    /// `container`, which is not pidone's but LXC's (it sets `container=lxc` for PID 1).
    fn apply_env(&mut self, env: impl IntoIterator<Item = &'a [u8]>) -> Result<(), Error<'a>> {
        for var in env {
            let Some((name, value)) = split_once(var, b'=') else { continue };
            if name == b"container" {
                self.lxc = value == b"lxc";
                continue;
            }
            let Some(variable) = find(Variable::NAMES, name).and_then(|i| Variable::IN_ORDER.get(i)) else { continue };
            let bad = |value| Error::BadValue(name, value);
            match variable {
                // As -s: nothing to do.
                Variable::Subreaper => {}
                Variable::KillProcessGroup => self.group = true,
                Variable::Verbosity => self.verbosity = verbosity_level(value),
                Variable::Pause => self.pause = true,
                Variable::Grace => {
                    self.grace.get_or_insert(seconds(value).ok_or(bad(value))?);
                }
                Variable::Rewrite => items(name, value, |item| rewrite(&mut self.rewrites, name, item))?,
                Variable::Expect => items(name, value, |item| {
                    self.expected.insert(expected_code(item).ok_or(bad(item))?);
                    Ok(())
                })?,
                Variable::ParentDeath => {
                    self.parent_death_signal.get_or_insert(crate::signals::parse(value).ok_or(bad(value))?);
                }
                Variable::WarnReaped => self.warn_reaped = true,
                Variable::WaitAll => self.wait_all = true,
                Variable::User => {
                    self.user.get_or_insert(value);
                }
                Variable::ProbeTimeout => {
                    self.probe_timeout = seconds(value).filter(|t| !t.is_zero()).ok_or(bad(value))?;
                }
            }
        }
        Ok(())
    }
}

/// The comma-separated items of variable `name`'s `value`, each to `add`; an empty one is refused.
fn items<'a>(
    name: &'a [u8],
    value: &'a [u8],
    mut add: impl FnMut(&'a [u8]) -> Result<(), Error<'a>>,
) -> Result<(), Error<'a>> {
    for item in split(value, b',') {
        if item.is_empty() {
            return Err(Error::EmptyItem(name, value));
        }
        add(item)?;
    }
    Ok(())
}

/// Adds rewrite `spec` (`-r`, `--rewrite` or an item of PIDONE_REWRITE, as `option` says).
fn rewrite<'a>(rewrites: &mut Rewrites, option: &'a [u8], spec: &'a [u8]) -> Result<(), Error<'a>> {
    rewrites.add(spec).ok_or(Error::BadRewrite(option, spec))
}

// The value parsers are shared by the flags and the variables: kept out of line, they are in the binary once.
/// A time in seconds (`--grace`, PIDONE_PROBE_TIMEOUT): whole seconds with an optional fraction (`2`,
/// `0.5`, `1.250`), at most a day.
#[inline(never)]
fn seconds(s: &[u8]) -> Option<Duration> {
    let (whole, fraction) = split_once(s, b'.').unwrap_or((s, b"0"));
    let secs = number(whole).filter(|&secs| secs <= 86_400)?;
    // Nanoseconds: the fraction's digits (nine at most), scaled up to nine.
    let scale = (fraction.len()..9).fold(1, |scale, _| scale * 10);
    let nanos = number(fraction).filter(|_| fraction.len() <= 9)? * scale;
    // From nanoseconds: Duration::new would keep a panic for nanos of a second or more.
    Some(Duration::from_nanos(u64::from(secs) * 1_000_000_000 + u64::from(nanos)))
}

/// `-e CODE` as tini reads it with strtol: optional leading white space and sign, decimal digits, nothing
/// after them, 0..=255. The empty string is 0 (strtol's quirk, which tini accepts).
#[inline(never)]
fn expected_code(s: &[u8]) -> Option<u8> {
    if s.is_empty() {
        return Some(0);
    }
    let (negative, digits) = signed(s);
    let value = number(digits)?;
    match (negative, u8::try_from(value)) {
        (true, _) if value == 0 => Some(0),
        (false, Ok(code)) => Some(code),
        _ => None,
    }
}

/// TINI_VERBOSITY as atoi reads it: leading digits count, anything else is 0; a negative level prints
/// everything (tini stores it unsigned).
#[inline(never)]
fn verbosity_level(s: &[u8]) -> u32 {
    let (negative, rest) = signed(s);
    let end = rest.iter().position(|c| !c.is_ascii_digit()).unwrap_or(rest.len());
    match number(rest.get(..end).unwrap_or_default()) {
        Some(value) if !negative || value == 0 => value,
        // No digits at all is 0; too many for a u32, or any negative level, prints everything.
        None if end == 0 => 0,
        _ => u32::MAX,
    }
}

/// Skips C isspace() characters and one sign.
fn signed(s: &[u8]) -> (bool, &[u8]) {
    // isspace: the space and 9 to 13 (tab, newline, vertical tab, form feed, carriage return).
    let start = s.iter().position(|&c| c != b' ' && !(9..=13).contains(&c)).unwrap_or(s.len());
    match s.get(start..).unwrap_or_default() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Parsed = Result<(Config<'static>, Action<'static>), Error<'static>>;

    fn leak(args: &[&str]) -> Vec<&'static [u8]> {
        args.iter().map(|a| a.to_string().leak().as_bytes()).collect()
    }

    fn with_env(args: &[&str], env: &[&str]) -> Parsed {
        let argv = std::iter::once("pidone").chain(args.iter().copied()).collect::<Vec<_>>();
        let mut config = Config::default();
        parse(leak(&argv), leak(env), &mut config).map(|action| (config, action))
    }

    fn run(args: &[&str]) -> Parsed {
        with_env(args, &[])
    }

    fn program(args: &[&str]) -> usize {
        match run(args) {
            Ok((_, Action::Run { at })) => at,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn program_position() {
        assert_eq!(program(&["true"]), 1);
        assert_eq!(program(&["--", "true"]), 2);
        assert_eq!(program(&["-s", "--", "true", "-l"]), 3);
        assert_eq!(program(&["ls", "-la"]), 1, "no permutation");
        assert_eq!(program(&["-v", "ls", "-l"]), 2);
        assert_eq!(program(&["--", "--", "true"]), 2, "one -- is consumed, the second is the program");
        assert_eq!(program(&["-"]), 1);
        assert_eq!(program(&["-p", "SIGTERM", "x"]), 3);
        assert_eq!(program(&["-pSIGTERM", "x"]), 2);
        assert_eq!(program(&["-e", "1", "-e2", "--", "x"]), 5);
        assert_eq!(program(&["--grace", "1", "x"]), 3);
        assert_eq!(program(&["--grace=1", "--rewrite", "TERM:QUIT", "-rHUP:0", "x"]), 5);
    }

    #[test]
    fn flags_combine() {
        let (c, _) = run(&["-gsvvvw", "x"]).unwrap();
        assert_eq!((c.group, c.verbosity, c.warn_reaped), (true, 4, true));
        let (c, _) = run(&["-ve143", "-e", "0", "x"]).unwrap();
        assert_eq!(c.verbosity, 2);
        assert_eq!((c.expected.remap(143), c.expected.remap(0), c.expected.remap(1)), (0, 0, 1));
        let (c, _) = run(&["-gpSIGKILL", "x"]).unwrap();
        assert_eq!((c.group, c.parent_death_signal), (true, Some(9)));
        let (c, _) = run(&["x"]).unwrap();
        assert_eq!(c, Config::default());
    }

    #[test]
    fn meta_actions_act_left_to_right() {
        assert_eq!(run(&["--version"]).unwrap().1, Action::Version);
        assert_eq!(run(&["-h"]).unwrap().1, Action::Help);
        assert_eq!(run(&["-h", "-z"]).unwrap().1, Action::Help);
        assert_eq!(run(&["-z", "-h"]), Err(Error::UnknownOption(b'z')));
        assert_eq!(run(&["-sl"]).unwrap().1, Action::License);
        assert_eq!(run(&["-vh", "x"]).unwrap().1, Action::Help);
    }

    #[test]
    fn errors() {
        assert_eq!(run(&[]), Err(Error::NoProgram));
        assert_eq!(run(&["--"]), Err(Error::NoProgram));
        assert_eq!(run(&["-s"]), Err(Error::NoProgram));
        assert_eq!(run(&["-p"]), Err(Error::MissingArgument(b'p')));
        assert_eq!(run(&["-s", "-e"]), Err(Error::MissingArgument(b'e')));
        assert_eq!(run(&["-r"]), Err(Error::MissingArgument(b'r')));
        assert_eq!(run(&["--help"]), Err(Error::UnknownLongOption(b"--help")));
        assert_eq!(run(&["--version", "--version"]), Err(Error::UnknownLongOption(b"--version")));
        assert_eq!(run(&["--version", "x"]), Err(Error::UnknownLongOption(b"--version")), "--version only alone");
        assert_eq!(run(&["--pause=1"]), Err(Error::UnknownLongOption(b"--pause=1")));
        assert_eq!(run(&["--grace"]), Err(Error::MissingValue(b"--grace")));
        assert_eq!(run(&["-x", "true"]), Err(Error::UnknownOption(b'x')));
        assert_eq!(run(&["-p", "NOPE", "x"]), Err(Error::BadValue(b"-p", b"NOPE")));
        assert_eq!(run(&["-p0", "x"]), Err(Error::BadValue(b"-p", b"0")));
        // The fuzzer's first find (an overflow in RTMAX-n), as it found it.
        assert_eq!(run(&["-prTMAx-099", "x"]), Err(Error::BadValue(b"-p", b"rTMAx-099")));
        assert_eq!(run(&["-r", "CHLD:TERM", "x"]), Err(Error::BadRewrite(b"-r", b"CHLD:TERM")));
        assert_eq!(run(&["-rKILL:TERM", "x"]), Err(Error::BadRewrite(b"-r", b"KILL:TERM")));
        assert_eq!(run(&["--rewrite", "STOP:0", "x"]), Err(Error::BadRewrite(b"--rewrite", b"STOP:0")));
        assert_eq!(run(&["--user"]), Err(Error::MissingValue(b"--user")));
        assert_eq!(run(&["--rewrite=TERM", "x"]), Err(Error::BadRewrite(b"--rewrite", b"TERM")));
        assert_eq!(run(&["--grace=-1", "x"]), Err(Error::BadValue(b"--grace", b"-1")));
        assert_eq!(run(&["--grace", "soon", "x"]), Err(Error::BadValue(b"--grace", b"soon")));
        assert_eq!(run(&["-P", "x"]), Err(Error::PauseWithProgram));
        for bad in ["256", "-1", "0x1", "1 ", "x", " ", "+", "99999999999999999999999"] {
            assert_eq!(run(&["-e", bad, "x"]), Err(Error::BadValue(b"-e", bad.as_bytes())), "{bad:?}");
        }
    }

    #[test]
    fn exit_codes_follow_strtol() {
        for (s, want) in [("", 0), ("0", 0), ("255", 255), (" +7", 7), ("\t42", 42), ("-0", 0), ("007", 7)] {
            assert_eq!(expected_code(s.as_bytes()), Some(want), "{s:?}");
        }
    }

    #[test]
    fn grace_periods() {
        for (s, ms) in [("0", 0), ("2", 2000), ("0.5", 500), ("1.25", 1250), ("0.001", 1), ("86400", 86_400_000)] {
            assert_eq!(seconds(s.as_bytes()), Some(Duration::from_millis(ms)), "{s:?}");
        }
        assert_eq!(seconds(b"0.000000001"), Some(Duration::from_nanos(1)));
        for bad in ["", ".5", "5.", "1.2.3", "-1", "1e3", "86401", "0.0000000001", " 1", "1s", "+1"] {
            assert_eq!(seconds(bad.as_bytes()), None, "{bad:?}");
        }
    }

    /// Each word of the packed lists, alone, is what it stands for; nothing else is (no empty word that an
    /// empty name could match, no word that is a piece of another).
    #[test]
    fn every_word_of_the_packed_lists_means_its_option() {
        let variables: Vec<&[u8]> = words(Variable::NAMES).collect();
        type IsSet = fn(&Config, &Action) -> bool;
        fn probing(c: &Config, a: &Action, secs: u64) -> bool {
            *a == Action::Probe { url: b"tcp://x:1" } && c.probe_timeout == Duration::from_secs(secs)
        }
        let settings: [(&str, IsSet); 12] = [
            // Accepted as tini's, with nothing to do: pidone is a subreaper by itself.
            ("1", |c, _| *c == Config::default()),
            ("1", |c, _| c.group),
            ("3", |c, _| c.verbosity == 3),
            ("1", |c, _| c.pause),
            ("2", |c, _| c.grace == Some(Duration::from_secs(2))),
            ("TERM:QUIT", |c, _| c.rewrites.apply(15) == 3),
            ("143", |c, _| c.expected.remap(143) == 0),
            ("SIGUSR1", |c, _| c.parent_death_signal == Some(10)),
            ("1", |c, _| c.warn_reaped),
            ("1", |c, _| c.wait_all),
            ("app:staff", |c, _| c.user == Some(b"app:staff")),
            ("3", |c, a| probing(c, a, 3)),
        ];
        assert_eq!(variables.len(), settings.len());
        for (name, (value, set)) in variables.iter().zip(settings) {
            let name = std::str::from_utf8(name).unwrap();
            let args: &[&str] = match name {
                "PIDONE_PAUSE" => &[],
                "PIDONE_PROBE_TIMEOUT" => &["--probe", "tcp://x:1"],
                _ => &["x"],
            };
            let (c, a) = with_env(args, &[&format!("{name}={value}")]).unwrap();
            assert!(set(&c, &a), "{name}");
            for near in [&name[1..], &name[..name.len() - 1], &format!("{name}_"), &name.to_lowercase()] {
                let near = format!("{near}={value}");
                let (c, _) = with_env(&["x"], &[&near]).unwrap();
                assert_eq!(c, Config::default(), "{near} is not a variable");
                let (c, a) = with_env(&["--probe", "tcp://x:1"], &[&near]).unwrap();
                assert!(probing(&c, &a, 5), "{near}");
            }
        }
        for bad in ["=1", "", "="] {
            assert_eq!(with_env(&["x"], &[bad]).unwrap().0, Config::default(), "{bad:?}");
        }
        let long: Vec<&[u8]> = words(LongOption::NAMES).collect();
        assert_eq!(long, [&b"grace"[..], b"rewrite", b"pause", b"wait-all", b"user", b"probe"]);
        assert_eq!(run(&["--user=0", "x"]).unwrap().0.user, Some(&b"0"[..]));
        assert!(matches!(run(&["--probe=tcp://127.0.0.1:1"]).unwrap().1, Action::Probe { .. }));
        assert_eq!(run(&["--grace=2", "x"]).unwrap().0.grace, Some(Duration::from_secs(2)));
        assert_eq!(run(&["--rewrite=TERM:QUIT", "x"]).unwrap().0.rewrites.apply(15), 3);
        assert_eq!(run(&["--pause"]).unwrap().1, Action::Pause);
        assert!(run(&["--wait-all", "x"]).unwrap().0.wait_all);
        assert_eq!(run(&["--wait-all=1", "x"]), Err(Error::UnknownLongOption(b"--wait-all=1")));
        for near in
            ["--=1", "--grac=1", "--gracee=1", "--rewrit=TERM:QUIT", "--paus", "--pause ", "--use=1", "--prob=x"]
        {
            assert_eq!(run(&[near, "x"]), Err(Error::UnknownLongOption(near.as_bytes())), "{near}");
        }
    }

    #[test]
    fn probe_mode() {
        let probe = |got: Parsed, url: &str, ms| {
            let (config, action) = got.unwrap();
            assert_eq!(
                (action, config.probe_timeout),
                (Action::Probe { url: url.as_bytes() }, Duration::from_millis(ms))
            );
        };
        probe(run(&["--probe", "http://127.0.0.1/"]), "http://127.0.0.1/", 5000);
        probe(run(&["-v", "--probe=tcp://[::1]:5", "--"]), "tcp://[::1]:5", 5000);
        assert_eq!(run(&["--probe"]), Err(Error::MissingValue(b"--probe")));
        assert_eq!(run(&["--probe", "tcp://x:1", "--", "prog"]), Err(Error::ProbeWithProgram));
        assert_eq!(run(&["--probe", "tcp://x:1", "prog"]), Err(Error::ProbeWithProgram));
        // A probe is no init: pause mode, in an image's environment for its init, does not stop it.
        probe(with_env(&["--probe", "tcp://x:1"], &["PIDONE_PAUSE=1", "PIDONE_PROBE_TIMEOUT=0.25"]), "tcp://x:1", 250);
        for bad in ["0", "", "soon", "-1", "86401"] {
            let set = format!("PIDONE_PROBE_TIMEOUT={bad}");
            let got = with_env(&["--probe", "tcp://x:1"], &[&set]);
            assert_eq!(got, Err(Error::BadValue(b"PIDONE_PROBE_TIMEOUT", leak(&[bad])[0])), "{set}");
        }
    }

    #[test]
    fn lxc_is_the_container_variable() {
        assert!(with_env(&["x"], &["container=lxc"]).unwrap().0.lxc);
        for other in ["container=docker", "container=", "container=lxcfs", "CONTAINER=lxc"] {
            assert!(!with_env(&["x"], &[other]).unwrap().0.lxc, "{other}");
        }
    }

    #[test]
    fn pause_mode() {
        assert_eq!(run(&["-P"]).unwrap().1, Action::Pause);
        assert_eq!(run(&["--pause", "-s"]).unwrap().1, Action::Pause);
        assert_eq!(with_env(&[], &["PIDONE_PAUSE="]).unwrap().1, Action::Pause);
        assert_eq!(with_env(&["x"], &["PIDONE_PAUSE=1"]), Err(Error::PauseWithProgram));
    }

    #[test]
    fn environment() {
        let (c, _) =
            with_env(&["x"], &["TINI_SUBREAPER=", "PATH=/bin", "TINI_KILL_PROCESS_GROUP=0", "NOEQUALS"]).unwrap();
        assert!(c.group);
        for (value, want) in [
            ("3", 3),
            ("0", 0),
            ("junk", 0),
            ("", 0),
            (" 2x", 2),
            ("-1", u32::MAX),
            ("-0", 0),
            ("99999999999", u32::MAX),
        ] {
            let (c, _) = with_env(&["-vvvvvv", "x"], &[&format!("TINI_VERBOSITY={value}")]).unwrap();
            assert_eq!(c.verbosity, want, "{value:?}");
        }
        let (c, _) = with_env(&["x"], &["TINI_SUBREAPERX=1", "XTINI_KILL_PROCESS_GROUP=1"]).unwrap();
        assert_eq!(c, Config::default());
        let (c, _) =
            with_env(&["-r", "HUP:INT", "x"], &["PIDONE_GRACE=0.25", "PIDONE_REWRITE=TERM:QUIT,USR1:0"]).unwrap();
        assert_eq!(c.grace, Some(Duration::from_millis(250)));
        assert_eq!((c.rewrites.apply(1), c.rewrites.apply(15), c.rewrites.apply(10)), (2, 3, 0));
        assert_eq!(with_env(&["x"], &["PIDONE_GRACE=soon"]), Err(Error::BadValue(b"PIDONE_GRACE", b"soon")));
        // Flags win over PIDONE_GRACE and PIDONE_PARENT_DEATH; -e and PIDONE_EXPECT add up.
        let env = ["PIDONE_GRACE=9", "PIDONE_PARENT_DEATH=HUP", "PIDONE_EXPECT=143,130", "PIDONE_WARN_REAPED="];
        let (c, _) = with_env(&["--grace", "1", "-p", "USR2", "-e", "2", "x"], &env).unwrap();
        assert_eq!((c.grace, c.parent_death_signal), (Some(Duration::from_secs(1)), Some(12)));
        assert_eq!(
            (c.expected.remap(2), c.expected.remap(143), c.expected.remap(130), c.expected.remap(1)),
            (0, 0, 0, 1)
        );
        assert!(c.warn_reaped);
        let (c, _) = with_env(&["x"], &env).unwrap();
        assert_eq!((c.grace, c.parent_death_signal), (Some(Duration::from_secs(9)), Some(1)));
        for (var, bad) in [("PIDONE_EXPECT", "256"), ("PIDONE_EXPECT", "x"), ("PIDONE_PARENT_DEATH", "NOPE")] {
            let set = format!("{var}=143,{bad}");
            let want = if var == "PIDONE_EXPECT" { bad.to_owned() } else { format!("143,{bad}") };
            let got = with_env(&["-p", "TERM", "x"], &[&set]);
            assert_eq!(got, Err(Error::BadValue(leak(&[var])[0], leak(&[&want])[0])), "{set}");
        }
        let empty = |name, value| Err(Error::EmptyItem(name, value));
        assert_eq!(with_env(&["x"], &["PIDONE_REWRITE=TERM:QUIT,"]), empty(b"PIDONE_REWRITE", b"TERM:QUIT,"));
        assert_eq!(with_env(&["x"], &["PIDONE_REWRITE="]), empty(b"PIDONE_REWRITE", b""));
        for value in ["1,,2", ",", "", "143,"] {
            let set = format!("PIDONE_EXPECT={value}");
            assert_eq!(with_env(&["x"], &[&set]), empty(b"PIDONE_EXPECT", leak(&[value])[0]), "{set}");
        }
        let refused = Err(Error::BadRewrite(&b"PIDONE_REWRITE"[..], &b"KILL:TERM"[..]));
        assert_eq!(with_env(&["x"], &["PIDONE_REWRITE=HUP:INT,KILL:TERM"]), refused);
        // The flag wins over PIDONE_USER.
        assert_eq!(with_env(&["--user", "a", "x"], &["PIDONE_USER=b"]).unwrap().0.user, Some(&b"a"[..]));
        assert_eq!(with_env(&["x"], &["PIDONE_USER=b"]).unwrap().0.user, Some(&b"b"[..]));
        // Empty, as for Docker's --user, it is uid 0.
        assert_eq!(with_env(&["x"], &["PIDONE_USER="]).unwrap().0.user, Some(&b""[..]));
    }
}
