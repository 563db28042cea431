//! pidone's build logic, as `cargo xtask <verb>` (the alias lives in .cargo/config.toml).

mod bench;
mod chart;
mod dist;
mod docker;
mod e2e;
mod elf;
/// The integration tests' way into a fresh PID namespace, shared.
#[path = "../../tests/common/namespace.rs"]
mod namespace;
mod release;
mod revision;
mod setup;
mod targets;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask <verb>

  dist          build target/dist/pidone-<arch> for every architecture and SHA256SUMS, checking each
  release       dist, then pidone-oci.tar (the multi-arch image) and SHA256SUMS over all, in target/dist
  run -- ARGS   run `pidone ARGS` as PID 1 of a fresh PID namespace (the build for this machine)
  e2e           the release set, then its images under podman + runc (and kube play) and Docker's engine
  bench         pidone against tini-static, tini, dumb-init, catatonit: table, JSON and SVG in target/bench
  fuzz [SECS]   fuzz the command-line and environment parser with cargo fuzz (default 300 s)
  test          the whole test suite: lints, unit tests, integration tests (every architecture), ceilings,
                reproducibility, fuzzing, e2e
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dist") => dist::dist().map(|_| ExitCode::SUCCESS),
        Some("release") => release::release().map(|()| ExitCode::SUCCESS),
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("fuzz") => match args.get(1).map(|s| s.parse::<u64>()) {
            None => fuzz(300),
            Some(Ok(seconds)) => fuzz(seconds),
            Some(Err(_)) => Err("fuzz takes a number of seconds".into()),
        },
        Some("bench") => bench::bench().map(|()| ExitCode::SUCCESS),
        Some("e2e") => e2e_all().and_then(|(_, failed)| all_passed(failed)),
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

fn run(args: &[String]) -> Result<ExitCode> {
    let args = args.strip_prefix(&["--".to_owned()]).unwrap_or(args);
    let binary = dist::dist()?.native;
    let status =
        namespace::unshare().arg(&binary).args(args).status().map_err(|e| format!("cannot run unshare: {e}"))?;
    Ok(ExitCode::from(status.code().unwrap_or(1) as u8))
}

/// Runs the fuzz target for `seconds`. A crash stops it, leaves the input under fuzz/artifacts/ and
/// fails; each such input belongs in a regression test.
fn fuzz(seconds: u64) -> Result<ExitCode> {
    setup::fuzzing()?;
    status(Command::new("cargo").current_dir(root().join("fuzz")).args([
        &format!("+{}", targets::NIGHTLY),
        "fuzz",
        "run",
        "cli",
        "--",
        &format!("-max_total_time={seconds}"),
    ]))?;
    Ok(ExitCode::SUCCESS)
}

/// The integration test that only a 32-bit build under no emulator can run: it refuses the time64 or the
/// classic time calls with seccomp, which under qemu-user would see the host's calls, not pidone's.
const TIME32_TEST: &str = "refused_32_bit_time_calls_leave_pidone_the_other_family";

fn test() -> Result<ExitCode> {
    setup::packages(&[
        ("unshare", "util-linux"),
        ("script", "bsdutils"),
        ("bash", "bash"),
        ("env", "coreutils"),
        ("qemu-aarch64-static", "qemu-user-static"),
        ("nsenter", "util-linux"),
        ("buildah", "buildah"),
        ("podman", "podman"),
        ("runc", "runc"),
        ("gdb", "gdb"),
        ("skopeo", "skopeo"),
        ("catatonit", "catatonit"),
        ("dockerd", "docker.io"),
    ])?;
    let built = dist::dist()?;
    let testapp = e2e::build_testapp()?;
    let mut tally = Tally::default();
    println!("Format and lints");
    status(Command::new("cargo").current_dir(root()).args(["fmt", "--all", "--check"]))?;
    status(Command::new("cargo").current_dir(root()).args(["fmt", "--manifest-path", "fuzz/Cargo.toml", "--check"]))?;
    status(Command::new("cargo").current_dir(root()).args([
        "clippy",
        "--quiet",
        "--workspace",
        "--all-targets",
        "--",
        "--deny",
        "warnings",
    ]))?;
    tally.passed += 1;
    // Unit tests, and the integration tests against the shipped static build for this machine.
    println!("\nUnit tests, and the integration tests of pidone-{}; left out there:", targets::native().arch);
    println!("  {TIME32_TEST}: a 64-bit build has no time64 calls");
    let native = tally.cargo_test(
        Command::new("cargo")
            .current_dir(root())
            .args(["test", "--workspace"])
            .env("PIDONE_BIN", &built.native)
            .env("PIDONE_TESTAPP", &testapp),
    )?;
    // The integration tests again against every other build, natively or under qemu-user.
    let mut per_arch = vec![(targets::native().arch, native)];
    for (target, binary) in built.all.iter().filter(|(t, _)| t.arch != targets::native().arch) {
        let runner = target.runner.join(" ");
        let how = if runner.is_empty() { "natively".to_owned() } else { format!("under {runner}") };
        println!("\nIntegration tests of pidone-{} {how}; left out there:", target.arch);
        let mut cmd = Command::new("cargo");
        cmd.current_dir(root()).args(["test", "--package", "pidone", "--test", "*", "--", "--exact"]);
        if !runner.is_empty() {
            for (name, why) in targets::NOT_UNDER_QEMU {
                println!("  {name}: {why}");
                cmd.args(["--skip", name]);
            }
        }
        match (target.elf.is_64, runner.is_empty()) {
            (false, true) => {
                cmd.arg("--include-ignored");
            }
            (true, _) => println!("  {TIME32_TEST}: a 64-bit build has no time64 calls"),
            (false, false) => println!("  {TIME32_TEST}: under qemu-user, seccomp would filter the host's calls"),
        }
        let counts = tally
            .cargo_test(cmd.env("PIDONE_BIN", binary).env("PIDONE_RUNNER", &runner).env("PIDONE_TESTAPP", &testapp))?;
        per_arch.push((target.arch, counts));
    }
    armel_smoke(&built)?;
    tally.passed += 1;
    println!("\nIntegration tests per architecture:");
    for (arch, (passed, failed)) in &per_arch {
        println!("  pidone-{arch:<8} {passed} passed, {failed} failed");
    }
    println!("\nCeilings on what does not depend on the machine's load (pidone-{}):", targets::native().arch);
    let (passed, failed) = bench::ceilings(&built.native)?;
    tally.passed += passed;
    tally.failed += failed;
    dist::check_readme_sizes(&built)?;
    tally.passed += 1;
    dist::check_reproducible()?;
    tally.passed += 1;
    println!("\nFuzzing the parser for 30 s (longer: cargo xtask fuzz SECONDS)");
    fuzz(30)?;
    tally.passed += 1;
    println!("\nThe release set");
    release::pack(&built)?;
    release::check_source_tarball()?;
    tally.passed += 1;
    let (passed, failed) = end_to_end(&built)?;
    tally.passed += passed;
    tally.failed += failed;
    println!("\ntotal: {} passed, {} failed", tally.passed, tally.failed);
    all_passed(tally.failed)
}

