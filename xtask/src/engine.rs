//! What the end-to-end scenarios of both engines share: the engine's command line (podman's and Docker's
//! take the same verbs), and the checks made with it.

use crate::cmd::Result;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A container engine's command line: podman's and docker's take the same verbs.
pub struct Engine {
    program: &'static str,
    /// Global arguments (podman's storage and runtime) and variables (docker's socket).
    global: Vec<String>,
    env: Vec<(&'static str, String)>,
    /// What every `run` needs on this kind of machine.
    run_flags: &'static [&'static str],
}

pub struct Ran {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Engine {
    /// podman with the settings this kind of machine needs: vfs storage under `work`, cgroupfs, file
    /// events, runc, and lower ulimits (root here may not raise them to podman's defaults; `kube play`
    /// reads them from a containers.conf).
    pub fn podman(work: &Path) -> Result<Engine> {
        Engine::podman_with(work, "containers.conf", "")
    }

    /// As `podman`, with `engine` as the `[engine]` table of its containers.conf, `name` in `work`.
    pub fn podman_with(work: &Path, name: &str, engine: &str) -> Result<Engine> {
        let conf = work.join(name);
        let text =
            format!("[containers]\ndefault_ulimits = [\"nofile=1024:1024\", \"nproc=1024:1024\"]\n[engine]\n{engine}");
        std::fs::write(&conf, text).map_err(|e| format!("{}: {e}", conf.display()))?;
        let at = |dir: &str| work.join(dir).to_string_lossy().into_owned();
        let global = ["--root", &at("storage"), "--runroot", &at("run"), "--storage-driver", "vfs"]
            .into_iter()
            .chain(["--cgroup-manager=cgroupfs", "--events-backend=file", "--runtime", "runc"])
            .map(String::from)
            .collect();
        Ok(Engine {
            program: "podman",
            global,
            env: vec![("CONTAINERS_CONF", conf.to_string_lossy().into_owned())],
            run_flags: &["--network=none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"],
        })
    }

    /// Docker's client, for the engine listening on `socket`, with the legacy builder (this engine has
    /// no BuildKit).
    pub fn docker(socket: &Path) -> Engine {
        Engine {
            program: "docker",
            global: Vec::new(),
            env: vec![("DOCKER_HOST", format!("unix://{}", socket.display())), ("DOCKER_BUILDKIT", "0".into())],
            run_flags: &["--network=none"],
        }
    }

    /// The engine's command, bounded in time.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("timeout");
        cmd.args(["60", self.program]).args(&self.global).args(args).envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    /// The engine's command, to the end; its output, an error if it failed.
    pub fn ok(&self, args: &[&str]) -> Result<String> {
        let out = output(&mut self.command(args))?;
        if !out.status.success() {
            return Err(format!("{} {args:?}: {}", self.program, String::from_utf8_lossy(&out.stderr).trim()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// `run --rm` to the end.
    pub fn run(&self, args: &[&str]) -> Result<Ran> {
        let all = [&["run", "--rm"], self.run_flags, args].concat();
        let out = output(&mut self.command(&all))?;
        if out.status.code() == Some(125) {
            return Err(format!("{} failed: {}", self.program, String::from_utf8_lossy(&out.stderr).trim()));
        }
        Ok(Ran {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        })
    }

    /// Starts a container in the background and waits for it to print `ready`. It is removed however its
    /// scenario ends.
    pub fn start(&self, args: &[&str]) -> Result<Running<'_>> {
        let name = format!("pidone-e2e-{}", std::process::id());
        let _ = self.command(&["rm", "-f", &name]).output();
        let running = Running::named(self, name);
        self.ok(&[&["run", "-d", "--name", &running.name], self.run_flags, args].concat())?;
        running.wait_for("ready")?;
        Ok(running)
    }
}

/// A container started in the background.
pub struct Running<'a> {
    engine: &'a Engine,
    pub name: String,
}

impl<'a> Running<'a> {
    /// The container `name`, which `engine` runs or is about to: removed when dropped.
    pub fn named(engine: &'a Engine, name: String) -> Running<'a> {
        Running { engine, name }
    }
}

impl Running<'_> {
    pub fn logs(&self) -> Result<String> {
        let out = output(&mut self.engine.command(&["logs", &self.name]))?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
    }

    /// Waits (20 s at most) until its output holds `want`.
    pub fn wait_for(&self, want: &str) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.logs()?.contains(want) {
            if Instant::now() > deadline {
                return Err(format!("the application never printed {want:?}: {:?}", self.logs()?));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// `stop` (TERM, then KILL after 10 s): the exit code, the output and how long the stop took.
    pub fn stop(&self) -> Result<(i32, String, Duration)> {
        let start = Instant::now();
        self.engine.ok(&["stop", "-t", "10", &self.name])?;
        let took = start.elapsed();
        let code = self.engine.ok(&["inspect", &self.name, "--format", "{{.State.ExitCode}}"])?;
        Ok((code.trim().parse().map_err(|e| format!("exit code: {e}"))?, self.logs()?, took))
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        let _ = self.engine.command(&["rm", "-f", &self.name]).output();
    }
}

/// Runs to the end; an error if it could not start or was cut off by `timeout` (exit 124).
pub fn output(cmd: &mut Command) -> Result<Output> {
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if out.status.code() == Some(124) {
        return Err(format!("{cmd:?} timed out"));
    }
    Ok(out)
}

pub fn expect_eq<T: PartialEq + std::fmt::Debug>(got: &T, want: &T, what: &str) -> Result<()> {
    if got == want { Ok(()) } else { Err(format!("{what}: got {got:?}, want {want:?}")) }
}

pub fn expect_contains(got: &str, want: &str) -> Result<()> {
    if got.contains(want) { Ok(()) } else { Err(format!("got {got:?}, want it to contain {want:?}")) }
}

/// Every exit code passes through the container: `image` (and its arguments) runs `/app exit N`.
pub fn exit_codes_pass(engine: &Engine, image: &[&str]) -> Result<()> {
    for code in [0, 1, 42, 255] {
        let code_text = code.to_string();
        let args = [image, &["/app", "exit", &code_text]].concat();
        expect_eq(&engine.run(&args)?.code, &code, "exit code")?;
    }
    Ok(())
}

/// Stopping the container that `args` starts takes no SIGKILL, and ends it with `code`.
pub fn stopped_at_once_with(engine: &Engine, args: &[&str], code: i32) -> Result<()> {
    let (got, _, took) = engine.start(args)?.stop()?;
    expect_eq(&got, &code, "exit code")?;
    if took > Duration::from_secs(5) {
        return Err(format!("stop took {took:?}: TERM was not delivered, the engine had to KILL"));
    }
    Ok(())
}
