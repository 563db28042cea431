//! `cargo xtask kernels`: every platform's binary as the init of its own architecture's Debian kernel, under
//! qemu-system (software emulation, one VM at a time), running the scenarios of `xtask/kernels` there. The
//! kernels, busybox-static and qemu-system come from Debian through a private apt configuration (`apt.rs`),
//! kept in target/kernels between runs.

use crate::apt::{self, Apt};
use crate::cmd::{Count, Result, root};
use crate::dist::{self, Dist};
use crate::initramfs::Initramfs;
use crate::targets::{self, NOT_UNDER_QEMU, TARGETS, Target};
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Where qemu-system comes from: bookworm's own is 7.2, which qemu-utils 10 (on this machine) breaks.
const QEMU_SUITE: &str = "bookworm-backports";
const QEMU: [&str; 6] = [
    "qemu-system-x86",
    "qemu-system-arm",
    "qemu-system-ppc",
    "qemu-system-mips",
    "qemu-system-s390x",
    "qemu-system-riscv",
];

/// From qemu's start to the kernel's panic line: the boot and every scenario (together 20 to 60 s).
const DEADLINE: Duration = Duration::from_secs(300);

/// What the VM's PID 1 program exits with, for the kernel's panic line to show.
const EXIT: u32 = 42;

/// What one VM showed.
pub struct Run {
    pub arch: &'static str,
    /// The kernel's `uname -r`, as it said inside the VM.
    pub linux: String,
    pub count: Count,
    pub took: Duration,
}

/// Boots every platform's kernel (or those of `only`, by architecture) with its binary as init; prints
/// each scenario's line, and one per architecture.
pub fn kernels(built: &Dist, only: &[String]) -> Result<Vec<Run>> {
    if let Some(unknown) = only.iter().find(|arch| !TARGETS.iter().any(|t| t.arch == *arch)) {
        let known: Vec<&str> = TARGETS.iter().map(|t| t.arch).collect();
        return Err(format!("no platform {unknown}: the platforms are {}", known.join(", ")));
    }
    let (qemu, machines) = fetch()?;
    let mut runs = Vec::new();
    for ((target, binary), machine) in built.all.iter().zip(&machines) {
        if !only.is_empty() && !only.iter().any(|arch| arch == target.arch) {
            continue;
        }
        let k = &target.kernel;
        println!("\npidone-{} as the init of {} ({} {}):", target.arch, machine.package, k.qemu, k.machine.join(" "));
        // A VM that cannot start is that architecture's failure; the others still run.
        let run = boot(target, machine, &qemu, binary).unwrap_or_else(|e| {
            println!("  FAIL {e}");
            let count = Count { passed: 0, failed: 1 };
            Run { arch: target.arch, linux: "unknown".to_owned(), count, took: Duration::ZERO }
        });
        println!("{}", summary(&run));
        runs.push(run);
    }
    Ok(runs)
}

/// `pidone-ARCH N passed, M failed (Linux VERSION, S s)`
pub fn summary(run: &Run) -> String {
    let Run { arch, linux, count, took } = run;
    format!(
        "pidone-{arch:<8} {} passed, {} failed (Linux {linux}, {:.1} s)",
        count.passed,
        count.failed,
        took.as_secs_f64()
    )
}

/// One architecture's kernel, busybox and device tree, unpacked.
struct Machine {
    /// The kernel's package, resolved from its metapackage.
    package: String,
    kernel: PathBuf,
    dtb: Option<PathBuf>,
    busybox: PathBuf,
}

/// qemu-system, unpacked with the libraries this machine lacks: run with their directories first.
struct Qemu {
    root: PathBuf,
}

impl Qemu {
    fn command(&self, program: &str) -> Command {
        let multiarch = format!("{}-linux-gnu", std::env::consts::ARCH);
        let libraries: Vec<PathBuf> =
            ["usr/lib", "lib"].iter().map(|dir| self.root.join(dir).join(&multiarch)).collect();
        let mut cmd = Command::new(self.root.join("usr/bin").join(program));
        cmd.env("LD_LIBRARY_PATH", std::env::join_paths(libraries).expect("no colon in the paths"));
        // Where Debian's qemu looks for firmware (its `--firmwarepath`), below the root here.
        for firmware in ["usr/share/qemu", "usr/share/seabios", "usr/lib/ipxe/qemu"] {
            cmd.arg("-L").arg(self.root.join(firmware));
        }
        cmd
    }
}

