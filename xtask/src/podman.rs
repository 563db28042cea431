//! `cargo xtask e2e`, podman's part: buildah builds `Dockerfile.scratch` for every platform and an
//! application image layered on it (no daemon, no network); podman runs them with runc, plays Kubernetes
//! pod specs (`podman kube play`), and loads the release's image archive. Storage lives under target/e2e,
//! so nothing touches the machine's own images.

use crate::cmd::{Count, Result, root, run_all, status};
use crate::dist::Dist;
use crate::engine::{Engine, Running, exit_codes_pass, expect_contains, expect_eq, output, stopped_at_once_with};
use crate::oci::{ARCHIVE, raw_index};
use crate::{setup, testapp};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const BASE: &str = "localhost/pidone:e2e";
const APP: &str = "localhost/pidone-app:e2e";
/// The test program alone, for the engines' own `--init`.
const BARE: &str = "localhost/pidone-bare-app:e2e";
/// The application on pidone taken from the release's image archive.
const FROM_ARCHIVE: &str = "localhost/pidone-from-archive:e2e";
/// The release's own image, copied from its archive.
const RELEASED: &str = "localhost/pidone-oci:e2e";
/// A pod's pause image: the release's, its entrypoint pause mode.
const PAUSE: &str = "localhost/pidone-pause:e2e";
/// A server with a HEALTHCHECK by `pidone --probe` (Docker's image format: OCI's has no health check).
const HEALTH: &str = "localhost/pidone-health:e2e";

/// What every scenario works with.
struct Podman<'a> {
    built: &'a Dist,
    work: PathBuf,
    /// The application images' build context.
    context: PathBuf,
    storage: Storage,
    engine: Engine,
    archive: PathBuf,
    /// pidone for this machine, as podman's `--init-path`.
    init_path: String,
}

/// Podman's scenarios against `built` and the image archive in target/dist. An error means the images
/// could not even be built.
pub fn scenarios(built: &Dist) -> Result<Count> {
    setup::packages(&["buildah", "podman", "runc", "catatonit"])?;
    let work = root().join("target/e2e");
    let context = testapp::image_context(&work)?;
    let storage = Storage { work: work.clone() };
    storage.build_images(&context)?;
    let p = Podman {
        built,
        engine: Engine::podman(&work)?,
        archive: root().join("target/dist").join(ARCHIVE),
        init_path: built.native.to_str().ok_or("non-UTF-8 path")?.to_owned(),
        work,
        context,
        storage,
    };
    let mut count = images(&p);
    count += containers(&p);
    count += pods(&p);
    count += archive(&p);
    Ok(count)
}

/// `Dockerfile.scratch`, built for each platform.
fn images(p: &Podman) -> Count {
    run_all(&[("Dockerfile.scratch gives every platform its file (buildah bud --platform), variants too", &|| {
        let mut platforms: Vec<(&str, &str)> = p.built.all.iter().map(|(t, _)| (t.platform, t.arch)).collect();
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
            if p.storage.pidone_in_scratch_image(platform)? != shipped {
                return Err(format!("{platform}: the image's /pidone is not pidone-{arch}"));
            }
        }
        Ok(())
    })])
}

