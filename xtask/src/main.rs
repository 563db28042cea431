//! pidone's build logic, as `cargo xtask <verb>` (the alias lives in .cargo/config.toml).

mod dist;
mod elf;
mod setup;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask <verb>

  dist          build target/dist/pidone-{amd64,arm64} and SHA256SUMS, checking every artifact
  run -- ARGS   run `pidone ARGS` as PID 1 of a fresh PID namespace (the build for this machine)
  test          the whole test suite: unit tests, then the integration tests against both builds
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dist") => dist::dist().map(|_| ExitCode::SUCCESS),
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    result.unwrap_or_else(|e| {
        eprintln!("xtask: {e}");
        ExitCode::FAILURE
    })
}

pub type Result<T> = std::result::Result<T, String>;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_path_buf()
}

/// Runs a command, failing with its name if it cannot start or exits non-zero.
pub fn status(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if status.success() { Ok(()) } else { Err(format!("{cmd:?} failed: {status}")) }
}

/// `unshare` arguments for a fresh PID namespace, as root or (with a user namespace) as anyone.
fn pid_namespace() -> Command {
    let mut cmd = Command::new("unshare");
    if !setup::is_root() {
        cmd.args(["--user", "--map-root-user"]);
    }
    cmd.args(["--pid", "--fork", "--mount-proc", "--kill-child"]);
    cmd
}

fn run(args: &[String]) -> Result<ExitCode> {
    let args = args.strip_prefix(&["--".to_owned()]).unwrap_or(args);
    let binary = dist::dist()?.native;
    let status = pid_namespace().arg(&binary).args(args).status().map_err(|e| format!("cannot run unshare: {e}"))?;
    Ok(ExitCode::from(status.code().unwrap_or(1) as u8))
}

/// Integration tests that cannot hold under qemu-user, and why. They run on the native build.
const NOT_UNDER_QEMU: [(&str, &str); 4] = [
    ("idle_pidone_never_wakes_up", "qemu's own threads wake up, so the context switches counted are qemu's"),
    ("a_hundred_orphans_are_reaped_as_a_subreaper", "qemu 7.2 rejects PR_SET_CHILD_SUBREAPER with EINVAL"),
    ("not_pid_1_and_not_a_subreaper_warns", "qemu 7.2 rejects PR_GET_CHILD_SUBREAPER with EINVAL"),
    ("inherited_ignored_signals_reach_the_grandchild",
     "qemu installs host handlers for the guest's signals, so a native exec resets inherited SIG_IGN"),
];

fn test() -> Result<ExitCode> {
    setup::packages(&[("unshare", "util-linux"), ("script", "bsdutils"), ("bash", "bash"), ("env", "coreutils"),
                      ("qemu-aarch64-static", "qemu-user-static")])?;
    let built = dist::dist()?;
    // Unit tests, and the integration tests against the shipped static build for this machine.
    status(Command::new("cargo").current_dir(root()).args(["test", "--workspace"]).env("PIDONE_BIN", &built.native))?;
    // The integration tests again against every other build, under qemu-user.
    for (arch, binary) in &built.foreign {
        let runner = format!("qemu-{}-static", if *arch == "arm64" { "aarch64" } else { "x86_64" });
        println!("\nIntegration tests of pidone-{arch} under {runner}; left out there:");
        let mut cmd = Command::new("cargo");
        cmd.current_dir(root()).args(["test", "--package", "pidone", "--test", "*", "--", "--exact"]);
        for (name, why) in NOT_UNDER_QEMU {
            println!("  {name}: {why}");
            cmd.args(["--skip", name]);
        }
        status(cmd.env("PIDONE_BIN", binary).env("PIDONE_RUNNER", runner))?;
    }
    Ok(ExitCode::SUCCESS)
}
