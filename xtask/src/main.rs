//! pidone's build logic, as `cargo xtask <verb>` (the alias lives in .cargo/config.toml): one module per
//! verb, the rest shared below them.

mod bench;
mod chart;
mod cmd;
mod dist;
mod docker;
mod e2e;
mod elf;
mod engine;
mod fuzz;
mod lxc;
/// The integration tests' way into a fresh PID namespace, shared.
#[path = "../../tests/common/namespace.rs"]
mod namespace;
mod podman;
mod publish;
mod release;
/// The commit a tree is, shared with build.rs.
#[path = "../../build/revision.rs"]
mod revision;
mod run;
mod rustix_mips;
mod sbom;
mod setup;
mod tar;
mod targets;
mod test;
mod testapp;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <verb>

  dist          build target/dist/pidone-<arch> for every architecture and SHA256SUMS, checking each
  release       dist, then each binary's SBOM, pidone-oci.tar (the multi-arch image) and SHA256SUMS over
                all, in target/dist
  run -- ARGS   run `pidone ARGS` as PID 1 of a fresh PID namespace (the build for this machine)
  e2e           the release set, then its images under podman + runc (kube play, pod pause processes),
                Docker's engine, and LXC
  bench         pidone against tini-static, tini, dumb-init, catatonit: table, JSON and SVG in target/bench
  fuzz [SECS]   fuzz each parser (command line, /etc/passwd, URL, HTTP status) for SECS (default 300)
  test          the whole test suite: lints, unit tests, integration tests (every architecture), ceilings,
                fuzzing, the release set, its SBOMs, crates.io, reproducibility, e2e
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dist") => dist::dist().map(|_| ExitCode::SUCCESS),
        Some("release") => release::release().map(|()| ExitCode::SUCCESS),
        Some("run") => run::run(&args[1..]),
        Some("test") => test::test().and_then(all_passed),
        Some("fuzz") => match args.get(1).map(|s| s.parse::<u64>()) {
            None => fuzz::fuzz(300),
            Some(Ok(seconds)) => fuzz::fuzz(seconds),
            Some(Err(_)) => Err("fuzz takes a number of seconds".into()),
        }
        .map(|()| ExitCode::SUCCESS),
        Some("bench") => bench::bench().map(|()| ExitCode::SUCCESS),
        Some("e2e") => e2e::e2e().and_then(all_passed),
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

/// The final line of a verb that counts checks.
fn all_passed(count: cmd::Count) -> cmd::Result<ExitCode> {
    println!("\ntotal: {} passed, {} failed", count.passed, count.failed);
    if count.failed == 0 { Ok(ExitCode::SUCCESS) } else { Err(format!("{} failed", count.failed)) }
}
