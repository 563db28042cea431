//! The command line and the TINI_* variables, parsed as tini parses them, but stopping at the first
//! non-option like POSIX getopt (no glibc permutation: `pidone ls -la` runs `ls -la`).

use crate::exit::Expected;

pub const USAGE: &str = concat!(
    "pidone ", env!("CARGO_PKG_VERSION"), " - a tiny init for containers, a drop-in for tini\n",
    "\n",
    "Usage: pidone [OPTIONS] [--] PROGRAM [ARGS...]\n",
    "       pidone --version\n",
    "\n",
    "Runs PROGRAM under the supervision of a valid init process: every signal pidone\n",
    "receives goes on to PROGRAM, zombie processes are reaped, and pidone exits with\n",
    "PROGRAM's exit status (128+N when a signal N killed it).\n",
    "\n",
    "Options:\n",
    "  -s          Register as a child subreaper (for when pidone is not PID 1).\n",
    "  -g          Send signals to PROGRAM's process group instead of PROGRAM alone.\n",
    "  -p SIGNAL   Receive SIGNAL when pidone's parent dies (e.g. -p SIGKILL).\n",
    "  -e CODE     Exit with 0 when PROGRAM exits with CODE (0 to 255; repeatable).\n",
    "  -w          Warn about every reaped zombie that is not PROGRAM.\n",
    "  -v          Print more verbose diagnostics on stderr (repeatable: -vvv).\n",
    "  -l          Print the license and exit.\n",
    "  -h          Print this help and exit.\n",
    "  --version   Print the version and exit (as the only argument).\n",
    "\n",
    "Environment:\n",
    "  TINI_SUBREAPER           Set (to anything) for -s.\n",
    "  TINI_KILL_PROCESS_GROUP  Set (to anything) for -g.\n",
    "  TINI_VERBOSITY           The verbosity level, replacing -v (default 1).\n",
);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Config {
    /// 0 silent but fatal errors, 1 warnings (default), 2 info, 3 debug, 4 trace.
    pub verbosity: u32,
    pub subreaper: bool,
    /// Signal the child's process group rather than the child.
    pub group: bool,
    pub warn_reaped: bool,
    pub parent_death_signal: Option<u32>,
    pub expected: Expected,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            verbosity: 1,
            subreaper: false,
            group: false,
            warn_reaped: false,
            parent_death_signal: None,
            expected: Expected::default(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    /// Run the program whose name is argument number `program` (counting argv[0] as 0).
    Run { program: usize },
    Help,
    Version,
    License,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Error<'a> {
    UnknownOption(u8),
    MissingArgument(u8),
    BadSignal(&'a [u8]),
    BadCode(&'a [u8]),
    NoProgram,
}

/// Parses argv (argv[0] included). Options come first; `--` ends them; the first non-option is the
/// program. `-h` and `-l` act as soon as they are met, like tini's getopt loop.
pub fn parse<'a, I>(argv: I) -> Result<(Config, Action), Error<'a>>
where
    I: IntoIterator<Item = &'a [u8]>,
    I::IntoIter: Clone,
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
        while let Some((&flag, rest)) = flags.split_first() {
            flags = rest;
            match flag {
                b'h' => return Ok((config, Action::Help)),
                b'l' => return Ok((config, Action::License)),
                b'v' => config.verbosity = config.verbosity.saturating_add(1),
                b's' => config.subreaper = true,
                b'g' => config.group = true,
                b'w' => config.warn_reaped = true,
                b'p' | b'e' => {
                    // The value is the rest of this argument (`-pSIGTERM`) or the next one.
                    let value = if flags.is_empty() {
                        index += 1;
                        args.next().ok_or(Error::MissingArgument(flag))?
                    } else {
                        core::mem::take(&mut flags)
                    };
                    if flag == b'p' {
                        let sig = crate::signals::parse(value).ok_or(Error::BadSignal(value))?;
                        config.parent_death_signal = Some(sig);
                    } else {
                        config.expected.insert(exit_code(value).ok_or(Error::BadCode(value))?);
                    }
                }
                _ => return Err(Error::UnknownOption(flag)),
            }
        }
    };
    if has_program { Ok((config, Action::Run { program: index })) } else { Err(Error::NoProgram) }
}

impl Config {
    /// Applies TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP (set at all, even empty, means on) and
    /// TINI_VERBOSITY (which replaces the -v count). Read after argv, as tini does.
    pub fn apply_env<'a>(&mut self, env: impl IntoIterator<Item = &'a [u8]>) {
        for var in env {
            let Some(eq) = var.iter().position(|&c| c == b'=') else { continue };
            let (name, value) = (&var[..eq], &var[eq + 1..]);
            match name {
                b"TINI_SUBREAPER" => self.subreaper = true,
                b"TINI_KILL_PROCESS_GROUP" => self.group = true,
                b"TINI_VERBOSITY" => self.verbosity = verbosity(value),
                _ => {}
            }
        }
    }
}

