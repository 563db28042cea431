//! The command line and pidone's variables (`TINI_*`, `PIDONE_*`) → `Config` and `Action`, parsed as tini's
//! getopt parses its command line, but stopping at the first non-option like POSIX getopt (no glibc
//! permutation: `pidone ls -la` runs `ls -la`).
//!
//! Long options and variables are found by their place in a space-separated list of their names (one
//! string, not a table of slices: a fraction of the bytes), whose order is their enum's.

use crate::bytes::{count_words, number, split, split_once, words};
use crate::ending::Expected;
use crate::signals::Rewrites;
use core::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum LongOption {
    Grace,
    Rewrite,
    Pause,
    WaitAll,
}

impl LongOption {
    const IN_ORDER: [LongOption; 4] = [LongOption::Grace, LongOption::Rewrite, LongOption::Pause, LongOption::WaitAll];
    const NAMES: &[u8] = b"grace rewrite pause wait-all";
}

const _: () = assert!(count_words(LongOption::NAMES) == LongOption::IN_ORDER.len());

/// The variables pidone reads, in the order of `Variable::IN_ORDER`; the usage's last line.
macro_rules! variable_names {
    () => {
        "TINI_SUBREAPER TINI_KILL_PROCESS_GROUP TINI_VERBOSITY PIDONE_PAUSE PIDONE_GRACE PIDONE_REWRITE \
         PIDONE_EXPECT PIDONE_PARENT_DEATH PIDONE_WARN_REAPED PIDONE_WAIT_ALL"
    };
}

