//! `cargo xtask test`: the whole test suite, the README's second command and CI's. Each step counts its
//! checks, and a step that cannot finish counts as one failure (`cmd::counted`); every step runs, and the
//! last line adds them up. The exit status is 0 only when nothing failed.

use crate::cmd::{Count, Result, counted, root, run_all, status};
use crate::dist::{self, Dist};
use crate::targets::{self, NOT_UNDER_QEMU};
use crate::{bench, e2e, fuzz, house, kernels, namespace, publish, release, sbom, setup, testapp};
use std::path::Path;
use std::process::{Command, Stdio};

/// The integration test that only a 32-bit build under no emulator can run: it refuses the time64 or the
/// classic time calls with seccomp, which under qemu-user would see the host's calls, not pidone's.
const TIME32_TEST: &str = "refused_32_bit_time_calls_leave_pidone_the_other_family";

pub fn test() -> Result<Count> {
    let prepared = setup::all_packages().and_then(|()| Ok((dist::dist()?, testapp::build()?)));
    // Without the binaries and the test program no step can run: one failure, and the total.
    let (built, testapp) = match prepared {
        Ok(prepared) => prepared,
        Err(e) => return Ok(counted("The packages, every platform's binary and the test program", Err(e))),
    };
    let steps: [(&str, &dyn Fn() -> Result<Count>); 14] = [
        ("Format and lints", &lints),
        ("The house: ARCHITECTURE.md against the code", &house::check),
        ("Unit tests, and the integration tests of every architecture", &|| every_architecture(&built, &testapp)),
        ("Every architecture on its own kernel: pidone as the init of Debian's, under qemu-system", &|| {
            real_kernels(&built)
        }),
        ("pidone-armv6 on an ARMv5 core (qemu-arm-static -cpu arm926, Debian's armel)", &|| armel(&built)),
        ("Ceilings on what does not depend on the machine's load", &|| bench::ceilings(&built.native)),
        ("The README's platform table", &|| dist::check_readme_sizes(&built).map(|()| Count::ONE)),
        ("Fuzzing the parsers, 20 s each (longer: cargo xtask fuzz SECONDS)", &|| fuzz::fuzz(20)),
        ("The release set", &|| {
            Ok(run_all(&[
                ("packed: the SBOMs, pidone-oci.tar, SHA256SUMS", &|| release::pack(&built).map(drop)),
                ("one version in Cargo.toml, CHANGELOG.md, README.md, the image index", &|| {
                    release::check_versions(&built)
                }),
                ("a git archive tarball builds a binary naming its commit", &release::check_source_tarball),
            ]))
        }),
        ("The SBOMs: spdx-tools' validator, cargo tree, the image index", &|| sbom::check(&built)),
        ("crates.io: cargo publish --dry-run, then cargo install of the package from an empty CARGO_HOME", &|| {
            publish::check().map(|()| Count::ONE)
        }),
        ("Reproducibility: the release again, from a clone of HEAD", &|| {
            release::check_reproducible().map(|()| Count::ONE)
        }),
        ("End to end", &|| Ok(e2e::end_to_end(&built))),
        ("The release set in target/dist, after every step: SHA256SUMS holds", &|| {
            release::check_sums().map(|()| Count::ONE)
        }),
    ];
    let mut total = Count::default();
    for (title, step) in steps {
        println!("\n{title}");
        total += counted(title, step());
    }
    Ok(total)
}

/// `cargo fmt --check` (the workspace, then the fuzz targets) and clippy with warnings denied.
fn lints() -> Result<Count> {
    let cargo = |args: &[&str]| status(Command::new("cargo").current_dir(root()).args(args));
    Ok(run_all(&[
        ("cargo fmt --check", &|| cargo(&["fmt", "--all", "--check"])),
        ("cargo fmt --check, the fuzz targets", &|| cargo(&["fmt", "--manifest-path", "fuzz/Cargo.toml", "--check"])),
        ("cargo clippy, warnings denied", &|| {
            cargo(&["clippy", "--quiet", "--workspace", "--all-targets", "--", "--deny", "warnings"])
        }),
    ]))
}