/// `-e CODE` as tini reads it with strtol: optional leading white space and sign, decimal digits, nothing
/// after them, 0..=255. The empty string is 0 (strtol's quirk, which tini accepts).
fn exit_code(s: &[u8]) -> Option<u8> {
    if s.is_empty() {
        return Some(0);
    }
    let (negative, digits) = signed(s);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = decimal(digits);
    match (negative, u8::try_from(value)) {
        (true, _) if value == 0 => Some(0),
        (false, Ok(code)) => Some(code),
        _ => None,
    }
}

/// TINI_VERBOSITY as atoi reads it: leading digits count, anything else is 0; a negative level prints
/// everything (tini stores it unsigned).
fn verbosity(s: &[u8]) -> u32 {
    let (negative, rest) = signed(s);
    let end = rest.iter().position(|c| !c.is_ascii_digit()).unwrap_or(rest.len());
    let value = decimal(&rest[..end]);
    if negative && value > 0 { u32::MAX } else { u32::try_from(value).unwrap_or(u32::MAX) }
}

/// Skips C isspace() characters and one sign.
fn signed(s: &[u8]) -> (bool, &[u8]) {
    let start = s.iter().position(|c| !b" \t\n\x0b\x0c\r".contains(c)).unwrap_or(s.len());
    match &s[start..] {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    }
}

/// The value of a run of ASCII digits, saturating.
fn decimal(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |n, &c| n.saturating_mul(10).saturating_add(u64::from(c - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<(Config, Action), Error<'static>> {
        let owned: Vec<&'static [u8]> =
            std::iter::once("pidone").chain(args.iter().copied()).map(|a| &*a.to_string().leak().as_bytes()).collect();
        parse(owned.into_iter())
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
    }

    #[test]
    fn flags_combine() {
        let (c, _) = run(&["-gsvvvw", "x"]).unwrap();
        assert_eq!((c.group, c.subreaper, c.verbosity, c.warn_reaped), (true, true, 4, true));
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
        assert_eq!(run(&["--help"]), Err(Error::UnknownOption(b'-')));
        assert_eq!(run(&["--version", "--version"]), Err(Error::UnknownOption(b'-')));
        assert_eq!(run(&["--version", "x"]), Err(Error::UnknownOption(b'-')), "--version only alone");
        assert_eq!(run(&["-x", "true"]), Err(Error::UnknownOption(b'x')));
        assert_eq!(run(&["-p", "NOPE", "x"]), Err(Error::BadSignal(b"NOPE")));
        assert_eq!(run(&["-p0", "x"]), Err(Error::BadSignal(b"0")));
        for bad in ["256", "-1", "0x1", "1 ", "x", " ", "+", "99999999999999999999999"] {
            assert_eq!(run(&["-e", bad, "x"]), Err(Error::BadCode(bad.as_bytes())), "{bad:?}");
        }
    }

    #[test]
    fn exit_codes_follow_strtol() {
        for (s, want) in [("", 0), ("0", 0), ("255", 255), (" +7", 7), ("\t42", 42), ("-0", 0), ("007", 7)] {
            assert_eq!(exit_code(s.as_bytes()), Some(want), "{s:?}");
        }
    }

    #[test]
    fn environment() {
        let mut c = Config::default();
        c.apply_env([&b"TINI_SUBREAPER="[..], b"PATH=/bin", b"TINI_KILL_PROCESS_GROUP=0", b"NOEQUALS"]);
        assert!(c.subreaper && c.group);
        for (value, want) in [("3", 3), ("0", 0), ("junk", 0), ("", 0), (" 2x", 2), ("-1", u32::MAX),
                              ("-0", 0), ("99999999999", u32::MAX)] {
            let mut c = Config { verbosity: 7, ..Config::default() };
            c.apply_env([format!("TINI_VERBOSITY={value}").as_bytes()]);
            assert_eq!(c.verbosity, want, "{value:?}");
        }
        let mut c = Config::default();
        c.apply_env([&b"TINI_SUBREAPERX=1"[..], b"XTINI_KILL_PROCESS_GROUP=1"]);
        assert_eq!(c, Config::default());
    }
}
