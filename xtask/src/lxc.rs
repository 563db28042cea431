//! `cargo xtask e2e`, LXC's part: Debian's `lxc` starts a container whose root is this machine's own (no
//! image, no network), with pidone as its init (`lxc.init.cmd`), and `lxc-stop` stops it the way LXC and
//! Incus stop every container: with the halt signal to PID 1. Everything lives under target/lxc. Such a
//! container is never `lxc-destroy`ed: its rootfs is the machine's `/`; its directory is removed by hand.

use crate::cmd::{Check, Count, Result, root, run_all};
use crate::dist::Dist;
use crate::engine::{expect_eq, output};
use crate::setup;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The program: a TERM handler and an INT handler that say which came, and nothing for SIGPWR.
const APP: &str = r#"#!/bin/sh
trap 'echo TERM > "$0.got"; exit 0' TERM
trap 'echo INT > "$0.got"; exit 0' INT
echo ready > "$0.ready"
while :; do sleep 1000 & wait $!; done
"#;

pub fn scenarios(built: &Dist) -> Result<Count> {
    setup::packages(&["lxc-start"])?;
    let pidone = built.native.to_str().ok_or("non-UTF-8 path")?;
    let dir = root().join("target/lxc");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let scenarios: &[Check] = &[
        ("lxc-stop: LXC's halt signal reaches the program as TERM; its handler runs, the init ends with 0", &|| {
            let stopped = Container::start(&dir, "halt", &format!("{pidone} --"))?.stop(&[])?;
            expect_eq(&stopped.got.as_str(), &"TERM\n", "what the program got")?;
            expect_eq(&stopped.init_ended, &None, "the init's end, as LXC's log has it")?;
            if stopped.took > Duration::from_secs(1) {
                return Err(format!("lxc-stop took {:?}", stopped.took));
            }
            Ok(())
        }),
        ("lxc-stop with -r PWR:PWR: the program gets SIGPWR itself, and without a handler dies of it", &|| {
            let stopped = Container::start(&dir, "pwr", &format!("{pidone} -r PWR:PWR --"))?.stop(&[])?;
            expect_eq(&stopped.got.as_str(), &"", "what the program's handlers got")?;
            expect_eq(&stopped.init_ended, &Some("ended on error (158)".into()), "the init's end (128 + SIGPWR)")
        }),
        ("lxc-stop -r (reboot): LXC's SIGINT reaches the program as SIGINT; the container stops", &|| {
            let container = Container::start(&dir, "reboot", &format!("{pidone} --"))?;
            let stopped = container.stop(&["-r"])?;
            expect_eq(&stopped.got.as_str(), &"INT\n", "what the program got")?;
            // LXC reboots only a container whose init a reboot(2) ended, with SIGHUP.
            let state = container.info()?;
            expect_eq(&state.split_whitespace().last(), &Some("STOPPED"), "lxc-info's state")
        }),
    ];
    let count = run_all(scenarios);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(count)
}

/// A container of the scenario's own, removed (and killed, if it still runs) when dropped.
struct Container {
    dir: PathBuf,
    name: String,
    app: PathBuf,
}

/// What a stop did.
struct Stopped {
    /// What the program's handlers wrote.
    got: String,
    /// How LXC's log says the init ended, when that was not with 0.
    init_ended: Option<String>,
    took: Duration,
}

impl Container {
    /// Starts container `name` under `dir`, whose init is `init` (pidone and its options) running the
    /// program, and waits until the program is up.
    fn start(dir: &Path, name: &str, init: &str) -> Result<Container> {
        let container =
            Container { dir: dir.to_path_buf(), name: name.to_owned(), app: dir.join(format!("{name}.sh")) };
        let config_dir = dir.join(name);
        std::fs::create_dir_all(&config_dir).map_err(|e| format!("{}: {e}", config_dir.display()))?;
        std::fs::write(&container.app, APP).map_err(|e| format!("{}: {e}", container.app.display()))?;
        // `lxc.init.cmd` is split on blanks, with no shell: the program is a script file.
        let config = format!(
            "lxc.uts.name = {name}\nlxc.rootfs.path = dir:/\nlxc.mount.auto = proc:rw sys:ro\nlxc.net.0.type = empty\n\
             lxc.console.path = none\nlxc.log.file = {log}\nlxc.log.level = INFO\nlxc.init.cmd = {init} /bin/sh {app}\n",
            log = config_dir.join("log").display(),
            app = container.app.display(),
        );
        std::fs::write(config_dir.join("config"), config).map_err(|e| format!("config: {e}"))?;
        container.lxc("lxc-start", &["-d"])?;
        let ready = container.app.with_extension("sh.ready");
        let end = Instant::now() + Duration::from_secs(20);
        while !ready.exists() {
            if Instant::now() > end {
                return Err(format!("the program never started: {}", container.log()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(container)
    }

    /// `lxc-stop` (with `args`, after 10 s a SIGKILL), and what it did.
    fn stop(&self, args: &[&str]) -> Result<Stopped> {
        let start = Instant::now();
        // `lxc-stop -r` answers 1 when the init exits instead of rebooting: the stop is what is checked.
        let _ = self.lxc("lxc-stop", &[args, &["-t", "10"]].concat());
        let took = start.elapsed();
        let got = std::fs::read_to_string(self.app.with_extension("sh.got")).unwrap_or_default();
        let log = self.log();
        // `... - Child <PID> ended on error (158)`
        let init_ended = log.lines().find_map(|l| Some(l.split_once(" - Child <")?.1.split_once("> ")?.1.to_owned()));
        Ok(Stopped { got, init_ended, took })
    }

    /// `lxc-info -s`: the container's state.
    fn info(&self) -> Result<String> {
        self.lxc("lxc-info", &["-s"])
    }

    /// Runs an LXC tool on this container; its output.
    fn lxc(&self, tool: &str, args: &[&str]) -> Result<String> {
        let mut cmd = Command::new("timeout");
        cmd.args(["30", tool, "-P"]).arg(&self.dir).args(["-n", &self.name]).args(args);
        let out = output(&mut cmd)?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(format!("{tool} {args:?}: {}{}", String::from_utf8_lossy(&out.stderr).trim(), self.log()))
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join(&self.name).join("log")).unwrap_or_default()
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        let _ = self.lxc("lxc-stop", &["-k"]);
        let _ = std::fs::remove_dir_all(self.dir.join(&self.name));
    }
}
