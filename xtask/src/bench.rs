//! `cargo xtask bench`: pidone side by side with Debian's tini-static, tini, dumb-init and catatonit, in
//! one run, interleaved round by round so that machine drift cancels. Medians and the spread (min..max)
//! go to a table on stdout, target/bench/results.json and target/bench/chart.svg.

use crate::cmd::{Count, Result, root, status};
use crate::{dist, namespace, setup, testapp};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

struct Init {
    name: &'static str,
    path: PathBuf,
}

/// One measurement of every init: samples per init, in `inits` order.
struct Metric {
    name: &'static str,
    unit: &'static str,
    samples: Vec<Vec<f64>>,
    /// The target for pidone, as text, and whether its median meets it.
    target: (String, bool),
}

fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

fn spread(samples: &[f64]) -> (f64, f64) {
    samples.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)))
}

pub fn bench() -> Result<()> {
    setup::packages(&["tini-static", "dumb-init", "catatonit", "valgrind", "strace", "taskset"])?;
    let built = dist::dist()?;
    let app = testapp::build()?;
    let mut inits = vec![Init { name: "pidone", path: built.native.clone() }];
    for (name, path) in [
        ("tini-static", "/usr/bin/tini-static"),
        ("tini", "/usr/bin/tini"),
        ("dumb-init", "/usr/bin/dumb-init"),
        ("catatonit", "/usr/bin/catatonit"),
    ] {
        if Path::new(path).exists() {
            inits.push(Init { name, path: path.into() });
        } else {
            println!("not measured: {name} ({path} is missing)");
        }
    }
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let app = app.to_str().ok_or("non-UTF-8 path")?.to_owned();
    let mut metrics = vec![size(&inits, &built)];
    for metric in sampled() {
        metrics.push(metric.run(&inits)?);
    }
    metrics.push(startup_overhead(&inits)?);
    metrics.push(forwarding_overhead(&inits, &app)?);
    metrics.extend(zombie_burst(&inits, &app)?);
    metrics.extend(orphan_churn(&inits, &app)?);
    metrics.push(exit_latency(&inits, &app)?);
    let load_after = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = format!("load average before {}, after {}", first3(&load_before), first3(&load_after));
    report(&inits, &metrics, &load)
}

fn read(path: impl AsRef<Path>) -> Result<String> {
    std::fs::read_to_string(path.as_ref()).map_err(|e| format!("{}: {e}", path.as_ref().display()))
}