/// Everything the VMs need, in target/kernels: fetched where missing or out of date.
fn fetch() -> Result<(Qemu, Vec<Machine>)> {
    let dir = root().join("target/kernels");
    let here = targets::native().kernel.debian;
    let mut sources: Vec<(&str, Vec<&str>)> = vec![(QEMU_SUITE, vec![here])];
    for target in &TARGETS {
        let k = &target.kernel;
        match sources.iter_mut().find(|(suite, _)| *suite == k.suite) {
            Some((_, archs)) => archs.push(k.debian),
            None => sources.push((k.suite, vec![k.debian])),
        }
    }
    // A later suite is there only for the architectures an older one lacks.
    let apt = Apt::new(&dir.join("apt"), here, &sources, &["trixie"])?;
    apt.update()?;
    let qemu = unpack_qemu(&apt, &dir.join("qemu"))?;
    let metapackages: Vec<String> =
        TARGETS.iter().map(|t| format!("{}:{}", t.kernel.metapackage, t.kernel.debian)).collect();
    let kernels = apt.resolve(&metapackages)?;
    let mut packages = Vec::new();
    for (target, kernel) in TARGETS.iter().zip(&kernels) {
        let debian = target.kernel.debian;
        packages.push(format!("{}:{debian}", kernel.split(':').next().unwrap_or_default()));
        packages.push(format!("busybox-static:{debian}"));
    }
    let debs = apt.download(&packages)?;
    let mut machines = Vec::new();
    for (target, pair) in TARGETS.iter().zip(debs.chunks(2)) {
        let [kernel_deb, busybox_deb] = pair else { unreachable!("two packages per target") };
        let k = &target.kernel;
        let mut paths = vec!["./boot/vmlinu*".to_owned()];
        paths.extend(k.dtb.map(|dtb| format!("./usr/lib/linux-image-*/{dtb}")));
        let unpacked = unpack_once(kernel_deb, &dir.join(target.arch), &paths)?;
        let kernel = only_file(&unpacked.join("boot"))?;
        let dtb = match k.dtb {
            Some(_) => Some(only_file(&only_file(&unpacked.join("usr/lib"))?)?),
            None => None,
        };
        let unpacked = unpack_once(busybox_deb, &dir.join(target.arch), &[apt::BUSYBOX_PATHS.to_owned()])?;
        let busybox = apt::busybox(&unpacked)?;
        let package = kernel_deb
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .split('_')
            .next()
            .unwrap_or_default()
            .to_owned();
        machines.push(Machine { package, kernel, dtb, busybox });
    }
    Ok((qemu, machines))
}

/// qemu-system and what it needs that this machine lacks, unpacked together into `into` unless the
/// packages are the ones unpacked there before.
fn unpack_qemu(apt: &Apt, into: &Path) -> Result<Qemu> {
    // The resolver would upgrade this machine's qemu-user to the same version; qemu-system does not need it.
    let packages: Vec<String> =
        apt.missing(&QEMU, QEMU_SUITE)?.into_iter().filter(|p| !p.starts_with("qemu-user")).collect();
    let debs = apt.download(&packages)?;
    let stamp = into.join(".debs");
    let listed: String = debs.iter().map(|d| format!("{}\n", d.display())).collect();
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(listed.as_str()) {
        let _ = std::fs::remove_dir_all(into);
        for deb in &debs {
            apt::unpack(deb, into, &[])?;
        }
        std::fs::write(&stamp, listed).map_err(|e| format!("{}: {e}", stamp.display()))?;
    }
    Ok(Qemu { root: into.to_path_buf() })
}

/// The files of `deb` that match `paths`, unpacked into a directory of `under` named for the package,
/// once: a later run finds them there.
fn unpack_once(deb: &Path, under: &Path, paths: &[String]) -> Result<PathBuf> {
    let stem = deb.file_stem().expect("a .deb file").to_string_lossy().into_owned();
    let dir = under.join(&stem);
    if !dir.exists() {
        let partial = under.join(format!("{stem}.partial"));
        let _ = std::fs::remove_dir_all(&partial);
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        apt::unpack(deb, &partial, &paths)?;
        std::fs::rename(&partial, &dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    Ok(dir)
}

/// The one entry of `dir`.
fn only_file(dir: &Path) -> Result<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| Some(e.ok()?.path()))
        .collect();
    match entries.len() {
        1 => Ok(entries.remove(0)),
        n => Err(format!("{} holds {n} entries, not one", dir.display())),
    }
}

