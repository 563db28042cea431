//! The command line and the TINI_* variables, parsed as tini parses them, but stopping at the first
//! non-option like POSIX getopt (no glibc permutation: `pidone ls -la` runs `ls -la`).

use crate::bytes::{number, split_once, words};
use crate::exit_code::Expected;
use crate::signals::Rewrites;
use core::time::Duration;

/// The variables pidone reads, in the order `apply_env` matches them; the usage's last line.
macro_rules! variables {
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

pub const USAGE: &str = concat!(usage_head!(), variables!(), "\n");

/// The variables' names, matched by their position: the bytes of the usage's last line, stored once.
const VARIABLES: &[u8] = USAGE.as_bytes().split_at(usage_head!().len()).1.split_at(variables!().len()).0;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Config {
    /// 0 silent but fatal errors, 1 warnings (default), 2 info, 3 debug, 4 trace.
    pub verbosity: u32,
    /// Signal the child's process group rather than the child.
    pub group: bool,
    pub warn_reaped: bool,
    pub parent_death_signal: Option<u32>,
    pub expected: Expected,
    /// How long the rest of the tree gets between SIGTERM and SIGKILL once the main child is gone.
    pub grace: Option<Duration>,
    /// Once the main child is gone, wait for the rest of the tree to end.
    pub wait_all: bool,
    pub rewrites: Rewrites,
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
            pause: false,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    /// Run the program whose name is argument number `program` (counting argv[0] as 0).
    Run {
        program: usize,
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
    BadValue(&'static [u8], &'a [u8]),
    NoProgram,
    PauseWithProgram,
}

/// Parses argv (argv[0] included), then the environment. Options come first; `--` ends them; the first
/// non-option is the program. `-h` and `-l` act as soon as they are met, like tini's getopt loop.
pub fn parse<'a, A, E>(argv: A, env: E) -> Result<(Config, Action), Error<'a>>
where
    A: IntoIterator<Item = &'a [u8]>,
    A::IntoIter: Clone,
    E: IntoIterator<Item = &'a [u8]>,
{
    let mut args = argv.into_iter();
    args.next();
    let mut config = Config::default();
    let mut peek = args.clone();
    if peek.next() == Some(b"--version") && peek.next().is_none() {
        return Ok((config, Action::Version));
    }
    let mut index = 1;
    let has_program = loop {
        let Some(arg) = args.next() else { break false };
        if arg == b"--" {
            index += 1;
            break args.next().is_some();
        }
        let Some((b'-', mut flags)) = arg.split_first() else { break true };
        if flags.is_empty() {
            break true; // a lone "-" is a program name, as for getopt
        }
        index += 1;
        if let Some((b'-', long)) = flags.split_first() {
            // --name, --name=value or --name value
            let (name, inline) = match split_once(long, b'=') {
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            };
            let mut value = |option| match inline {
                Some(v) => Ok(v),
                None => {
                    index += 1;
                    args.next().ok_or(Error::MissingValue(option))
                }
            };
            match words(LONG_OPTIONS).position(|o| o == name) {
                Some(0) => {
                    let v = value(b"--grace")?;
                    config.grace = Some(grace(v).ok_or(Error::BadValue(b"--grace", v))?);
                }
                Some(1) => {
                    let spec = value(b"--rewrite")?;
                    config.rewrites.add(spec).ok_or(Error::BadValue(b"--rewrite", spec))?;
                }
                Some(2) if inline.is_none() => config.pause = true,
                Some(3) if inline.is_none() => config.wait_all = true,
                _ => return Err(Error::UnknownLongOption(arg)),
            }
            continue;
        }
        while let Some((&flag, rest)) = flags.split_first() {
            flags = rest;
            match flag {
                b'h' => return Ok((config, Action::Help)),
                b'l' => return Ok((config, Action::License)),
                b'v' => config.verbosity = config.verbosity.saturating_add(1),
                // tini's -s: pidone is a subreaper by itself whenever it is not PID 1.
                b's' => {}
                b'g' => config.group = true,
                b'w' => config.warn_reaped = true,
                b'P' => config.pause = true,
                b'p' | b'e' | b'r' => {
                    // The value is the rest of this argument (`-pSIGTERM`) or the next one.
                    let value = if flags.is_empty() {
                        index += 1;
                        args.next().ok_or(Error::MissingArgument(flag))?
                    } else {
                        core::mem::take(&mut flags)
                    };
                    match flag {
                        b'p' => {
                            let sig = crate::signals::parse(value).ok_or(Error::BadValue(b"-p", value))?;
                            config.parent_death_signal = Some(sig);
                        }
                        b'e' => config.expected.insert(exit_code(value).ok_or(Error::BadValue(b"-e", value))?),
                        _ => config.rewrites.add(value).ok_or(Error::BadValue(b"-r", value))?,
                    }
                }
                _ => return Err(Error::UnknownOption(flag)),
            }
        }
    };
    config.apply_env(env)?;
    // Pause mode has no program to wait after.
    config.wait_all &= !config.pause;
    match (config.pause, has_program) {
        (false, true) => Ok((config, Action::Run { program: index })),
        (true, false) => Ok((config, Action::Pause)),
        (false, false) => Err(Error::NoProgram),
        (true, true) => Err(Error::PauseWithProgram),
    }
}

// Names are matched by their position in a space-separated list: a fraction of the code that a `match`
// on byte strings compiles to.
const LONG_OPTIONS: &[u8] = b"grace rewrite pause wait-all";

impl Config {
    /// The variables, read after argv as tini reads its own: TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP,
    /// PIDONE_PAUSE, PIDONE_WARN_REAPED and PIDONE_WAIT_ALL (set at all, even empty, means on, as its
    /// flag does); TINI_VERBOSITY (which replaces the -v count, as tini's does); PIDONE_GRACE and
    /// PIDONE_PARENT_DEATH (the flag wins); PIDONE_REWRITE and PIDONE_EXPECT (comma-separated, added to
    /// -r and -e). A bad value is an error, whichever wins.
    fn apply_env<'a>(&mut self, env: impl IntoIterator<Item = &'a [u8]>) -> Result<(), Error<'a>> {
        for var in env {
            let Some((name, value)) = split_once(var, b'=') else { continue };
            let Some((index, name)) = words(VARIABLES).enumerate().find(|&(_, v)| v == name) else { continue };
            let bad = |value| Error::BadValue(name, value);
            match index {
                0 => {} // TINI_SUBREAPER, as -s
                1 => self.group = true,
                2 => self.verbosity = verbosity(value),
                3 => self.pause = true,
                4 => {
                    self.grace.get_or_insert(grace(value).ok_or(bad(value))?);
                }
                5 | 6 => {
                    for item in value.split(|&c| c == b',') {
                        match index {
                            5 => self.rewrites.add(item),
                            _ => exit_code(item).map(|code| self.expected.insert(code)),
                        }
                        .ok_or(bad(item))?;
                    }
                }
                7 => {
                    self.parent_death_signal.get_or_insert(crate::signals::parse(value).ok_or(bad(value))?);
                }
                8 => self.warn_reaped = true,
                _ => self.wait_all = true,
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
fn exit_code(s: &[u8]) -> Option<u8> {
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
            Ok((_, Action::Run { program })) => program,
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
            assert_eq!(exit_code(s.as_bytes()), Some(want), "{s:?}");
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
        let variables: Vec<&[u8]> = words(VARIABLES).collect();
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
        let long: Vec<&[u8]> = words(LONG_OPTIONS).collect();
        assert_eq!(long, [&b"grace"[..], b"rewrite", b"pause", b"wait-all"]);
        assert_eq!(run(&["--grace=2", "x"]).unwrap().0.grace, Some(Duration::from_secs(2)));
        assert!(run(&["--wait-all", "x"]).unwrap().0.wait_all);
        assert_eq!(run(&["--wait-all=1", "x"]), Err(Error::UnknownLongOption(b"--wait-all=1")));
        assert_eq!(run(&["--rewrite=TERM:QUIT", "x"]).unwrap().0.rewrites.apply(15), 3);
        assert_eq!(run(&["--pause"]).unwrap().1, Action::Pause);
        for near in ["--=1", "--grac=1", "--gracee=1", "--rewrit=TERM:QUIT", "--paus", "--pause "] {
            assert_eq!(run(&[near, "x"]), Err(Error::UnknownLongOption(near.as_bytes())), "{near}");
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
