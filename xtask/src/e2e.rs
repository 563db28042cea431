//! `cargo xtask e2e`: pidone as the init of real container images. buildah builds `Dockerfile.scratch`
//! and an application image layered on it (no daemon, no network); podman runs them with runc. Storage
//! lives under target/e2e, so nothing touches the machine's own images.

use crate::{Result, dist, root, setup, status};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BASE: &str = "localhost/pidone:e2e";
const APP: &str = "localhost/pidone-app:e2e";
/// The test program alone, for podman's own `--init`.
const BARE: &str = "localhost/pidone-bare-app:e2e";

/// A name, and the check that runs against the image.
type Scenario<'a> = (&'a str, &'a dyn Fn(&Podman) -> Result<()>);

/// Runs every scenario, prints `N passed, M failed` last and returns those two counts. An error means the
/// images could not even be built.
pub fn e2e(built: &dist::Dist) -> Result<(usize, usize)> {
    setup::packages(&[("buildah", "buildah"), ("podman", "podman"), ("runc", "runc")])?;
    let arch = crate::targets::native().arch;
    let work = root().join("target/e2e");
    let app = build_app(&work)?;
    let podman = Podman { work: work.clone() };
    podman.build_images(&app, arch)?;

    let init_path = built.native.to_str().ok_or("non-UTF-8 path")?.to_owned();
    let scenarios: [Scenario; 12] = [
        ("Dockerfile.scratch gives every platform its file (buildah bud --platform), variants too", &|p| {
            let mut platforms: Vec<(&str, &str)> = built.all.iter().map(|(t, _)| (t.platform, t.arch)).collect();
            // Variants that need no other binary, arm without one (v7), and arm/v5, which the ARMv5TE
            // code of the armv6 file serves.
            platforms.extend([
                ("linux/amd64/v2", "amd64"),
                ("linux/arm64/v8", "arm64"),
                ("linux/arm", "armv7"),
                ("linux/arm/v5", "armv6"),
            ]);
            for (platform, arch) in platforms {
                let shipped = std::fs::read(root().join("target/dist").join(format!("pidone-{arch}")))
                    .map_err(|e| format!("pidone-{arch}: {e}"))?;
                if p.pidone_in_scratch_image(platform)? != shipped {
                    return Err(format!("{platform}: the image's /pidone is not pidone-{arch}"));
                }
            }
            Ok(())
        }),
        ("the application's parent is PID 1, pidone", &|p| {
            expect_contains(&p.run(&[APP, "/app", "whoami"])?.stdout, " ppid=1 init=/pidone\n")
        }),
        ("exit codes pass through", &|p| {
            for code in [0, 1, 42, 255] {
                expect_eq(&p.run(&[APP, "/app", "exit", &code.to_string()])?.code, &code, "exit code")?;
            }
            Ok(())
        }),
        ("podman stop: TERM reaches the application's handler, which cleans up and exits 0", &|p| {
            let (code, logs, _) = p.stop(&[APP, "/app", "term-handler"])?;
            expect_eq(&code, &0, "exit code")?;
            expect_contains(&logs, "ready\ncleaned up\n")
        }),
        ("podman stop: an application without a handler ends at once with 143", &|p| {
            let (code, _, took) = p.stop(&[APP, "/app", "sleep"])?;
            expect_eq(&code, &143, "exit code")?;
            if took > Duration::from_secs(5) {
                return Err(format!("stop took {took:?}: TERM was not delivered, podman had to KILL"));
            }
            Ok(())
        }),
        ("podman stop with -e 143 in the entrypoint exits 0 (the Java case)", &|p| {
            let (code, _, _) = p.stop(&["--entrypoint", r#"["/pidone","-e","143","--"]"#, APP, "/app", "sleep"])?;
            expect_eq(&code, &0, "exit code")
        }),
        ("orphans made inside the container are reaped", &|p| {
            expect_eq(&p.run(&[APP, "/app", "orphans", "100"])?.stdout.as_str(), &"zombies=0\n", "output")
        }),
        ("TINI_VERBOSITY in the container's environment reaches pidone; stdout stays the application's", &|p| {
            let ran = p.run(&["--env", "TINI_VERBOSITY=2", APP, "/app", "exit", "3"])?;
            expect_eq(&ran.code, &3, "exit code")?;
            expect_eq(&ran.stdout.as_str(), &"", "stdout")?;
            expect_contains(&ran.stderr, "] Main child exited normally (with status '3')")
        }),
        ("podman stop with --grace: a helper the application leaves behind gets TERM and cleans up", &|p| {
            let (code, logs, took) =
                p.stop(&["--entrypoint", r#"["/pidone","--grace","5","--"]"#, APP, "/app", "family"])?;
            expect_eq(&code, &0, "exit code")?;
            expect_contains(&logs, "helper cleaned up\n")?;
            if took > Duration::from_secs(4) {
                return Err(format!("stop took {took:?}: pidone should leave as soon as the helper is done"));
            }
            Ok(())
        }),
        ("podman stop without --grace: the helper is killed with the namespace, uncleaned", &|p| {
            let (code, logs, _) = p.stop(&[APP, "/app", "family"])?;
            expect_eq(&code, &0, "exit code")?;
            expect_contains(&logs, "cleaned up\n")?;
            if logs.contains("helper cleaned up") {
                Err("the helper cleaned up without --grace".into())
            } else {
                Ok(())
            }
        }),
        ("podman run --init --init-path pidone: podman's init slot", &|p| {
            let ran = p.run(&["--init", "--init-path", &init_path, BARE, "/app", "whoami"])?;
            expect_eq(&ran.code, &0, "exit code")?;
            expect_contains(&ran.stdout, " ppid=1 init=/run/podman-init\n")
        }),
        ("podman run --init --init-path pidone forwards podman stop", &|p| {
            let (code, logs, _) = p.stop(&["--init", "--init-path", &init_path, BARE, "/app", "term-handler"])?;
            expect_eq(&code, &0, "exit code")?;
            expect_contains(&logs, "ready\ncleaned up\n")
        }),
    ];
    let mut failed = 0;
    for (name, scenario) in &scenarios {
        match scenario(&podman) {
            Ok(()) => println!("ok    {name}"),
            Err(e) => {
                failed += 1;
                println!("FAIL  {name}: {e}");
            }
        }
    }
    println!("{} passed, {failed} failed", scenarios.len() - failed);
    Ok((scenarios.len() - failed, failed))
}

/// The test program (`tests/app`), static: for the images, and for the integration tests that need a
/// child that counts signals exactly. It uses std and libc (only pidone itself is libc-free), so it is
/// built without the linker flags .cargo/config.toml sets for pidone, in its own target directory.
pub fn build_testapp() -> Result<PathBuf> {
    let triple = crate::targets::native().triple;
    let target_dir = root().join("target/testapp");
    status(
        Command::new("cargo").current_dir(root()).env("RUSTFLAGS", "").env("CARGO_TARGET_DIR", &target_dir).args([
            "build",
            "--quiet",
            "--release",
            "--package",
            "pidone-testapp",
            "--target",
            triple,
        ]),
    )?;
    Ok(target_dir.join(triple).join("release/pidone-testapp"))
}

/// The build context of the application images: the test program as `app`.
fn build_app(work: &Path) -> Result<PathBuf> {
    let context = work.join("app");
    std::fs::create_dir_all(&context).map_err(|e| format!("cannot create {}: {e}", context.display()))?;
    let app = context.join("app");
    std::fs::copy(build_testapp()?, &app).map_err(|e| format!("cannot copy the test program: {e}"))?;
    Ok(app)
}

struct Podman {
    work: PathBuf,
}

struct Ran {
    stdout: String,
    stderr: String,
    code: i32,
}

impl Podman {
    fn storage(&self) -> [String; 6] {
        let at = |dir: &str| self.work.join(dir).to_string_lossy().into_owned();
        ["--root".into(), at("storage"), "--runroot".into(), at("run"), "--storage-driver".into(), "vfs".into()]
    }

    /// buildah: pidone's scratch image from the repository's Dockerfile, the application layered on it,
    /// and the application alone.
    fn build_images(&self, app: &Path, arch: &str) -> Result<()> {
        let context = app.parent().ok_or("no context")?;
        let layered = context.join("Containerfile.layered");
        let bare = context.join("Containerfile.bare");
        let write = |path: &Path, text: String| std::fs::write(path, text).map_err(|e| format!("{e}"));
        write(&layered, format!("FROM {BASE}\nCOPY app /app\nCMD [\"/app\", \"whoami\"]\n"))?;
        write(&bare, "FROM scratch\nCOPY app /app\nCMD [\"/app\", \"whoami\"]\n".into())?;
        let targetarch = format!("TARGETARCH={arch}");
        let root = root();
        let builds: [(&Path, &Path, &str); 3] =
            [(&root.join("Dockerfile.scratch"), &root, BASE), (&layered, context, APP), (&bare, context, BARE)];
        for (file, dir, tag) in builds {
            status(
                Command::new("buildah")
                    .args(self.storage())
                    .args(["bud", "--quiet", "--network=none", "--build-arg", &targetarch, "-f"])
                    .arg(file)
                    .args(["-t", tag])
                    .arg(dir)
                    .stdout(std::process::Stdio::null()),
            )?;
        }
        Ok(())
    }

    /// The `/pidone` of `Dockerfile.scratch` built by buildah for `platform`.
    fn pidone_in_scratch_image(&self, platform: &str) -> Result<Vec<u8>> {
        let tag = "localhost/pidone-platform:e2e";
        let buildah = |args: &[&str]| -> Result<String> {
            let out = output({
                let mut cmd = Command::new("buildah");
                cmd.args(self.storage()).args(args);
                cmd
            })?;
            if !out.status.success() {
                return Err(format!("buildah {args:?}: {}", String::from_utf8_lossy(&out.stderr).trim()));
            }
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        };
        let root = root();
        let dockerfile = root.join("Dockerfile.scratch");
        let dockerfile = dockerfile.to_str().ok_or("non-UTF-8 path")?;
        let context = root.to_str().ok_or("non-UTF-8 path")?;
        buildah(&["bud", "--quiet", "--network=none", "--platform", platform, "-f", dockerfile, "-t", tag, context])?;
        let container = buildah(&["from", tag])?;
        let file = buildah(&["mount", &container])
            .and_then(|dir| std::fs::read(Path::new(&dir).join("pidone")).map_err(|e| format!("{platform}: {e}")));
        let _ = buildah(&["umount", &container]);
        let _ = buildah(&["rm", &container]);
        file
    }

    /// podman with the settings this kind of machine needs: cgroupfs, file events, runc, and lower
    /// ulimits (root here may not raise them to podman's defaults). Every call is bounded in time.
    fn podman(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("timeout");
        cmd.args(["60", "podman"])
            .args(self.storage())
            .args(["--cgroup-manager=cgroupfs", "--events-backend=file", "--runtime", "runc"])
            .args(args);
        cmd
    }

    fn run_flags() -> [&'static str; 5] {
        ["--network=none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"]
    }

    /// `podman run --rm` to the end.
    fn run(&self, args: &[&str]) -> Result<Ran> {
        let mut all = vec!["run", "--rm"];
        all.extend(Self::run_flags());
        all.extend(args);
        let out = output(self.podman(&all))?;
        Ok(Ran {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        })
    }

    /// Starts a container, waits for it to print `ready`, stops it with `podman stop` (TERM, then KILL after
    /// 10 s) and returns its exit code, its output and how long the stop took. Always removes it.
    fn stop(&self, args: &[&str]) -> Result<(i32, String, Duration)> {
        let name = format!("pidone-e2e-{}", std::process::id());
        let mut all = vec!["run", "-d", "--name", &name];
        all.extend(Self::run_flags());
        all.extend(args);
        let _removal = Removal { podman: self, name: name.clone() };
        let _ = self.podman(&["rm", "-f", &name]).output();
        output(self.podman(&all))?;
        let logs = || output(self.podman(&["logs", &name])).map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
        let deadline = Instant::now() + Duration::from_secs(20);
        while !logs()?.contains("ready") {
            if Instant::now() > deadline {
                return Err(format!("the application never printed ready: {:?}", logs()?));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let start = Instant::now();
        output(self.podman(&["stop", "-t", "10", &name]))?;
        let took = start.elapsed();
        let code = output(self.podman(&["inspect", &name, "--format", "{{.State.ExitCode}}"]))?;
        let code = String::from_utf8_lossy(&code.stdout).trim().parse().map_err(|e| format!("exit code: {e}"))?;
        Ok((code, logs()?, took))
    }
}

/// Removes a named container however its scenario ends.
struct Removal<'a> {
    podman: &'a Podman,
    name: String,
}

impl Drop for Removal<'_> {
    fn drop(&mut self) {
        let _ = self.podman.podman(&["rm", "-f", &self.name]).output();
    }
}

/// Runs to the end; an error if it could not start or was cut off by `timeout` (exit 124).
fn output(mut cmd: Command) -> Result<Output> {
    let out = cmd.output().map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if out.status.code() == Some(124) {
        return Err(format!("{cmd:?} timed out"));
    }
    if out.status.code() == Some(125) {
        return Err(format!("podman failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(out)
}

fn expect_eq<T: PartialEq + std::fmt::Debug>(got: &T, want: &T, what: &str) -> Result<()> {
    if got == want { Ok(()) } else { Err(format!("{what}: got {got:?}, want {want:?}")) }
}

fn expect_contains(got: &str, want: &str) -> Result<()> {
    if got.contains(want) { Ok(()) } else { Err(format!("got {got:?}, want it to contain {want:?}")) }
}
