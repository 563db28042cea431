//! `cargo xtask e2e`, Docker's part: Debian's `docker.io` engine, started here with pidone as its
//! `--init-path` (the most common way pidone is met: `docker run --init`), its own data, exec root and
//! socket under target/docker, no network, and stopped and removed at the end, pass or fail.

use crate::cmd::{Check, Count, Result, root, run_all, status};
use crate::dist::Dist;
use crate::engine::{self, Engine, expect_contains, expect_eq};
use crate::oci::ARCHIVE;
use crate::{setup, testapp};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BASE: &str = "pidone:e2e";
const APP: &str = "pidone-app:e2e";
/// The test program alone, for `--init`.
const BARE: &str = "pidone-bare-app:e2e";
const FROM_ARCHIVE: &str = "pidone-from-archive:e2e";
/// A server with a HEALTHCHECK by `pidone --probe`.
const HEALTH: &str = "pidone-health:e2e";
/// busybox and the files of users, on pidone's image.
const USERS: &str = "pidone-users:e2e";

/// Docker's scenarios against `built` and the image archive in target/dist.
pub fn scenarios(built: &Dist) -> Result<Count> {
    setup::packages(&["dockerd", "docker", "skopeo"])?;
    let daemon = Daemon::start(&built.native)?;
    let docker = Engine::docker(&daemon.socket());
    let context = testapp::image_context(&root().join("target/e2e"))?;
    let commit = commit(&built.native)?;
    let scenarios: &[Check] = &[
        ("docker info: the init is pidone, at its commit", &|| info_names_pidone(&docker, &commit)),
        (
            "docker build -f Dockerfile.scratch: only the binaries are sent (.dockerignore), the image runs pidone",
            &|| scratch_image_of_binaries_alone(&docker, &context),
        ),
        ("docker run --init: the application's parent is PID 1, pidone as docker-init", &|| {
            parent_is_docker_init(&docker)
        }),
        ("docker run --init: exit codes pass through", &|| engine::exit_codes_pass(&docker, &["--init", BARE])),
        ("docker stop: TERM reaches the application's handler, which cleans up and exits 0", &|| {
            stop_reaches_handler(&docker)
        }),
        ("docker stop: no handler ends at once with 143, and with -e PIDONE_EXPECT=143 with 0", &|| {
            stop_without_handler_ends_at_once(&docker)
        }),
        ("docker run --init -e TINI_KILL_PROCESS_GROUP=1: docker stop reaches the helper in the group too", &|| {
            stop_reaches_group(&docker)
        }),
        ("docker run --init: orphans made inside the container are reaped", &|| orphans_reaped(&docker)),
        ("docker kill -s USR1 reaches the application through pidone", &|| kill_reaches_application(&docker)),
        ("HEALTHCHECK by pidone --probe: healthy while the server answers, unhealthy once it stops", &|| {
            probe_follows_server(&docker)
        }),
        ("docker run --user X and pidone --user X give the program the same ids and HOME", &|| {
            user_matches_docker(&docker)
        }),
        ("pidone-oci.tar, loaded into the engine (skopeo), gives an application its init (COPY --from)", &|| {
            archive_gives_init(&docker, &daemon, &context)
        }),
    ];
    Ok(run_all(scenarios))
}

/// The commit `pidone --version` names, as Docker's `docker info` parses it.
fn commit(pidone: &Path) -> Result<String> {
    let version = Command::new(pidone).arg("--version").output().map_err(|e| format!("pidone --version: {e}"))?;
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    Ok(version.trim().rsplit_once(" - git.").map(|(_, hash)| hash.to_owned()).unwrap_or_default())
}

fn info_names_pidone(docker: &Engine, commit: &str) -> Result<()> {
    let init = docker.ok(&["info", "--format", "{{.InitCommit.ID}} {{.InitCommit.Expected}}"])?;
    expect_eq(&init.trim(), &format!("{commit} {commit}").as_str(), "InitCommit (ID, Expected)")
}

