//! The program in the e2e test images (`cargo xtask e2e`), built static for the image. Each mode checks
//! one thing a containerised application relies on its init for:
//!
//! - `whoami`: prints `pid=P ppid=Q init=<PID 1's argv[0]>`
//! - `exit N`: exits with N
//! - `term-handler`: prints `ready`, waits for SIGTERM, prints `cleaned up`, exits 0
//! - `family`: as `term-handler`, plus a helper process that prints `helper cleaned up` on SIGTERM; the
//!   main process does not wait for it, so only an init with a grace period lets the helper finish
//! - `sleep`: prints `ready` and sleeps with default signal dispositions
//! - `orphans N`: leaves N orphans behind, waits for them to end, prints `zombies=Z` for the whole container
//! - `count`: blocks every signal, prints `ready`, takes signals one by one (sigwaitinfo: nothing is lost
//!   to a handler's race) until SIGTERM, then prints `N=count` for each signal number seen and
//!   `blocked=<hex>` (the mask it started with)
//! - `echo`: prints `ready`, then a line for every SIGUSR1 (for timing signal delivery), until SIGTERM
//! - `burst N`: prints `ready`, waits for a line on stdin, leaves N orphans that exit at once (zombies,
//!   while the init is stopped), prints `made`, then sleeps
//! - `exit-at`: prints CLOCK_MONOTONIC in nanoseconds and exits (for timing the way back to the parent)
//! - `enosys FAMILY PROGRAM ARGS...`: execs PROGRAM under a seccomp filter that answers ENOSYS to one family
//!   of i386 time calls, `time64` (a kernel built without 32-bit time would answer the classic ones so;
//!   one older than 5.1, the time64 ones) or `classic`, for testing pidone-386's fallback

use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    match arg(0) {
        "whoami" => {
            let init = std::fs::read("/proc/1/cmdline").unwrap_or_default();
            let argv0 = init.split(|&b| b == 0).next().unwrap_or_default();
            // SAFETY: getppid has no preconditions.
            let ppid = unsafe { libc::getppid() };
            println!("pid={} ppid={ppid} init={}", std::process::id(), String::from_utf8_lossy(argv0));
        }
        "exit" => std::process::exit(arg(1).parse().expect("exit N")),
        "term-handler" => {
            block_term();
            println!("ready");
            wait_for_term();
            println!("cleaned up");
        }
        "family" => {
            block_term();
            // SAFETY: single-threaded; the child only prints, waits and leaves with _exit.
            if unsafe { libc::fork() } == 0 {
                wait_for_term();
                println!("helper cleaned up");
                // SAFETY: ends the helper without running the parent's exit path twice.
                unsafe { libc::_exit(0) };
            }
            println!("ready");
            wait_for_term();
            println!("cleaned up");
        }
        "sleep" => {
            println!("ready");
            std::thread::sleep(Duration::from_secs(3600));
        }
        "orphans" => orphans(arg(1).parse().expect("orphans N")),
        "count" => count(),
        "echo" => echo(),
        "burst" => burst(arg(1).parse().expect("burst N")),
        "exit-at" => {
            let mut now: libc::timespec = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: `now` is a live timespec for the call to fill.
            unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
            println!("{}", now.tv_sec as u128 * 1_000_000_000 + now.tv_nsec as u128);
        }
        "enosys" => enosys(arg(1), &args[2..]),
        other => {
            eprintln!("pidone-testapp: unknown mode {other:?}");
            std::process::exit(2);
        }
    }
}

/// Blocks SIGTERM so that `wait_for_term` can take it (fork keeps the mask).
fn block_term() {
    // SAFETY: plain libc signal-set calls on a local set.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

fn wait_for_term() {
    // SAFETY: as above; SIGTERM is blocked, so sigwait takes it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        let mut sig = 0;
        libc::sigwait(&set, &mut sig);
    }
}

fn count() {
    let mut counts = [0u64; 65];
    // SAFETY: plain libc signal-set calls on local sets; every signal is blocked before it is waited for.
    let started_with = unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
        println!("ready");
        loop {
            let sig = libc::sigwaitinfo(&all, std::ptr::null_mut());
            if sig == libc::SIGTERM {
                break;
            }
            if let Some(n) = counts.get_mut(sig.max(0) as usize) {
                *n += 1;
            }
        }
        (1..=64).filter(|&n| libc::sigismember(&old, n) == 1).fold(0u64, |m, n| m | 1 << (n - 1))
    };
    let seen: Vec<String> = (1..=64).filter(|&n| counts[n] > 0).map(|n| format!("{n}={}", counts[n])).collect();
    println!("{} blocked={started_with:x}", seen.join(" "));
}