/// The scenarios, by name (`xtask/kernels/scenarios/NAME.sh`), and their text.
pub fn scenarios() -> Result<Vec<(String, String)>> {
    let dir = root().join("xtask/kernels/scenarios");
    let mut all = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| format!("{e}"))?.path();
        let name = path.file_stem().and_then(|n| n.to_str()).ok_or("a scenario's name")?.to_owned();
        all.push((name, std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?));
    }
    all.sort();
    Ok(all)
}

/// The two checks of pidone as the VM's own PID 1: the one inside (init.sh), and its exit status, which
/// comes back through the kernel's panic line.
const PID_1_INSIDE: &str = "pid-1-of-the-vm";
const PID_1_EXIT_STATUS: &str = "pid-1-exit-status";

/// The tests left out under qemu-user (`targets::NOT_UNDER_QEMU`) whose scenario is missing here: none,
/// or the test command's "left out" count says how many.
pub fn uncovered_under_qemu() -> Result<Vec<&'static str>> {
    let scenarios = scenarios()?;
    let covered = |scenario: &str| scenarios.iter().any(|(name, _)| name == scenario);
    Ok(NOT_UNDER_QEMU.iter().filter(|(_, _, scenario)| !covered(scenario)).map(|(test, ..)| *test).collect())
}

/// The initramfs: pidone as /pidone, busybox, the scripts, the console and /dev/null (busybox sh's
/// background jobs read it), and a user nobody for the scenarios that drop root.
fn initramfs(machine: &Machine, binary: &Path) -> Result<Vec<u8>> {
    let read = |path: &Path| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
    let mut archive = Initramfs::default();
    for dir in ["bin", "dev", "etc", "proc", "tmp", "scenarios"] {
        archive.directory(dir);
    }
    archive.character_device("dev/console", 5, 1);
    archive.character_device("dev/null", 1, 3);
    archive.file("pidone", 0o755, &read(binary)?);
    archive.file("bin/busybox", 0o755, &read(&machine.busybox)?);
    archive.file("etc/passwd", 0o644, b"root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
    archive.file("etc/group", 0o644, b"root:x:0:\nnogroup:x:65534:\n");
    for script in ["init.sh", "lib.sh"] {
        archive.file(script, 0o644, &read(&root().join("xtask/kernels").join(script))?);
    }
    for (name, text) in scenarios()? {
        archive.file(&format!("scenarios/{name}.sh"), 0o644, text.as_bytes());
    }
    Ok(archive.finish())
}

/// qemu, killed and reaped however its run ends.
struct Vm(Child);

impl Drop for Vm {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Boots `target`'s kernel with `binary` as its init: qemu, and the lines of its console (and its stderr).
fn start(target: &Target, machine: &Machine, qemu: &Qemu, binary: &Path) -> Result<(Vm, mpsc::Receiver<String>)> {
    let k = &target.kernel;
    let initrd = root().join("target/kernels").join(target.arch).join("initramfs.cpio");
    std::fs::write(&initrd, initramfs(machine, binary)?).map_err(|e| format!("{}: {e}", initrd.display()))?;
    let cmdline =
        format!("console={} rdinit=/pidone panic=-1 quiet {} -- /bin/busybox sh /init.sh", k.console, k.cmdline);
    let mut cmd = qemu.command(k.qemu);
    cmd.args(k.machine).args(["-nographic", "-no-reboot", "-kernel"]).arg(&machine.kernel);
    cmd.arg("-initrd").arg(&initrd).arg("-append").arg(cmdline);
    if let Some(dtb) = &machine.dtb {
        cmd.arg("-dtb").arg(dtb);
    }
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))
                .map_err(|e| std::io::Error::from_raw_os_error(e.raw_os_error()))
        });
    }
    let mut vm = Vm(cmd.spawn().map_err(|e| format!("cannot run {}: {e}", k.qemu))?);
    let (lines, console) = mpsc::channel();
    let outputs: [Option<Box<dyn std::io::Read + Send>>; 2] =
        [vm.0.stdout.take().map(|o| Box::new(o) as _), vm.0.stderr.take().map(|e| Box::new(e) as _)];
    for output in outputs.into_iter().flatten() {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(output).lines().map_while(|l| l.ok()) {
                if lines.send(line.trim_end_matches('\r').to_owned()).is_err() {
                    break;
                }
            }
        });
    }
    Ok((vm, console))
}