/// The application under pidone, as the entrypoint and as podman's `--init`.
fn containers(p: &Podman) -> Count {
    run_all(&[
        ("the application's parent is PID 1, pidone", &|| {
            expect_contains(&p.engine.run(&[APP, "/app", "whoami"])?.stdout, " ppid=1 init=/pidone\n")
        }),
        ("exit codes pass through", &|| exit_codes_pass(&p.engine, &[APP])),
        ("podman stop: TERM reaches the application's handler, which cleans up and exits 0", &|| {
            let (code, logs, _) = p.engine.start(&[APP, "/app", "term-handler"])?.stop()?;
            expect_eq(&code, &0, "exit code")?;
            expect_contains(&logs, "ready\ncleaned up\n")
        }),
        ("podman stop: an application without a handler ends at once with 143", &|| {
            stopped_at_once_with(&p.engine, &[APP, "/app", "sleep"], 143)
        }),
        ("podman stop with -e 143 in the entrypoint exits 0 (the Java case)", &|| {
            let entrypoint = r#"["/pidone","-e","143","--"]"#;
            stopped_at_once_with(&p.engine, &["--entrypoint", entrypoint, APP, "/app", "sleep"], 0)
        }),
        ("orphans made inside the container are reaped", &|| {
            expect_eq(&p.engine.run(&[APP, "/app", "orphans", "100"])?.stdout.as_str(), &"zombies=0\n", "output")
        }),
        ("TINI_VERBOSITY in the container's environment reaches pidone; stdout stays the application's", &|| {
            let ran = p.engine.run(&["--env", "TINI_VERBOSITY=2", APP, "/app", "exit", "3"])?;
            expect_eq(&ran.code, &3, "exit code")?;
            expect_eq(&ran.stdout.as_str(), &"", "stdout")?;
            expect_contains(&ran.stderr, "] Main child exited normally (with status '3')")
        }),
        ("podman stop with --grace: a helper the application leaves behind gets TERM and cleans up", &|| {
            let entrypoint = r#"["/pidone","--grace","5","--"]"#;
            let (code, logs, took) = p.engine.start(&["--entrypoint", entrypoint, APP, "/app", "family"])?.stop()?;
            expect_eq(&code, &0, "exit code")?;
            expect_contains(&logs, "helper cleaned up\n")?;
            if took > Duration::from_secs(4) {
                return Err(format!("stop took {took:?}: pidone should leave as soon as the helper is done"));
            }
            Ok(())
        }),
        ("podman stop without --grace: the helper is killed with the namespace, uncleaned", &|| {
            let (code, logs, _) = p.engine.start(&[APP, "/app", "family"])?.stop()?;
            expect_eq(&code, &0, "exit code")?;
            expect_contains(&logs, "cleaned up\n")?;
            if logs.contains("helper cleaned up") {
                Err("the helper cleaned up without --grace".into())
            } else {
                Ok(())
            }
        }),
        ("podman run --init --init-path pidone: podman's init slot", &|| {
            let ran = p.engine.run(&["--init", "--init-path", &p.init_path, BARE, "/app", "whoami"])?;
            expect_eq(&ran.code, &0, "exit code")?;
            expect_contains(&ran.stdout, " ppid=1 init=/run/podman-init\n")
        }),
        ("podman run --init --init-path pidone forwards podman stop", &|| {
            let (code, logs, _) =
                p.engine.start(&["--init", "--init-path", &p.init_path, BARE, "/app", "term-handler"])?.stop()?;
            expect_eq(&code, &0, "exit code")?;
            expect_contains(&logs, "ready\ncleaned up\n")
        }),
        ("podman healthcheck run, the image's HEALTHCHECK by pidone --probe: 0, then 1 once the server stops", &|| {
            let running = p.engine.start(&[HEALTH])?;
            let check = || output(&mut p.engine.command(&["healthcheck", "run", &running.name]));
            let up = check()?;
            expect_eq(&up.status.code(), &Some(0), &format!("healthy ({})", String::from_utf8_lossy(&up.stderr)))?;
            p.engine.ok(&["kill", "--signal", "USR1", &running.name])?;
            running.wait_for("down")?;
            expect_eq(&check()?.status.code(), &Some(1), "unhealthy")
        }),
    ])
}

