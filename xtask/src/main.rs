//! pidone's build logic, as `cargo xtask <verb>` (the alias lives in .cargo/config.toml): one module per
//! verb, the rest shared below them.

mod apt;
mod bench;
mod chart;
mod cmd;
mod dist;
mod docker;
mod e2e;
mod elf;
mod engine;
mod fuzz;
mod house;
mod initramfs;
mod kernels;
mod lxc;
mod markdown;
/// The integration tests' way into a fresh PID namespace, shared.
#[path = "../../tests/common/namespace.rs"]
mod namespace;
mod oci;
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
/// The users of the `--user` tests, shared with the integration tests.
#[path = "../../tests/common/users.rs"]
mod users;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <verb>

  dist          build target/dist/pidone-<arch> for every architecture and SHA256SUMS, checking each
  release       dist, then each binary's SBOM, pidone-oci.tar (the multi-arch image) and SHA256SUMS over
                all, in target/dist
  run -- ARGS   run `pidone ARGS` as PID 1 of a fresh PID namespace (the build for this machine)
  e2e           the release set, then its images under podman + runc (kube play, pod pause processes),
                Docker's engine, and LXC
  house         ARCHITECTURE.md against the code: the code map and its order, the architectures, the
                architectures' cfgs fenced in src/arch
  bench         pidone against tini-static, tini, dumb-init, catatonit: table, JSON and SVG in target/bench
  fuzz [SECS]   fuzz each parser (command line, /etc/passwd, URL, HTTP status) for SECS (default 300)
  kernels [ARCH...]
                every architecture's binary as the init of its Debian kernel under qemu-system, running
                the scenarios of xtask/kernels there (the kernels and qemu are fetched into target/kernels)
  test          the whole test suite: lints, unit tests, integration tests (every architecture), ceilings,
                fuzzing, the release set, its SBOMs, crates.io, reproducibility, e2e
";

fn main() -> ExitCode {
    default_signal_state();
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
        .and_then(all_passed),
        Some("bench") => bench::bench().map(|()| ExitCode::SUCCESS),
        Some("house") => house::check().and_then(all_passed),
        Some("kernels") => {
            dist::dist().and_then(|built| kernels::kernels(&built, &args[1..])).map(kernels::total).and_then(all_passed)
        }
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

/// The signal state the tests assume, whatever this process's parent left: nothing ignored (`nohup` ignores
/// HUP, a shell's background job INT and QUIT) and nothing blocked, both of which every process started from
/// here would inherit through exec. SIGPIPE stays as Rust's runtime set it: std gives it back to children.
fn default_signal_state() {
    // SAFETY: still one thread; sigaction and sigprocmask with valid sets and no handler of ours.
    unsafe {
        for signal in 1..=libc::SIGRTMAX() {
            let mut current: libc::sigaction = std::mem::zeroed();
            let ignored =
                libc::sigaction(signal, std::ptr::null(), &mut current) == 0 && current.sa_sigaction == libc::SIG_IGN;
            if ignored && signal != libc::SIGPIPE {
                libc::signal(signal, libc::SIG_DFL);
            }
        }
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
    }
}

/// The final line of a verb that counts checks.
fn all_passed(count: cmd::Count) -> cmd::Result<ExitCode> {
    println!("\ntotal: {} passed, {} failed", count.passed, count.failed);
    if count.failed == 0 { Ok(ExitCode::SUCCESS) } else { Err(format!("{} failed", count.failed)) }
}