/// What the console said: the kernel's version, each scenario's result, init's exit status.
#[derive(Default)]
struct Console {
    linux: Option<String>,
    count: Count,
    reported: Vec<String>,
    exit_status: Option<u32>,
    /// The last lines that were none of these, to show when a result is missing.
    tail: Vec<String>,
}

impl Console {
    fn read(&mut self, line: String) {
        if let Some((_, said)) = line.split_once("pidone-vm: ") {
            if let Some(version) = said.strip_prefix("linux ") {
                self.linux = Some(version.to_owned());
                return;
            }
            println!("  {said}");
            let (ok, rest) = match said.split_once(' ') {
                Some(("ok", rest)) => (true, rest),
                Some(("FAIL", rest)) => (false, rest),
                _ => return,
            };
            self.reported.push(rest.split([' ', ':']).next().unwrap_or_default().to_owned());
            if ok { self.count.passed += 1 } else { self.count.failed += 1 }
        } else if let Some((_, code)) = line.split_once("Attempted to kill init! exitcode=0x") {
            self.exit_status = u32::from_str_radix(code.trim(), 16).ok().map(|status| status >> 8);
        } else {
            self.tail.push(line);
            if self.tail.len() > 30 {
                self.tail.remove(0);
            }
        }
    }
}

/// Boots `target`'s kernel with `binary` as its init, and tells what its console said.
fn boot(target: &Target, machine: &Machine, qemu: &Qemu, binary: &Path) -> Result<Run> {
    let started = Instant::now();
    let (vm, lines) = start(target, machine, qemu, binary)?;
    let mut console = Console::default();
    loop {
        match lines.recv_timeout((started + DEADLINE).saturating_duration_since(Instant::now())) {
            Ok(line) => console.read(line),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                println!("  FAIL the VM did not end within {DEADLINE:?}");
                console.count.failed += 1;
                break;
            }
        }
    }
    drop(vm);
    let Console { linux, mut count, reported, exit_status, tail } = console;
    match exit_status {
        Some(EXIT) => {
            println!("  ok {}: the kernel's panic line says init exited {EXIT}", PID_1_EXIT_STATUS);
            count.passed += 1;
        }
        other => {
            println!("  FAIL {}: init's exit status {other:?}, not {EXIT}", PID_1_EXIT_STATUS);
            count.failed += 1;
        }
    }
    let expected: Vec<String> =
        scenarios()?.into_iter().map(|(name, _)| name).chain([PID_1_INSIDE.to_owned()]).collect();
    let missing: Vec<&String> = expected.iter().filter(|name| !reported.contains(name)).collect();
    if !missing.is_empty() {
        println!("  FAIL no result from {missing:?}; the console's last lines:");
        for line in &tail {
            println!("  | {line}");
        }
        count.failed += missing.len();
    }
    let linux = linux.unwrap_or_else(|| "unknown".to_owned());
    Ok(Run { arch: target.arch, linux, count, took: started.elapsed() })
}

/// Every run's count added up.
pub fn total(runs: Vec<Run>) -> Count {
    let mut total = Count::default();
    for run in runs {
        total += run.count;
    }
    total
}

/// Fails unless README's platform table gives each architecture the kernel it ran on: its "real kernel"
/// cell (`Linux 6.1, …`) names the version the VM's `uname -r` gave.
pub fn check_readme(runs: &[Run]) -> Result<()> {
    let readme = std::fs::read_to_string(root().join("README.md")).map_err(|e| format!("README.md: {e}"))?;
    let table = dist::platform_table(&readme)?;
    let column = table.column("real kernel")?;
    for run in runs {
        let name = format!("`pidone-{}`", run.arch);
        let claimed = table
            .row(&name)
            .and_then(|row| row.get(column))
            .ok_or_else(|| format!("README.md's platform table has no real kernel for {name}"))?;
        let version = claimed.strip_prefix("Linux ").and_then(|rest| rest.split([',', ' ']).next()).unwrap_or_default();
        if version.is_empty() || !run.linux.starts_with(&format!("{version}.")) {
            return Err(format!("README.md says {name} ran on {claimed:?}; it ran on Linux {}", run.linux));
        }
    }
    println!("README.md's platform table names the kernel each architecture ran on");
    Ok(())
}

#[cfg(test)]
mod tests {
    /// Each test left out under qemu-user names a scenario of the real kernels that exists.
    #[test]
    fn every_test_left_out_under_qemu_is_covered_by_a_scenario() {
        assert_eq!(super::uncovered_under_qemu().unwrap(), Vec::<&str>::new());
    }
}