/// Also builds the application images the scenarios after it run.
fn scratch_image_of_binaries_alone(docker: &Engine, context: &Path) -> Result<()> {
    let arch = format!("TARGETARCH={}", crate::targets::native().arch);
    let root = root();
    let dockerfile = root.join("Dockerfile.scratch");
    let (file, dir) = (dockerfile.to_str().ok_or("non-UTF-8")?, root.to_str().ok_or("non-UTF-8")?);
    let out = docker.ok(&["build", "--build-arg", &arch, "-f", file, "-t", BASE, dir])?;
    let sent = out.lines().find_map(|l| l.strip_prefix("Sending build context to Docker daemon")).unwrap_or("");
    let kb: f64 = sent.trim().trim_end_matches("kB").parse().map_err(|_| format!("context size {sent:?}"))?;
    if kb > 300.0 {
        return Err(format!("{kb} kB of context: more than target/dist's binaries"));
    }
    build_apps(docker, context)?;
    expect_contains(&docker.run(&[APP, "/app", "whoami"])?.stdout, " ppid=1 init=/pidone\n")
}

fn parent_is_docker_init(docker: &Engine) -> Result<()> {
    expect_contains(&docker.run(&["--init", BARE, "/app", "whoami"])?.stdout, " ppid=1 init=/sbin/docker-init\n")
}

fn stop_reaches_handler(docker: &Engine) -> Result<()> {
    let (code, logs, _) = docker.start(&["--init", BARE, "/app", "term-handler"])?.stop()?;
    expect_eq(&code, &0, "exit code")?;
    expect_contains(&logs, "ready\ncleaned up\n")
}

fn stop_without_handler_ends_at_once(docker: &Engine) -> Result<()> {
    engine::stopped_at_once_with(docker, &["--init", BARE, "/app", "sleep"], 143)?;
    engine::stopped_at_once_with(docker, &["--init", "-e", "PIDONE_EXPECT=143", BARE, "/app", "sleep"], 0)
}

fn stop_reaches_group(docker: &Engine) -> Result<()> {
    // PIDONE_WAIT_ALL keeps the container until the helper has finished: without the group's TERM, it would
    // wait for docker's SIGKILL, 10 s later.
    let group = ["-e", "TINI_KILL_PROCESS_GROUP=1", "-e", "PIDONE_WAIT_ALL=1"];
    let (code, logs, took) = docker.start(&[&["--init"][..], &group, &[BARE, "/app", "family"]].concat())?.stop()?;
    expect_eq(&code, &0, "exit code")?;
    expect_contains(&logs, "helper cleaned up\n")?;
    if took > Duration::from_secs(5) {
        return Err(format!("stop took {took:?}: the helper never got TERM"));
    }
    Ok(())
}

fn orphans_reaped(docker: &Engine) -> Result<()> {
    expect_eq(&docker.run(&["--init", BARE, "/app", "orphans", "100"])?.stdout.as_str(), &"zombies=0\n", "output")
}

fn kill_reaches_application(docker: &Engine) -> Result<()> {
    let running = docker.start(&["--init", BARE, "/app", "echo"])?;
    docker.ok(&["kill", "-s", "USR1", &running.name])?;
    running.wait_for("ready\nx\n")
}

fn probe_follows_server(docker: &Engine) -> Result<()> {
    let running = docker.start(&[HEALTH])?;
    health_becomes(docker, &running.name, "healthy")?;
    // Forwarded by pidone: the server stops listening.
    docker.ok(&["kill", "-s", "USR1", &running.name])?;
    health_becomes(docker, &running.name, "unhealthy")?;
    let log = docker.ok(&["inspect", "-f", "{{range .State.Health.Log}}{{.Output}}{{end}}", &running.name])?;
    expect_contains(&log, "pidone: probe http://127.0.0.1:8080/healthz: Connection refused\n")
}

fn user_matches_docker(docker: &Engine) -> Result<()> {
    for user in ["postgres", "101", "nobody", "1000", "postgres:daemon", "1000:1000", "postgres:103"] {
        for command in [&["id"][..], &["sh", "-c", "echo HOME=$HOME"]] {
            let docker_run = docker.run(&[&["--user", user, USERS], command].concat())?;
            let pidone = ["--entrypoint", "/pidone", USERS, "--user", user, "--", "/bin/busybox"];
            let with_pidone = docker.run(&[&pidone[..], command].concat())?;
            expect_eq(&with_pidone.code, &0, &format!("{user}: exit code ({})", with_pidone.stderr))?;
            let what = format!("{user}, {}", command.join(" "));
            expect_eq(&with_pidone.stdout, &docker_run.stdout, &what)?;
        }
    }
    Ok(())
}