/// Kubernetes pod specs, through `podman kube play`.
fn pods(p: &Podman) -> Count {
    run_all(&[
        ("kube play, a pod of its own: pidone is PID 1; a stop runs the TERM handler, exit 0", &|| {
            let pod = Pod::play(&p.engine, &p.work, false, &["/pidone", "--"], &["/app", "term-handler"])?;
            pod.wait_for("ready")?;
            let top = pod.top()?;
            expect_contains(&top, "\n1 0 pidone\n")?;
            let (code, logs) = pod.stop()?;
            expect_eq(&code, &0, "exit code")?;
            expect_contains(&logs, "ready\ncleaned up\n")
        }),
        ("kube play with shareProcessNamespace and -s: the infra is PID 1; a stop runs the TERM handler", &|| {
            let pod = Pod::play(&p.engine, &p.work, true, &["/pidone", "-s", "--"], &["/app", "term-handler"])?;
            pod.wait_for("ready")?;
            let top = pod.top()?;
            expect_contains(&top, "\n1 0 catatonit\n")?;
            if !top.lines().any(|l| l.ends_with(" pidone") && !l.starts_with("1 ")) {
                return Err(format!("pidone is not in the pod's process list: {top:?}"));
            }
            let (code, logs) = pod.stop()?;
            expect_eq(&code, &0, "exit code")?;
            expect_contains(&logs, "ready\ncleaned up\n")?;
            if logs.contains("zombie reaping won't work") {
                Err(format!("-s did not register: {logs:?}"))
            } else {
                Ok(())
            }
        }),
        ("kube play with shareProcessNamespace and -s -w: pidone, a subreaper, reaps the orphans", &|| {
            let pod = Pod::play(&p.engine, &p.work, true, &["/pidone", "-s", "-w", "--"], &["/app", "orphans", "5"])?;
            pod.wait_for("zombies=0")?;
            let logs = pod.logs()?;
            let reaped = logs.lines().filter(|l| l.contains("] Reaped zombie process with pid=")).count();
            expect_eq(&reaped, &5, "orphans pidone reaped")
        }),
        ("kube play with shareProcessNamespace, no -s: pidone is a subreaper by itself and reaps the orphans", &|| {
            let pod = Pod::play(&p.engine, &p.work, true, &["/pidone", "-w", "--"], &["/app", "orphans", "5"])?;
            pod.wait_for("zombies=0")?;
            let logs = pod.logs()?;
            let reaped = logs.lines().filter(|l| l.contains("] Reaped zombie process with pid=")).count();
            expect_eq(&reaped, &5, "orphans pidone reaped")?;
            if logs.contains("zombie reaping won't work") {
                return Err(format!("pidone could not become a subreaper: {logs:?}"));
            }
            Ok(())
        }),
    ])
}

/// The release's image archive.
fn archive(p: &Podman) -> Count {
    run_all(&[
        ("pidone-oci.tar: one image index, an image per platform with its os, architecture and variant", &|| {
            index_has_every_platform(p)
        }),
        ("pidone-oci.tar, copied into podman's storage (skopeo), gives an application its init", &|| {
            archive_gives_init(p)
        }),
        (
            "kube play with containers.conf's infra_image a pidone -P image: pidone is the pod's PID 1 and reaps",
            &|| infra_image_reaps(p),
        ),
        (
            "a pod whose pause process is pidone -P (--infra-image from the archive): PID 1, reaps, stops with 0",
            &|| pause_process_reaps_and_stops(p),
        ),
    ])
}

/// Also that a push copies the index as it is.
fn index_has_every_platform(p: &Podman) -> Result<()> {
    let index: serde_json::Value =
        serde_json::from_slice(&raw_index(&p.archive)?).map_err(|e| format!("the index is not JSON: {e}"))?;
    let listed: Vec<String> = index["manifests"]
        .as_array()
        .ok_or("no manifests in the index")?
        .iter()
        .map(|m| {
            let platform = &m["platform"];
            let variant = platform["variant"].as_str().map(|v| format!("/{v}")).unwrap_or_default();
            let (os, architecture) = (platform["os"].as_str(), platform["architecture"].as_str());
            format!("{}/{}{variant}", os.unwrap_or("?"), architecture.unwrap_or("?"))
        })
        .collect();
    let want: Vec<String> = p.built.all.iter().map(|(t, _)| t.platform.to_owned()).collect();
    expect_eq(&listed, &want, "platforms")?;
    // A push copies every platform: the same copy, to a directory instead of a registry.
    let pushed = p.work.join("pushed");
    let _ = std::fs::remove_dir_all(&pushed);
    status(
        Command::new("skopeo")
            .args(["copy", "--quiet", "--all"])
            .arg(format!("oci-archive:{}", p.archive.display()))
            .arg(format!("oci:{}:pidone", pushed.display())),
    )?;
    let copied =
        Command::new("skopeo").arg("inspect").arg("--raw").arg(format!("oci:{}:pidone", pushed.display())).output();
    let copied = copied.map_err(|e| format!("skopeo: {e}"))?.stdout;
    expect_eq(&copied, &raw_index(&p.archive)?, "the index a push copies")
}