fn first3(loadavg: &str) -> String {
    loadavg.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

fn target(value: f64, limit: f64, text: String) -> (String, bool) {
    (text, value <= limit)
}

/// The same measurement for every init, `rounds` times, interleaved: A B C ... A B C ...
fn rounds(inits: &[Init], rounds: usize, mut measure: impl FnMut(&Init) -> Result<f64>) -> Result<Vec<Vec<f64>>> {
    let mut samples = vec![Vec::new(); inits.len()];
    for _ in 0..rounds {
        for (i, init) in inits.iter().enumerate() {
            samples[i].push(measure(init)?);
        }
    }
    Ok(samples)
}

fn size(inits: &[Init], built: &dist::Dist) -> Metric {
    let bytes = |p: &Path| std::fs::metadata(p).map_or(f64::NAN, |m| m.len() as f64);
    let samples: Vec<Vec<f64>> = inits.iter().map(|i| vec![bytes(&i.path)]).collect();
    let within = built.all.iter().all(|(t, p)| bytes(p) <= t.budget as f64);
    Metric { name: "file size", unit: "B", target: ("within its budget, every arch".into(), within), samples }
}

/// An init as PID 1 of a fresh PID namespace running `program`, with its host pid once it is up.
struct AsPid1 {
    unshare: Child,
    pid: u32,
    stdout: Option<BufReader<ChildStdout>>,
}

impl AsPid1 {
    fn start(init: &Init, program: &[&str], stdin: Stdio) -> Result<AsPid1> {
        let mut unshare = namespace::unshare()
            .arg(&init.path)
            .arg("--")
            .args(program)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("unshare: {e}"))?;
        let stdout = unshare.stdout.take().map(BufReader::new);
        let Some(pid) = namespace::namespace_init(unshare.id(), Duration::from_secs(10)) else {
            namespace::end_namespace(&mut unshare);
            return Err(format!("{} never started", init.name));
        };
        Ok(AsPid1 { unshare, pid, stdout })
    }

    fn line(&mut self) -> Result<String> {
        let mut line = String::new();
        self.stdout.as_mut().ok_or("no stdout")?.read_line(&mut line).map_err(|e| e.to_string())?;
        Ok(line.trim_end().to_owned())
    }

    /// Waits for the program's first line.
    fn ready(&mut self) -> Result<()> {
        let line = self.line()?;
        if line == "ready" { Ok(()) } else { Err(format!("expected ready, got {line:?}")) }
    }

    fn status_field(&self, field: &str) -> Result<u64> {
        let status = read(format!("/proc/{}/status", self.pid))?;
        let values: Vec<u64> = status
            .lines()
            .filter(|l| l.starts_with(field))
            .filter_map(|l| l.split_whitespace().nth(1)?.parse().ok())
            .collect();
        if values.is_empty() { Err(format!("no {field} in status")) } else { Ok(values.iter().sum()) }
    }

    fn switches(&self) -> Result<u64> {
        self.status_field("voluntary_ctxt_switches")
            .and_then(|v| Ok(v + self.status_field("nonvoluntary_ctxt_switches")?))
    }

    /// CPU time the init has used, in nanoseconds (schedstat: precise, unlike the tick counts of stat).
    fn cpu_ns(&self) -> Result<u64> {
        let text = read(format!("/proc/{}/schedstat", self.pid))?;
        text.split_whitespace().next().and_then(|n| n.parse().ok()).ok_or_else(|| "bad schedstat".into())
    }

    fn children(&self) -> usize {
        namespace::children(self.pid).len()
    }

    fn signal(&self, sig: &str) -> Result<()> {
        status(Command::new("kill").arg(format!("-{sig}")).arg(self.pid.to_string()))
    }
}

impl Drop for AsPid1 {
    fn drop(&mut self) {
        namespace::end_namespace(&mut self.unshare);
    }
}

/// A metric whose samples are one function's, once per init and round.
struct Sampled {
    name: &'static str,
    unit: &'static str,
    rounds: usize,
    measure: fn(&Init) -> Result<f64>,
    /// What pidone's median is held to.
    limit: Limit,
}

enum Limit {
    /// In the metric's unit.
    Fixed(f64),
    /// A share of tini-static's median.
    ShareOfTini(f64),
}

impl Limit {
    /// The target, as the report says it.
    fn text(&self, unit: &str) -> String {
        match *self {
            Limit::Fixed(0.0) => "0".into(),
            Limit::Fixed(limit) => format!("≤ {} {unit}", number(limit)),
            Limit::ShareOfTini(share) => format!("≤ {:.0}% of tini-static", share * 100.0),
        }
    }
}

fn sampled() -> [Sampled; 4] {
    [
        Sampled {
            name: "peak RSS of the init (VmHWM)",
            unit: "KiB",
            rounds: 5,
            measure: vm_hwm,
            limit: Limit::Fixed(VM_HWM_CEILING),
        },
        Sampled {
            name: "idle wake-ups",
            unit: "/min",
            rounds: 1,
            measure: idle_wakeups_per_minute,
            limit: Limit::Fixed(0.0),
        },
        Sampled {
            name: "start-up instructions (callgrind)",
            unit: "instr",
            rounds: 1,
            measure: instructions,
            limit: Limit::ShareOfTini(0.10),
        },
        Sampled {
            name: "start-up syscalls (strace)",
            unit: "calls",
            rounds: 1,
            measure: syscalls,
            limit: Limit::Fixed(SYSCALLS_CEILING),
        },
    ]
}

impl Sampled {
    fn run(self, inits: &[Init]) -> Result<Metric> {
        let samples = rounds(inits, self.rounds, self.measure)?;
        let pidone = median(&samples[0]);
        let text = self.limit.text(self.unit);
        let target = match self.limit {
            Limit::Fixed(limit) => target(pidone, limit, text),
            Limit::ShareOfTini(share) => target(pidone / median(&samples[1]), share, text),
        };
        Ok(Metric { name: self.name, unit: self.unit, target, samples })
    }
}