/// The armv6 file is ARMv5TE code, so Debian's armel (ARMv5) runs it too: as PID 1 under
/// `qemu-arm-static -cpu arm926`, a TERM from inside reaches the program, whose death is the exit code.
fn armel_smoke(built: &dist::Dist) -> Result<()> {
    let (_, armv6) = built.all.iter().find(|(t, _)| t.arch == "armv6").ok_or("no armv6 build")?;
    let status = namespace::unshare()
        .args(["qemu-arm-static", "-cpu", "arm926"])
        .arg(armv6)
        .args(["--", "/bin/sh", "-c", "kill -TERM 1; sleep 10; exit 3"])
        .status()
        .map_err(|e| format!("cannot run unshare: {e}"))?;
    if status.code() != Some(143) {
        return Err(format!("pidone-armv6 on an ARMv5 core (qemu -cpu arm926): {status}, not 143"));
    }
    println!(
        "\npidone-armv6 on an ARMv5 core (qemu-arm-static -cpu arm926, Debian's armel): runs, forwards, exits 143"
    );
    Ok(())
}

/// `cargo xtask e2e`: the release set, then the end-to-end scenarios.
fn e2e_all() -> Result<(usize, usize)> {
    let built = dist::dist()?;
    release::pack(&built)?;
    end_to_end(&built)
}

/// The scenarios of both engines: podman (and kube play), then Docker's.
fn end_to_end(built: &dist::Dist) -> Result<(usize, usize)> {
    println!("\nEnd-to-end: the images under podman + runc, and as a Kubernetes pod");
    let (passed, failed) = e2e::podman(built)?;
    println!("\nEnd-to-end: Docker's engine, pidone as its --init");
    let (docker_passed, docker_failed) = docker::docker(built)?;
    Ok((passed + docker_passed, failed + docker_failed))
}

fn all_passed(failed: usize) -> Result<ExitCode> {
    if failed == 0 { Ok(ExitCode::SUCCESS) } else { Err(format!("{failed} failed")) }
}

/// Counts what `cargo test` runs reported, for one closing line over the whole suite.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    /// Runs `cargo test`, passing its output through and adding up its `test result:` lines; returns this
    /// run's passed and failed.
    fn cargo_test(&mut self, cmd: &mut Command) -> Result<(usize, usize)> {
        use std::io::{BufRead, BufReader};
        let mut child =
            cmd.stdout(std::process::Stdio::piped()).spawn().map_err(|e| format!("cannot run cargo: {e}"))?;
        let (mut passed, mut failed) = (0, 0);
        for line in BufReader::new(child.stdout.take().expect("piped")).lines().map_while(|l| l.ok()) {
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                let count = |word: &str| -> usize {
                    rest.split(';')
                        .find_map(|part| part.trim().strip_suffix(word)?.trim().rsplit(' ').next()?.parse().ok())
                        .unwrap_or(0)
                };
                passed += count("passed");
                failed += count("failed");
            }
        }
        self.passed += passed;
        self.failed += failed;
        let status = child.wait().map_err(|e| format!("cargo test: {e}"))?;
        if status.success() { Ok((passed, failed)) } else { Err(format!("cargo test failed: {status}")) }
    }
}