fn archive_gives_init(p: &Podman) -> Result<()> {
    p.storage.layer_app_on_archive(&p.context, &p.archive)?;
    expect_contains(&p.engine.run(&[FROM_ARCHIVE])?.stdout, " ppid=1 init=/pidone\n")
}

fn infra_image_reaps(p: &Podman) -> Result<()> {
    p.storage.pause_image(&p.context)?;
    let engine = Engine::podman_with(&p.work, "pause.conf", &format!("infra_image = \"{PAUSE}\"\n"))?;
    // The application has no init of its own: its orphans go to the pod's PID 1.
    let pod = Pod::play(&engine, &p.work, true, &["/app"], &["orphans", "5"])?;
    // While the application waits for its orphans (kube play's pod stops when it ends), the pod's PID 1 is
    // the infra container's.
    let infra = engine.ok(&["pod", "inspect", Pod::NAME, "--format", "{{.InfraContainerID}}"])?;
    let top = engine.ok(&["top", infra.trim(), "pid", "ppid", "comm"])?;
    expect_contains(&top.split_whitespace().collect::<Vec<_>>().join(" "), "1 0 pidone")?;
    pod.wait_for("zombies=0")?;
    let (code, _) = pod.stop()?;
    expect_eq(&code, &0, "the application's exit code")
}

fn pause_process_reaps_and_stops(p: &Podman) -> Result<()> {
    let pod = PausePod::create(&p.engine, &[RELEASED, "/pidone -P -w"])?;
    let infra = pod.infra()?;
    // An application of the pod's with no init of its own, and no -s: its orphans go to PID 1.
    let ran = p.engine.run(&["--pod", PausePod::NAME, BARE, "/app", "orphans", "5"])?;
    expect_eq(&ran.stdout.as_str(), &"zombies=0\n", "the application's report")?;
    let top = p.engine.ok(&["top", &infra, "pid", "ppid", "comm"])?;
    expect_contains(&top.split_whitespace().collect::<Vec<_>>().join(" "), "1 0 pidone")?;
    let logs = Running::named(&p.engine, infra.clone()).logs()?;
    let reaped = logs.lines().filter(|l| l.contains("] Reaped zombie process with pid=")).count();
    expect_eq(&reaped, &5, "orphans the pause process reaped")?;
    let start = std::time::Instant::now();
    p.engine.ok(&["pod", "stop", "-t", "10", PausePod::NAME])?;
    let took = start.elapsed();
    let code = p.engine.ok(&["inspect", &infra, "--format", "{{.State.ExitCode}}"])?;
    expect_eq(&code.trim(), &"0", "the pause process's exit code")?;
    if took > Duration::from_secs(2) {
        return Err(format!("pod stop took {took:?}"));
    }
    Ok(())
}

/// A pod of its own, with a shared PID namespace and the infra image and command given, removed
/// however its scenario ends.
struct PausePod<'a> {
    podman: &'a Engine,
}

impl<'a> PausePod<'a> {
    const NAME: &'static str = "pidone-e2e-pause";