/// The init's peak resident memory (KiB) as PID 1 while its program sleeps.
fn vm_hwm(init: &Init) -> Result<f64> {
    let run = AsPid1::start(init, &["/bin/sleep", "10"], Stdio::null())?;
    std::thread::sleep(Duration::from_millis(300));
    run.status_field("VmHWM").map(|kb| kb as f64)
}

/// The init's context switches over 3 s as PID 1 while its program sleeps, per minute.
fn idle_wakeups_per_minute(init: &Init) -> Result<f64> {
    let window = Duration::from_secs(3);
    let run = AsPid1::start(init, &["/bin/sleep", "30"], Stdio::null())?;
    std::thread::sleep(Duration::from_millis(300));
    let before = run.switches()?;
    std::thread::sleep(window);
    Ok((run.switches()? - before) as f64 * 60.0 / window.as_secs_f64())
}

/// `INIT -- /bin/true` with a fixed environment: start-up work that does not grow with the caller's.
fn start_up(tool: &str) -> Command {
    let mut cmd = Command::new(tool);
    cmd.env_clear().env("PATH", "/usr/bin:/bin").stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

/// The user-space instructions of the init's whole life (start, fork, wait, reap, exit), by callgrind.
fn instructions(init: &Init) -> Result<f64> {
    let out = root().join("target/bench");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let file = out.join(format!("callgrind.{}", init.name));
    // Only the init: valgrind does not follow the exec'd child, and its pre-exec part writes another file.
    let mut valgrind = start_up("valgrind")
        .args(["--tool=callgrind", "--trace-children=no"])
        .arg(format!("--callgrind-out-file={}.%p", file.display()))
        .arg(&init.path)
        .args(["--", "/bin/true"])
        .spawn()
        .map_err(|e| format!("valgrind: {e}"))?;
    valgrind.wait().map_err(|e| format!("valgrind: {e}"))?;
    let text = read(format!("{}.{}", file.display(), valgrind.id()))?;
    text.lines()
        .find_map(|l| l.strip_prefix("summary: ")?.trim().parse::<f64>().ok())
        .ok_or_else(|| "no summary in callgrind output".into())
}

/// The system calls the init makes in its whole life, its own execve included, by strace.
fn syscalls(init: &Init) -> Result<f64> {
    let out = root().join("target/bench");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let file = out.join(format!("strace.{}", init.name));
    status(start_up("strace").args(["-f", "-o"]).arg(&file).arg(&init.path).args(["--", "/bin/true"]))?;
    let text = read(&file)?;
    // The init's own calls: lines of the first pid, none of its child's.
    let first = text.split_whitespace().next().unwrap_or_default().to_owned();
    Ok(text
        .lines()
        .filter(|l| l.split_whitespace().next() == Some(first.as_str()))
        .filter(|l| !l.contains(" +++ ") && !l.contains(" --- ") && !l.contains(" resumed>"))
        .count() as f64)
}

/// The most start-up system calls pidone may make (the test command's ceiling and the benchmark's target).
const SYSCALLS_CEILING: f64 = 12.0;
/// The most pidone may have resident, in KiB: eight pages, four of code and read-only data (the cold
/// segment, what only other modes and failures run, is never touched), one of data and up to three of
/// stack, where the kernel's random offset puts it; and one page of margin.
const VM_HWM_CEILING: f64 = 36.0;

/// The figures that do not depend on the machine's load, against ceilings (today's values plus a small
/// margin), so that a change that costs them fails the test run with the figure. Returns passed, failed.
pub fn ceilings(pidone: &Path) -> Result<Count> {
    setup::packages(&["valgrind", "strace"])?;
    type Measure = fn(&Init) -> Result<f64>;
    let checks: [(&str, &str, f64, Measure); 4] = [
        // Named as in the benchmark's table.
        ("start-up syscalls (strace)", "", SYSCALLS_CEILING, syscalls),
        ("start-up instructions (callgrind)", "", 1500.0, instructions),
        ("peak RSS of the init (VmHWM)", " KiB", VM_HWM_CEILING, vm_hwm),
        ("idle wake-ups", " /min", 0.0, idle_wakeups_per_minute),
    ];
    let init = Init { name: "pidone", path: pidone.to_path_buf() };
    let mut failed = 0;
    for (name, unit, ceiling, measure) in checks {
        let got = measure(&init)?;
        let ok = got <= ceiling;
        failed += usize::from(!ok);
        println!(
            "{}  {name}: {}{unit}, ceiling {}{unit}",
            if ok { "ok  " } else { "FAIL" },
            number(got),
            number(ceiling)
        );
    }
    Ok(Count { passed: checks.len() - failed, failed })
}

fn time_run(cmd: &mut Command) -> Result<f64> {
    let start = Instant::now();
    let status = cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().map_err(|e| format!("{cmd:?}: {e}"))?;
    let took = start.elapsed().as_secs_f64() * 1e6;
    if status.success() { Ok(took) } else { Err(format!("{cmd:?} failed")) }
}

fn startup_overhead(inits: &[Init]) -> Result<Metric> {
    let mut bare = Vec::new();
    let mut samples = vec![Vec::new(); inits.len()];
    for _ in 0..300 {
        bare.push(time_run(&mut Command::new("/bin/true"))?);
        for (i, init) in inits.iter().enumerate() {
            samples[i].push(time_run(Command::new(&init.path).args(["--", "/bin/true"]))?);
        }
    }
    let base = median(&bare);
    for s in &mut samples {
        s.iter_mut().for_each(|x| *x -= base);
    }
    let (pidone, tini) = (median(&samples[0]), median(&samples[1]));
    Ok(Metric {
        name: "start-up overhead (INIT -- true, minus true)",
        unit: "µs",
        target: target(pidone / tini, 0.5, "≤ 0.5 × tini-static".into()),
        samples,
    })
}

/// Round trips of SIGUSR1 through the init to the program (which answers with a line), minus the same
/// sent to the program directly; everything on one CPU.
fn forwarding_overhead(inits: &[Init], app: &str) -> Result<Metric> {
    let me = std::process::id().to_string();
    status(Command::new("taskset").args(["-a", "-cp", "0", &me]).stdout(Stdio::null()))?;
    let result = rounds(inits, 1, |init| {
        let mut run = AsPid1::start(init, &[app, "echo"], Stdio::null())?;
        run.ready()?;
        let child = *namespace::children(run.pid).first().ok_or("no child")?;
        let pid = |raw: u32| rustix::process::Pid::from_raw(raw as i32).ok_or("no pid");
        let (init_pid, child) = (pid(run.pid)?, pid(child)?);
        let mut trip = |target| -> Result<f64> {
            let start = Instant::now();
            rustix::process::kill_process(target, rustix::process::Signal::USR1).map_err(|e| e.to_string())?;
            run.line()?;
            Ok(start.elapsed().as_secs_f64() * 1e6)
        };
        let (mut via, mut direct) = (Vec::new(), Vec::new());
        for _ in 0..1000 {
            via.push(trip(init_pid)?);
            direct.push(trip(child)?);
        }
        Ok(median(&via) - median(&direct))
    });
    status(Command::new("taskset").args(["-a", "-cp", "0-1023", &me]).stdout(Stdio::null()))?;
    let samples = result?;
    let (pidone, tini) = (median(&samples[0]), median(&samples[1]));
    Ok(Metric {
        name: "signal forwarding overhead (one CPU)",
        unit: "µs",
        target: target(pidone, tini, "≤ tini-static".into()),
        samples,
    })
}

/// 10,000 zombies re-parented to the init while it is stopped; then SIGCONT: its CPU time per zombie.
fn zombie_burst(inits: &[Init], app: &str) -> Result<Vec<Metric>> {
    const N: u64 = 10_000;
    let mut left = vec![Vec::new(); inits.len()];
    let samples = rounds(inits, 5, |init| {
        let mut run = AsPid1::start(init, &[app, "burst", &N.to_string()], Stdio::piped())?;
        run.ready()?;
        run.signal("STOP")?;
        writeln!(run.unshare.stdin.as_mut().ok_or("no stdin")?, "go").map_err(|e| e.to_string())?;
        if run.line()? != "made" {
            return Err("the burst did not finish".into());
        }
        let before = run.cpu_ns()?;
        run.signal("CONT")?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while run.children() > 1 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        let index = inits.iter().position(|i| i.name == init.name).unwrap_or(0);
        left[index].push(run.children().saturating_sub(1) as f64);
        Ok((run.cpu_ns()? - before) as f64 / N as f64 / 1000.0)
    })?;
    let (pidone, tini) = (median(&samples[0]), median(&samples[1]));
    let none_left = left[0].iter().all(|&n| n == 0.0);
    Ok(vec![
        Metric {
            name: "zombie burst: init CPU per zombie",
            unit: "µs",
            target: target(pidone, tini, "≤ tini-static".into()),
            samples,
        },
        Metric { name: "zombie burst: zombies left", unit: "", target: ("0".into(), none_left), samples: left },
    ])
}

/// 20,000 double-forked orphans: the init's CPU time and wake-ups per orphan.
fn orphan_churn(inits: &[Init], app: &str) -> Result<Vec<Metric>> {
    const N: u64 = 20_000;
    let mut wakeups = vec![Vec::new(); inits.len()];
    let mut left = vec![Vec::new(); inits.len()];
    let samples = rounds(inits, 3, |init| {
        // The program stays after its report, so that the init is still there to be read.
        let script = format!("\"$0\" orphans {N}; exec sleep 60");
        let mut run = AsPid1::start(init, &["/bin/sh", "-c", &script, app], Stdio::null())?;
        let (cpu, switches) = (run.cpu_ns()?, run.switches()?);
        let report = run.line()?;
        let index = inits.iter().position(|i| i.name == init.name).unwrap_or(0);
        wakeups[index].push((run.switches()? - switches) as f64 / N as f64);
        left[index].push(report.strip_prefix("zombies=").and_then(|z| z.parse().ok()).unwrap_or(f64::NAN));
        Ok((run.cpu_ns()? - cpu) as f64 / N as f64 / 1000.0)
    })?;
    let (pidone, tini) = (median(&samples[0]), median(&samples[1]));
    let (pidone_w, tini_w) = (median(&wakeups[0]), median(&wakeups[1]));
    let none_left = left[0].iter().all(|&n| n == 0.0);
    Ok(vec![
        Metric {
            name: "orphan churn: init CPU per orphan",
            unit: "µs",
            target: target(pidone, tini, "≤ tini-static".into()),
            samples,
        },
        Metric {
            name: "orphan churn: init wake-ups per orphan",
            unit: "",
            target: target(pidone_w, tini_w, "≤ tini-static".into()),
            samples: wakeups,
        },
        Metric { name: "orphan churn: zombies left", unit: "", target: ("0".into(), none_left), samples: left },
    ])
}

fn monotonic_ns() -> f64 {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    now.tv_sec as f64 * 1e9 + now.tv_nsec as f64
}

/// From the program's last instruction to its init having been reaped by the init's parent (this
/// process), minus the same for the program run directly.
fn exit_latency(inits: &[Init], app: &str) -> Result<Metric> {
    let once = |cmd: &mut Command| -> Result<f64> {
        let out = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().map_err(|e| format!("{cmd:?}: {e}"))?;
        let mut out = out;
        let status = out.wait().map_err(|e| e.to_string())?;
        let reaped = monotonic_ns();
        let mut text = String::new();
        BufReader::new(out.stdout.take().ok_or("no stdout")?).read_line(&mut text).map_err(|e| e.to_string())?;
        let exited: f64 = text.trim().parse().map_err(|_| format!("bad timestamp {text:?}"))?;
        if !status.success() {
            return Err(format!("{cmd:?} failed"));
        }
        Ok((reaped - exited) / 1000.0)
    };
    let mut direct = Vec::new();
    let mut samples = vec![Vec::new(); inits.len()];
    for _ in 0..200 {
        direct.push(once(Command::new(app).arg("exit-at"))?);
        for (i, init) in inits.iter().enumerate() {
            samples[i].push(once(Command::new(&init.path).args(["--", app, "exit-at"]))?);
        }
    }
    let base = median(&direct);
    for s in &mut samples {
        s.iter_mut().for_each(|x| *x -= base);
    }
    let (pidone, tini) = (median(&samples[0]), median(&samples[1]));
    Ok(Metric {
        name: "exit latency (child exit → init reaped), minus direct",
        unit: "µs",
        target: target(pidone, tini, "≤ tini-static".into()),
        samples,
    })
}

fn number(x: f64) -> String {
    if x.is_nan() {
        "n/a".into()
    } else if x.abs() >= 1000.0 || x == x.trunc() {
        let whole = x.round() as i64;
        let digits = whole.unsigned_abs().to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if whole < 0 { format!("-{grouped}") } else { grouped }
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn report(inits: &[Init], metrics: &[Metric], load: &str) -> Result<()> {
    let mut table = String::new();
    table.push_str(&format!(
        "| metric | {} | pidone / tini-static | target for pidone |\n",
        inits.iter().map(|i| i.name).collect::<Vec<_>>().join(" | ")
    ));
    table.push_str(&format!("|---|{}---|---|\n", "---|".repeat(inits.len())));
    for m in metrics {
        let cells: Vec<String> = m
            .samples
            .iter()
            .map(|s| {
                let (lo, hi) = spread(s);
                let unit = if m.unit.is_empty() { String::new() } else { format!(" {}", m.unit) };
                if s.len() > 1 && lo != hi {
                    format!("{}{unit} ({}..{})", number(median(s)), number(lo), number(hi))
                } else {
                    format!("{}{unit}", number(median(s)))
                }
            })
            .collect();
        let (p, t) = (median(&m.samples[0]), m.samples.get(1).map_or(f64::NAN, |s| median(s)));
        let ratio = if t.abs() > f64::EPSILON && t.is_finite() && p.is_finite() {
            format!("{:.3}", p / t)
        } else {
            "—".into()
        };
        let verdict = if m.target.1 { "✔" } else { "✘" };
        table.push_str(&format!("| {} | {} | {ratio} | {} {verdict} |\n", m.name, cells.join(" | "), m.target.0));
    }
    println!("\n{table}\n{load}");
    let out = root().join("target/bench");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    std::fs::write(out.join("table.md"), format!("{table}\n{load}\n")).map_err(|e| e.to_string())?;
    std::fs::write(out.join("results.json"), json(inits, metrics, load)).map_err(|e| e.to_string())?;
    crate::chart::draw(
        &out.join("chart.svg"),
        inits.iter().map(|i| i.name).collect(),
        metrics
            .iter()
            .map(|m| (format!("{} ({})", m.name, m.unit), m.samples.iter().map(|s| median(s)).collect()))
            .collect(),
    )?;
    println!("wrote target/bench/results.json, table.md and chart.svg");
    Ok(())
}

fn json(inits: &[Init], metrics: &[Metric], load: &str) -> String {
    // NaN (a metric an init could not give) has no JSON number: null.
    let number = |x: f64| if x.is_finite() { serde_json::json!(x) } else { serde_json::Value::Null };
    let metrics: Vec<serde_json::Value> = metrics
        .iter()
        .map(|m| {
            let results: serde_json::Map<String, serde_json::Value> = m
                .samples
                .iter()
                .zip(inits)
                .map(|(s, i)| {
                    let samples: Vec<_> = s.iter().map(|&x| number(x)).collect();
                    (i.name.to_owned(), serde_json::json!({"median": number(median(s)), "samples": samples}))
                })
                .collect();
            serde_json::json!({"name": m.name, "unit": m.unit, "target": m.target.0, "met": m.target.1, "results": results})
        })
        .collect();
    let inits: Vec<&str> = inits.iter().map(|i| i.name).collect();
    let doc = serde_json::json!({"load": load, "inits": inits, "metrics": metrics});
    serde_json::to_string_pretty(&doc).expect("JSON values always serialise") + "\n"
}