fn archive_gives_init(docker: &Engine, daemon: &Daemon, context: &Path) -> Result<()> {
    let archive = root().join("target/dist").join(ARCHIVE);
    status(
        Command::new("skopeo")
            .args(["copy", "--quiet", "--dest-daemon-host", &format!("unix://{}", daemon.socket().display())])
            .arg(format!("oci-archive:{}", archive.display()))
            .arg("docker-daemon:pidone-oci:e2e"),
    )?;
    let file = context.join("Containerfile.from");
    let (file, dir) = (file.to_str().ok_or("non-UTF-8")?, context.to_str().ok_or("non-UTF-8")?);
    docker.ok(&["build", "--build-arg", "BASE=pidone-oci:e2e", "-f", file, "-t", FROM_ARCHIVE, dir])?;
    expect_contains(&docker.run(&[FROM_ARCHIVE])?.stdout, " ppid=1 init=/pidone\n")
}

/// Waits (30 s at most) until the container's health is `status`.
fn health_becomes(docker: &Engine, name: &str, status: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = docker.ok(&["inspect", "-f", "{{.State.Health.Status}}", name])?;
        if now.trim() == status {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("health still {:?} after 30 s, not {status:?}", now.trim()));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The application layered on pidone's image, and alone; the health-checked server and the users' image.
fn build_apps(docker: &Engine, context: &Path) -> Result<()> {
    let dir = context.to_str().ok_or("non-UTF-8")?;
    let base = format!("BASE={BASE}");
    for (file, tag, arg) in [
        ("Containerfile.layered", APP, base.clone()),
        ("Containerfile.bare", BARE, String::new()),
        ("Containerfile.health", HEALTH, base.clone()),
        ("Containerfile.users", USERS, base),
    ] {
        let file = context.join(file);
        let file = file.to_str().ok_or("non-UTF-8")?;
        let build_arg: &[&str] = if arg.is_empty() { &[] } else { &["--build-arg", &arg] };
        docker.ok(&[&["build", "-q"], build_arg, &["-f", file, "-t", tag, dir]].concat())?;
    }
    Ok(())
}

/// A `dockerd` of the test's own: no iptables, no bridge, vfs storage, its data, exec root and socket
/// under target/docker. Stopped and removed when dropped.
struct Daemon {
    dir: PathBuf,
    process: Child,
}

impl Daemon {
    fn start(init: &Path) -> Result<Daemon> {
        let dir = root().join("target/docker");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let log = std::fs::File::create(dir.join("log")).map_err(|e| format!("dockerd log: {e}"))?;
        let process = Command::new("dockerd")
            .args(["--iptables=false", "--ip6tables=false", "--bridge=none", "--storage-driver=vfs"])
            .arg("--data-root")
            .arg(dir.join("root"))
            .arg("--exec-root")
            .arg(dir.join("exec"))
            .arg("--pidfile")
            .arg(dir.join("pid"))
            .arg("-H")
            .arg(format!("unix://{}", dir.join("sock").display()))
            .arg("--init-path")
            .arg(init)
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start dockerd: {e}"))?;
        let daemon = Daemon { dir, process };
        let docker = Engine::docker(&daemon.socket());
        let deadline = Instant::now() + Duration::from_secs(30);
        while docker.ok(&["info", "--format", "{{.ServerVersion}}"]).is_err() {
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(daemon.dir.join("log")).unwrap_or_default();
                return Err(format!("dockerd did not answer in 30 s: {}", log.lines().last().unwrap_or_default()));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(daemon)
    }

    fn socket(&self) -> PathBuf {
        self.dir.join("sock")
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // TERM: dockerd stops its containers and its containerd, and unmounts what it mounted.
        let pid = rustix::process::Pid::from_raw(self.process.id() as i32).expect("a pid");
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        let deadline = Instant::now() + Duration::from_secs(30);
        while matches!(self.process.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