/// The unit tests, and the integration tests against the static build for this machine; then the
/// integration tests again against every other build, natively or under qemu-user, leaving out there,
/// by name and saying why, what cannot hold.
fn every_architecture(built: &Dist, testapp: &Path) -> Result<Count> {
    let native = targets::native();
    let uncovered = kernels::uncovered_under_qemu()?;
    let mut per_arch = Vec::new();
    for (target, binary) in &built.all {
        let runner = target.runner.join(" ");
        let how = if runner.is_empty() { "natively".to_owned() } else { format!("under {runner}") };
        let mut cmd = Command::new("cargo");
        cmd.current_dir(root()).env("PIDONE_BIN", binary).env("PIDONE_RUNNER", &runner).env("PIDONE_TESTAPP", testapp);
        if target.arch == native.arch {
            println!("Unit tests, and the integration tests of pidone-{} {how}:", target.arch);
            cmd.args(["test", "--no-fail-fast", "--workspace", "--"]);
        } else {
            println!("\nIntegration tests of pidone-{} {how}:", target.arch);
            cmd.args(["test", "--no-fail-fast", "--package", "pidone", "--test", "*", "--", "--exact"]);
        }
        if !runner.is_empty() {
            for (name, why, scenario) in NOT_UNDER_QEMU {
                let covered =
                    if uncovered.contains(&name) { "LEFT OUT, no scenario" } else { "covered on the real kernel" };
                println!("  {name}: {covered}: {scenario} (under qemu-user: {why})");
                cmd.args(["--skip", name]);
            }
            println!("  tests/old_kernels.rs: for x86 builds (a seccomp filter of x86 numbers), run natively");
        }
        // The ignored tests are the ones for native x86 builds.
        if runner.is_empty() {
            cmd.arg("--include-ignored");
        }
        if target.elf.is_64 {
            println!("  {TIME32_TEST}: a 64-bit build has no time64 calls");
            cmd.args(["--skip", TIME32_TEST]);
        } else if !runner.is_empty() {
            println!("  {TIME32_TEST}: under qemu-user, seccomp would filter the host's calls");
        }
        let left_out = if runner.is_empty() {
            "0".to_owned()
        } else {
            let covered = NOT_UNDER_QEMU.len() - uncovered.len();
            format!("{} ({covered} run on its own kernel instead)", uncovered.len())
        };
        per_arch.push((
            target.arch,
            counted(&format!("cargo test, pidone-{}", target.arch), cargo_test(&mut cmd)),
            left_out,
        ));
    }
    println!("\nIntegration tests per architecture (the first with the unit tests):");
    let mut total = Count::default();
    for (arch, count, left_out) in per_arch {
        println!("  pidone-{arch:<8} {} passed, {} failed; left out: {left_out}", count.passed, count.failed);
        total += count;
    }
    Ok(total)
}

/// `cargo xtask kernels` for every architecture: the scenarios on each one's own kernel.
fn real_kernels(built: &Dist) -> Result<Count> {
    let runs = kernels::kernels(built, &[])?;
    println!("\nOn its own kernel, per architecture:");
    for run in &runs {
        println!("  {}", kernels::summary(run));
    }
    let readme =
        run_all(&[("README's real-kernel column: each platform's uname -r", &|| kernels::check_readme(&runs))]);
    let mut total = kernels::total(runs);
    total += readme;
    Ok(total)
}

/// Runs `cargo test`, passing its output through and adding up its `test result:` lines; it failing with no
/// test failed (a build error) is one failure.
fn cargo_test(cmd: &mut Command) -> Result<Count> {
    use std::io::{BufRead, BufReader};
    let mut child = cmd.stdout(Stdio::piped()).spawn().map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut count = Count::default();
    for line in BufReader::new(child.stdout.take().expect("piped")).lines().map_while(|l| l.ok()) {
        println!("{line}");
        if let Some(rest) = line.strip_prefix("test result: ") {
            let number = |word: &str| -> usize {
                rest.split(';')
                    .find_map(|part| part.trim().strip_suffix(word)?.trim().rsplit(' ').next()?.parse().ok())
                    .unwrap_or(0)
            };
            count += Count { passed: number("passed"), failed: number("failed") };
        }
    }
    let status = child.wait().map_err(|e| format!("cargo test: {e}"))?;
    if !status.success() && count.failed == 0 {
        return Err(format!("cargo test failed ({status}) with no test failed"));
    }
    Ok(count)
}

/// The armv6 file is ARMv5TE code, so Debian's armel (ARMv5) runs it too: as PID 1 under
/// `qemu-arm-static -cpu arm926`, a TERM from inside reaches the program, whose death is the exit code.
fn armel(built: &Dist) -> Result<Count> {
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
    println!("runs, forwards, exits 143");
    Ok(Count::ONE)
}