    /// The pod, from `[image, command]` (podman splits the command on blanks).
    fn create(podman: &'a Engine, [image, command]: &[&str; 2]) -> Result<PausePod<'a>> {
        let _ = podman.command(&["pod", "rm", "-f", Self::NAME]).output();
        let pod = PausePod { podman };
        let infra = ["--share", "pid", "--network", "none", "--infra-image", image, "--infra-command", command];
        podman.ok(&[&["pod", "create", "--name", Self::NAME][..], &infra].concat())?;
        Ok(pod)
    }

    /// The infra container's id.
    fn infra(&self) -> Result<String> {
        Ok(self.podman.ok(&["pod", "inspect", Self::NAME, "--format", "{{.InfraContainerID}}"])?.trim().to_owned())
    }
}

impl Drop for PausePod<'_> {
    fn drop(&mut self) {
        let _ = self.podman.command(&["pod", "rm", "-f", Self::NAME]).output();
    }
}

/// buildah and skopeo on the storage podman uses (vfs, under target/e2e).
struct Storage {
    work: PathBuf,
}

impl Storage {
    fn buildah(&self, args: &[&str]) -> Result<String> {
        let mut cmd = Command::new("buildah");
        cmd.arg("--root").arg(self.work.join("storage")).arg("--runroot").arg(self.work.join("run"));
        let out = output(cmd.args(["--storage-driver", "vfs"]).args(args))?;
        if !out.status.success() {
            return Err(format!("buildah {args:?}: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// pidone's scratch image from the repository's Dockerfile, the application layered on it, and the
    /// application alone.
    fn build_images(&self, context: &Path) -> Result<()> {
        let root = root();
        let arch = format!("TARGETARCH={}", crate::targets::native().arch);
        let base = format!("BASE={BASE}");
        let builds = [
            (root.join("Dockerfile.scratch"), root.clone(), BASE, arch.as_str()),
            (context.join("Containerfile.layered"), context.to_path_buf(), APP, base.as_str()),
            (context.join("Containerfile.bare"), context.to_path_buf(), BARE, ""),
            (context.join("Containerfile.health"), context.to_path_buf(), HEALTH, base.as_str()),
        ];
        for (file, dir, tag, arg) in &builds {
            let (file, dir) = (file.to_str().ok_or("non-UTF-8 path")?, dir.to_str().ok_or("non-UTF-8 path")?);
            let build_arg: &[&str] = if arg.is_empty() { &[] } else { &["--build-arg", arg] };
            // Docker's format keeps HEALTHCHECK, which OCI's image configuration has no place for.
            let format: &[&str] = if *tag == HEALTH { &["--format", "docker"] } else { &[] };
            let bud = [&["bud", "--quiet", "--network=none"], format, build_arg, &["-f", file, "-t", tag, dir]];
            self.buildah(&bud.concat())?;
        }
        Ok(())
    }

    /// The `/pidone` of `Dockerfile.scratch` built for `platform`.
    fn pidone_in_scratch_image(&self, platform: &str) -> Result<Vec<u8>> {
        let tag = "localhost/pidone-platform:e2e";
        let root = root();
        let dockerfile = root.join("Dockerfile.scratch");
        let dockerfile = dockerfile.to_str().ok_or("non-UTF-8 path")?;
        let context = root.to_str().ok_or("non-UTF-8 path")?;
        self.buildah(&[
            "bud",
            "--quiet",
            "--network=none",
            "--platform",
            platform,
            "-f",
            dockerfile,
            "-t",
            tag,
            context,
        ])?;
        let container = self.buildah(&["from", tag])?;
        let file = self
            .buildah(&["mount", &container])
            .and_then(|dir| std::fs::read(Path::new(&dir).join("pidone")).map_err(|e| format!("{platform}: {e}")));
        let _ = self.buildah(&["umount", &container]);
        let _ = self.buildah(&["rm", &container]);
        file
    }

    /// `PAUSE`, on the release's image taken from its archive (`layer_app_on_archive` first).
    fn pause_image(&self, context: &Path) -> Result<()> {
        let file = context.join("Containerfile.pause");
        std::fs::write(&file, format!("FROM {RELEASED}\nENTRYPOINT [\"/pidone\", \"-P\"]\n"))
            .map_err(|e| format!("{}: {e}", file.display()))?;
        let (file, dir) = (file.to_str().ok_or("non-UTF-8 path")?, context.to_str().ok_or("non-UTF-8 path")?);
        self.buildah(&["bud", "--quiet", "--network=none", "-f", file, "-t", PAUSE, dir]).map(|_| ())
    }

    /// The release's image archive into this storage (skopeo picks this machine's platform from the
    /// index), and the application taking pidone from it.
    fn layer_app_on_archive(&self, context: &Path, archive: &Path) -> Result<()> {
        let pulled = RELEASED;
        let storage = format!(
            "containers-storage:[vfs@{}+{}]{pulled}",
            self.work.join("storage").display(),
            self.work.join("run").display()
        );
        status(
            Command::new("skopeo")
                .args(["copy", "--quiet"])
                .arg(format!("oci-archive:{}", archive.display()))
                .arg(&storage),
        )?;
        let file = context.join("Containerfile.from");
        let (file, dir) = (file.to_str().ok_or("non-UTF-8 path")?, context.to_str().ok_or("non-UTF-8 path")?);
        let base = format!("BASE={pulled}");
        self.buildah(&["bud", "--quiet", "--network=none", "--build-arg", &base, "-f", file, "-t", FROM_ARCHIVE, dir])
            .map(|_| ())
    }
}

/// A one-container pod played from a Kubernetes pod spec (`podman kube play`), taken down however its
/// scenario ends.
struct Pod<'a> {
    podman: &'a Engine,
    spec: PathBuf,
    app: Running<'a>,
}

impl<'a> Pod<'a> {
    const NAME: &'static str = "pidone-e2e";

    fn play(podman: &'a Engine, work: &Path, shared: bool, command: &[&str], args: &[&str]) -> Result<Pod<'a>> {
        let list = |words: &[&str]| words.iter().map(|w| format!("{w:?}")).collect::<Vec<_>>().join(", ");
        let spec = work.join("pod.yaml");
        let yaml = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {}\nspec:\n  shareProcessNamespace: {shared}\n  \
             restartPolicy: Never\n  containers:\n    - name: app\n      image: {APP}\n      command: [{}]\n      \
             args: [{}]\n",
            Self::NAME,
            list(command),
            list(args)
        );
        std::fs::write(&spec, yaml).map_err(|e| format!("{}: {e}", spec.display()))?;
        let path = spec.to_str().ok_or("non-UTF-8 path")?;
        let _ = podman.command(&["kube", "down", path]).output();
        let pod = Pod { podman, spec: spec.clone(), app: Running::named(podman, format!("{}-app", Self::NAME)) };
        podman.ok(&["kube", "play", "--network=none", path])?;
        Ok(pod)
    }

    fn wait_for(&self, want: &str) -> Result<()> {
        self.app.wait_for(want)
    }

    fn logs(&self) -> Result<String> {
        self.app.logs()
    }

    /// The pod's processes as its container sees them: `PID PPID COMMAND` lines.
    fn top(&self) -> Result<String> {
        let top = self.podman.ok(&["top", &self.app.name, "pid", "ppid", "comm"])?;
        Ok(top.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") + "\n").collect())
    }

    /// Stops the pod as kubelet does, the application's container before the pod's infra: the application's
    /// exit code and output. (podman 4.3's `pod stop` stops both at once, and in a shared process
    /// namespace the infra, its PID 1, often ends first, which SIGKILLs everything else in it.)
    fn stop(&self) -> Result<(i32, String)> {
        self.podman.ok(&["stop", "-t", "10", &self.app.name])?;
        self.podman.ok(&["pod", "stop", "-t", "10", Self::NAME])?;
        let code = self.podman.ok(&["inspect", &self.app.name, "--format", "{{.State.ExitCode}}"])?;
        Ok((code.trim().parse().map_err(|e| format!("exit code: {e}"))?, self.logs()?))
    }
}

impl Drop for Pod<'_> {
    fn drop(&mut self) {
        let _ = self.podman.command(&["kube", "down", &self.spec.to_string_lossy()]).output();
    }
}