fn echo() {
    use std::io::Write;
    // SAFETY: plain libc signal-set calls on a local set, blocked before they are waited for.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGUSR1);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        println!("ready");
        let mut out = std::io::stdout().lock();
        while libc::sigwaitinfo(&set, std::ptr::null_mut()) == libc::SIGUSR1 {
            let _ = out.write_all(b"x\n").and_then(|()| out.flush());
        }
    }
}

fn burst(n: u32) {
    println!("ready");
    let mut go = String::new();
    let _ = std::io::stdin().read_line(&mut go);
    for _ in 0..n {
        // SAFETY: as in `orphans`, but the grandchild exits at once.
        unsafe {
            match libc::fork() {
                0 => {
                    libc::fork();
                    libc::_exit(0);
                }
                pid if pid > 0 => {
                    libc::waitpid(pid, std::ptr::null_mut(), 0);
                }
                _ => panic!("fork failed"),
            }
        }
    }
    println!("made");
    std::thread::sleep(Duration::from_secs(3600));
}

fn orphans(n: u32) {
    for _ in 0..n {
        // SAFETY: single-threaded here; each child only forks again and exits, the grandchild sleeps
        // a moment and exits, both with _exit (no atexit handlers, no stdio flush).
        unsafe {
            match libc::fork() {
                0 => {
                    if libc::fork() == 0 {
                        libc::usleep(100_000);
                    }
                    libc::_exit(0);
                }
                pid if pid > 0 => {
                    libc::waitpid(pid, std::ptr::null_mut(), 0);
                }
                _ => panic!("fork failed"),
            }
        }
    }
    std::thread::sleep(Duration::from_millis(1500));
    let zombies = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("stat")).ok())
        .filter(|stat| stat.rsplit_once(") ").is_some_and(|(_, rest)| rest.starts_with('Z')))
        .count();
    println!("zombies={zombies}");
}

fn enosys(family: &str, program: &[String]) {
    use std::os::unix::process::CommandExt;
    // i386's numbers: clock_gettime64 and rt_sigtimedwait_time64, or clock_gettime and rt_sigtimedwait.
    let [a, b] = match family {
        "time64" => [403, 421],
        "classic" => [265, 177],
        _ => panic!("enosys time64|classic PROGRAM ARGS..."),
    };
    const AUDIT_ARCH_I386: u32 = 0x4000_0003;
    let op = |code: u16, jt: u8, jf: u8, k: u32| libc::sock_filter { code, jt, jf, k };
    let (load, jump_if_equal, ret) = (0x20, 0x15, 0x06); // BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_RET|BPF_K
    let filter = [
        op(load, 0, 0, 4),                        // seccomp_data.arch
        op(jump_if_equal, 0, 3, AUDIT_ARCH_I386), // not i386: allow
        op(load, 0, 0, 0),                        // seccomp_data.nr
        op(jump_if_equal, 2, 0, a),
        op(jump_if_equal, 1, 0, b),
        op(ret, 0, 0, 0x7fff_0000),                       // SECCOMP_RET_ALLOW
        op(ret, 0, 0, 0x0005_0000 | libc::ENOSYS as u32), // SECCOMP_RET_ERRNO
    ];
    let program_of_filter = libc::sock_fprog { len: filter.len() as u16, filter: filter.as_ptr().cast_mut() };
    // SAFETY: plain prctl calls; the filter outlives them (the kernel copies it).
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0, "PR_SET_NO_NEW_PRIVS");
        let mode = libc::SECCOMP_MODE_FILTER as libc::c_ulong;
        assert_eq!(
            libc::prctl(libc::PR_SET_SECCOMP, mode, &program_of_filter as *const libc::sock_fprog),
            0,
            "seccomp"
        );
    }
    let err = std::process::Command::new(&program[0]).args(&program[1..]).exec();
    panic!("exec {}: {err}", program[0]);
}