macro_rules! usage_head {
    () => {
        concat!(
            "pidone ",
            env!("CARGO_PKG_VERSION"),
            ", a tiny init for containers (a drop-in for tini)\n",
            "Usage: pidone [OPTIONS] [--] PROGRAM [ARGS] | pidone -P [OPTIONS] | pidone --version\n",
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
}

impl Variable {
    const IN_ORDER: [Variable; 10] = [
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
pub struct Config {
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
    pause: bool,
}

impl Default for Config {
    fn default() -> Config {
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
            pause: false,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    /// Run the program whose name is argv[at].
    Run {
        at: usize,
    },
    /// No program: only reap, until TERM or INT.
    Pause,
    Help,
    Version,
    License,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Error<'a> {
    UnknownOption(u8),
    UnknownLongOption(&'a [u8]),
    MissingArgument(u8),
    /// A long option without its value.
    MissingValue(&'static [u8]),
    /// The option, as written, and its bad value.
    BadValue(&'a [u8], &'a [u8]),
    NoProgram,
    PauseWithProgram,
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

/// Parses argv (argv[0] included), then the environment. Options come first; `--` ends them; the first
/// non-option is the program. `-h` and `-l` act as soon as they are met, like tini's getopt loop.
pub fn parse<'a, A, E>(argv: A, env: E) -> Result<(Config, Action), Error<'a>>
where
    A: IntoIterator<Item = &'a [u8]>,
    A::IntoIter: Clone,
    E: IntoIterator<Item = &'a [u8]>,
{
    let mut args = Args { words: argv.into_iter(), next: 0 };
    args.take();
    let mut config = Config::default();
    if args.peek() == Some(b"--version") && args.words.clone().nth(1).is_none() {
        return Ok((config, Action::Version));
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
            Some((b'-', name)) => long_option(&mut config, arg, name, &mut args)?,
            _ => {
                if let Some(action) = short_flags(&mut config, flags, &mut args)? {
                    return Ok((config, action));
                }
            }
        }
    };
    config.apply_env(env)?;
    // Pause mode has no program to wait after.
    config.wait_all &= !config.pause;
    match (config.pause, has_program) {
        (false, true) => Ok((config, Action::Run { at: args.next })),
        (true, false) => Ok((config, Action::Pause)),
        (false, false) => Err(Error::NoProgram),
        (true, true) => Err(Error::PauseWithProgram),
    }
}

/// `--name`, `--name=value` or `--name value`; `arg` is the whole word.
fn long_option<'a, I>(config: &mut Config, arg: &'a [u8], name: &'a [u8], args: &mut Args<I>) -> Result<(), Error<'a>>
where
    I: Iterator<Item = &'a [u8]> + Clone,
{
    let (name, inline) = match split_once(name, b'=') {
        Some((name, value)) => (name, Some(value)),
        None => (name, None),
    };
    match find(LongOption::NAMES, name).and_then(|i| LongOption::IN_ORDER.get(i)) {
        Some(LongOption::Grace) => {
            let v = inline.or_else(|| args.take()).ok_or(Error::MissingValue(b"--grace"))?;
            config.grace = Some(grace(v).ok_or(Error::BadValue(b"--grace", v))?);
        }
        Some(LongOption::Rewrite) => {
            let spec = inline.or_else(|| args.take()).ok_or(Error::MissingValue(b"--rewrite"))?;
            config.rewrites.add(spec).ok_or(Error::BadValue(b"--rewrite", spec))?;
        }
        Some(LongOption::Pause) if inline.is_none() => config.pause = true,
        Some(LongOption::WaitAll) if inline.is_none() => config.wait_all = true,
        _ => return Err(Error::UnknownLongOption(arg)),
    }
    Ok(())
}

/// One word of short flags (`-gsvvv`, `-e143`); a flag's value is the rest of the word or the next one.
/// `-h` and `-l` are the action to take.
fn short_flags<'a, I>(config: &mut Config, mut flags: &'a [u8], args: &mut Args<I>) -> Result<Option<Action>, Error<'a>>
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
                    _ => config.rewrites.add(value).ok_or(Error::BadValue(b"-r", value))?,
                }
            }
            _ => return Err(Error::UnknownOption(flag)),
        }
    }
    Ok(None)
}

impl Config {
    /// The variables, read after argv as tini reads its own: TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP,
    /// PIDONE_PAUSE, PIDONE_WARN_REAPED and PIDONE_WAIT_ALL (set at all, even empty, means on, as its
    /// flag does); TINI_VERBOSITY (which replaces the -v count, as tini's does); PIDONE_GRACE and
    /// PIDONE_PARENT_DEATH (the flag wins); PIDONE_REWRITE and PIDONE_EXPECT (comma-separated, added to
    /// -r and -e). A bad value is an error, whichever wins; it names the variable. And `container`, which
    /// is not pidone's but LXC's (it sets `container=lxc` for PID 1).
    fn apply_env<'a>(&mut self, env: impl IntoIterator<Item = &'a [u8]>) -> Result<(), Error<'a>> {
        for var in env {
            let Some((name, value)) = split_once(var, b'=') else { continue };
            if name == b"container" {
                self.lxc = value == b"lxc";
                continue;
            }
            let Some(variable) = find(Variable::NAMES, name).and_then(|i| Variable::IN_ORDER.get(i)) else { continue };
            let bad = |value| Error::BadValue(name, value);
            let items = || split(value, b',');
            match variable {
                // As -s: nothing to do.
                Variable::Subreaper => {}
                Variable::KillProcessGroup => self.group = true,
                Variable::Verbosity => self.verbosity = verbosity(value),
                Variable::Pause => self.pause = true,
                Variable::Grace => {
                    self.grace.get_or_insert(grace(value).ok_or(bad(value))?);
                }
                Variable::Rewrite => {
                    for item in items() {
                        self.rewrites.add(item).ok_or(bad(item))?;
                    }
                }
                Variable::Expect => {
                    for item in items() {
                        self.expected.insert(expected_code(item).ok_or(bad(item))?);
                    }
                }
                Variable::ParentDeath => {
                    self.parent_death_signal.get_or_insert(crate::signals::parse(value).ok_or(bad(value))?);
                }
                Variable::WarnReaped => self.warn_reaped = true,
                Variable::WaitAll => self.wait_all = true,
            }
        }
        Ok(())
    }
}

// The value parsers are shared by the flags and the variables: kept out of line, they are in the binary once.
/// `--grace SECONDS`: whole seconds with an optional fraction (`2`, `0.5`, `1.250`), at most a day.
#[inline(never)]
fn grace(s: &[u8]) -> Option<Duration> {
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
fn verbosity(s: &[u8]) -> u32 {
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

    fn leak(args: &[&str]) -> Vec<&'static [u8]> {
        args.iter().map(|a| a.to_string().leak().as_bytes()).collect()
    }

    fn with_env(args: &[&str], env: &[&str]) -> Result<(Config, Action), Error<'static>> {
        let argv = std::iter::once("pidone").chain(args.iter().copied()).collect::<Vec<_>>();
        parse(leak(&argv), leak(env))
    }

    fn run(args: &[&str]) -> Result<(Config, Action), Error<'static>> {
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
        assert_eq!(run(&["-r", "CHLD:TERM", "x"]), Err(Error::BadValue(b"-r", b"CHLD:TERM")));
        assert_eq!(run(&["--rewrite=TERM", "x"]), Err(Error::BadValue(b"--rewrite", b"TERM")));
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
            assert_eq!(grace(s.as_bytes()), Some(Duration::from_millis(ms)), "{s:?}");
        }
        assert_eq!(grace(b"0.000000001"), Some(Duration::from_nanos(1)));
        for bad in ["", ".5", "5.", "1.2.3", "-1", "1e3", "86401", "0.0000000001", " 1", "1s", "+1"] {
            assert_eq!(grace(bad.as_bytes()), None, "{bad:?}");
        }
    }

    /// Each word of the packed lists, alone, is what it stands for; nothing else is (no empty word that an
    /// empty name could match, no word that is a piece of another).
    #[test]
    fn every_word_of_the_packed_lists_means_its_option() {
        let variables: Vec<&[u8]> = words(Variable::NAMES).collect();
        type IsSet = fn(&Config) -> bool;
        let settings: [(&str, IsSet); 10] = [
            // Accepted as tini's, with nothing to do: pidone is a subreaper by itself.
            ("1", |c| *c == Config::default()),
            ("1", |c| c.group),
            ("3", |c| c.verbosity == 3),
            ("1", |c| c.pause),
            ("2", |c| c.grace == Some(Duration::from_secs(2))),
            ("TERM:QUIT", |c| c.rewrites.apply(15) == 3),
            ("143", |c| c.expected.remap(143) == 0),
            ("SIGUSR1", |c| c.parent_death_signal == Some(10)),
            ("1", |c| c.warn_reaped),
            ("1", |c| c.wait_all),
        ];
        assert_eq!(variables.len(), settings.len());
        for (name, (value, set)) in variables.iter().zip(settings) {
            let name = std::str::from_utf8(name).unwrap();
            let args: &[&str] = if name == "PIDONE_PAUSE" { &[] } else { &["x"] };
            let (c, _) = with_env(args, &[&format!("{name}={value}")]).unwrap();
            assert!(set(&c), "{name}");
            for near in [&name[1..], &name[..name.len() - 1], &format!("{name}_"), &name.to_lowercase()] {
                let (c, _) = with_env(&["x"], &[&format!("{near}={value}")]).unwrap();
                assert_eq!(c, Config::default(), "{near} is not a variable");
            }
        }
        for bad in ["=1", "", "="] {
            assert_eq!(with_env(&["x"], &[bad]).unwrap().0, Config::default(), "{bad:?}");
        }
        let long: Vec<&[u8]> = words(LongOption::NAMES).collect();
        assert_eq!(long, [&b"grace"[..], b"rewrite", b"pause", b"wait-all"]);
        assert_eq!(run(&["--grace=2", "x"]).unwrap().0.grace, Some(Duration::from_secs(2)));
        assert_eq!(run(&["--rewrite=TERM:QUIT", "x"]).unwrap().0.rewrites.apply(15), 3);
        assert_eq!(run(&["--pause"]).unwrap().1, Action::Pause);
        assert!(run(&["--wait-all", "x"]).unwrap().0.wait_all);
        assert_eq!(run(&["--wait-all=1", "x"]), Err(Error::UnknownLongOption(b"--wait-all=1")));
        for near in ["--=1", "--grac=1", "--gracee=1", "--rewrit=TERM:QUIT", "--paus", "--pause "] {
            assert_eq!(run(&[near, "x"]), Err(Error::UnknownLongOption(near.as_bytes())), "{near}");
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
        assert_eq!(with_env(&["x"], &["PIDONE_REWRITE=TERM:QUIT,"]), Err(Error::BadValue(b"PIDONE_REWRITE", b"")));
    }
}
