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
//!   `blocked=<hex>` (the mask it started with). A SIGUSR2 is not counted: it asks for the counts so far
//!   (a line of `N=count`), so that a test knows what has arrived before it ends the count
//! - `echo`: prints `ready`, then a line for every SIGUSR1 (for timing signal delivery), until SIGTERM
//! - `burst N`: prints `ready`, waits for a line on stdin, leaves N orphans that exit at once (zombies,
//!   while the init is stopped), prints `made`, then sleeps
//! - `exit-at`: prints CLOCK_MONOTONIC in nanoseconds and exits (for timing the way back to the parent)
//! - `litter N`: leaves N orphans that exit at once, prints `made`, waits for SIGTERM, prints `cleaned up`,
//!   then waits for stdin to end (so that its own end comes when the test says) and exits 0
//! - `refuse ERRNO CALLS PROGRAM ARGS...`: execs PROGRAM under a seccomp filter that answers ERRNO
//!   (`ENOSYS` or `EPERM`) to CALLS: `time64` (i386's time64 calls and close_range, as a kernel older than
//!   5.1, or Docker's seccomp profile before 20.10, answers them), `classic` (i386's classic time calls, as
//!   a kernel built without 32-bit time answers them) or `subreaper` (prctl PR_SET_CHILD_SUBREAPER alone,
//!   as AWS Lambda answers it), for i386 and x86_64 programs alike
//! - `serve PORT`: answers every connection to 127.0.0.1:PORT with `HTTP/1.1 200 OK`, prints `ready`
//!   once listening; on SIGUSR1 stops listening (a health check sees the port refused) and prints `down`;
//!   exits 0 on SIGTERM
//! - `refuse kernel VERSION PROGRAM ARGS...`: execs PROGRAM as Linux VERSION (2.6.32, 3.4, 3.17, 4.3) would
//!   run it, as far as system calls go: every call numbered after that kernel's last answers ENOSYS, and
//!   before 3.4 the subreaper's prctl EINVAL; i386 and x86_64 numbers

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
        "litter" => litter(arg(1).parse().expect("litter N")),
        "refuse" => refuse(arg(1), arg(2), &args[3..]),
        "serve" => serve(arg(1).parse().expect("serve PORT")),
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
    let seen = |counts: &[u64; 65]| -> String {
        let seen: Vec<String> = (1..=64).filter(|&n| counts[n] > 0).map(|n| format!("{n}={}", counts[n])).collect();
        seen.join(" ")
    };
    // SAFETY: plain libc signal-set calls on local sets; every signal is blocked before it is waited for.
    let started_with = unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
        println!("ready");
        loop {
            match libc::sigwaitinfo(&all, std::ptr::null_mut()) {
                libc::SIGTERM => break,
                libc::SIGUSR2 => println!("{}", seen(&counts)),
                sig => {
                    if let Some(n) = counts.get_mut(sig.max(0) as usize) {
                        *n += 1;
                    }
                }
            }
        }
        (1..=64).filter(|&n| libc::sigismember(&old, n) == 1).fold(0u64, |m, n| m | 1 << (n - 1))
    };
    println!("{} blocked={started_with:x}", seen(&counts));
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
    leave_orphans(n, 0);
    println!("made");
    std::thread::sleep(Duration::from_secs(3600));
}

/// Leaves `n` orphans, each living `micros` microseconds once its parent is gone.
fn leave_orphans(n: u32, micros: u32) {
    for _ in 0..n {
        // SAFETY: single-threaded here; each child only forks again and exits, the grandchild sleeps
        // (or not) and exits, both with _exit (no atexit handlers, no stdio flush).
        unsafe {
            match libc::fork() {
                0 => {
                    if libc::fork() == 0 && micros > 0 {
                        libc::usleep(micros);
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
}

fn orphans(n: u32) {
    leave_orphans(n, 100_000);
    std::thread::sleep(Duration::from_millis(1500));
    let zombies = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("stat")).ok())
        .filter(|stat| stat.rsplit_once(") ").is_some_and(|(_, rest)| rest.starts_with('Z')))
        .count();
    println!("zombies={zombies}");
}

fn litter(n: u32) {
    block_term();
    leave_orphans(n, 0);
    println!("made");
    wait_for_term();
    println!("cleaned up");
    let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
}

/// One system call a seccomp filter refuses, and with which errno: the architecture (AUDIT_ARCH_*), its
/// number there (or every number above it), and the first argument, where only one value of it is refused.
struct Refused {
    arch: u32,
    nr: u32,
    above: bool,
    arg0: Option<u32>,
    errno: i32,
}

const I386: u32 = 0x4000_0003;
const X86_64: u32 = 0xc000_003e;

/// The calls `calls` names, each answered `errno` (the old kernels answer as they would).
fn refused(errno: &str, calls: &str) -> Vec<Refused> {
    let errno = match errno {
        "ENOSYS" => libc::ENOSYS,
        "EPERM" => libc::EPERM,
        "kernel" => return kernel(calls),
        _ => panic!("refuse ENOSYS|EPERM CALLS PROGRAM ARGS..., or refuse kernel VERSION PROGRAM ARGS..."),
    };
    let call = |arch, nr| Refused { arch, nr, above: false, arg0: None, errno };
    match calls {
        // clock_gettime64, clock_nanosleep_time64, ppoll_time64, rt_sigtimedwait_time64, close_range; and
        // close_range on x86_64.
        "time64" => {
            vec![call(I386, 403), call(I386, 407), call(I386, 414), call(I386, 421), call(I386, 436), call(X86_64, 436)]
        }
        // clock_gettime, clock_nanosleep, rt_sigtimedwait.
        "classic" => vec![call(I386, 265), call(I386, 267), call(I386, 177)],
        // prctl(PR_SET_CHILD_SUBREAPER, ...); every other prctl still works.
        "subreaper" => [I386, X86_64].map(|arch| subreaper_prctl(arch, libc::PR_SET_CHILD_SUBREAPER, errno)).into(),
        _ => panic!("refuse: CALLS is time64, classic or subreaper"),
    }
}

/// prctl(`option`, ...) on `arch` (172 on i386, 157 on x86_64).
fn subreaper_prctl(arch: u32, option: i32, errno: i32) -> Refused {
    let nr = if arch == I386 { 172 } else { 157 };
    Refused { arch, nr, above: false, arg0: Some(option as u32), errno }
}

/// Linux `version` as far as system calls go: every call numbered after its last one answers ENOSYS, and
/// before 3.4, which brought it, the subreaper's prctl (to set it or read it) answers EINVAL.
fn kernel(version: &str) -> Vec<Refused> {
    // The last system call of each, on x86_64 and on i386: perf_event_open (2.6.31), process_vm_writev
    // (3.2), kexec_file_load (3.17, x86_64 only) and memfd_create, membarrier (4.3; on i386 after the
    // socket calls of its own, 359 to 373, which came with it).
    let (x86_64, i386) = match version {
        "2.6.32" => (298, 336),
        "3.4" => (311, 348),
        "3.17" => (320, 356),
        "4.3" => (324, 375),
        _ => panic!("refuse kernel: VERSION is 2.6.32, 3.4, 3.17 or 4.3"),
    };
    let mut refused = vec![
        Refused { arch: X86_64, nr: x86_64, above: true, arg0: None, errno: libc::ENOSYS },
        Refused { arch: I386, nr: i386, above: true, arg0: None, errno: libc::ENOSYS },
    ];
    if version == "2.6.32" {
        for option in [libc::PR_SET_CHILD_SUBREAPER, libc::PR_GET_CHILD_SUBREAPER] {
            refused.extend([I386, X86_64].map(|arch| subreaper_prctl(arch, option, libc::EINVAL)));
        }
    }
    refused
}

fn refuse(errno: &str, calls: &str, program: &[String]) {
    use std::os::unix::process::CommandExt;
    let op = |code: u16, jt: u8, jf: u8, k: u32| libc::sock_filter { code, jt, jf, k };
    // BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_JMP|BPF_JGT|BPF_K, BPF_RET|BPF_K
    let (load, jump_if_equal, jump_if_above, ret) = (0x20, 0x15, 0x25, 0x06);
    // Offsets in seccomp_data: nr, arch, then the arguments (the low half of the first, little-endian).
    let (nr, arch, arg0) = (0, 4, 16);
    let mut filter = Vec::new();
    for r in &refused(errno, calls) {
        // Each rule skips to the next one as soon as something does not match.
        let checks = if r.arg0.is_some() { 3 } else { 2 };
        filter.push(op(load, 0, 0, arch));
        filter.push(op(jump_if_equal, 0, 2 * checks - 1, r.arch));
        filter.push(op(load, 0, 0, nr));
        filter.push(op(if r.above { jump_if_above } else { jump_if_equal }, 0, 2 * checks - 3, r.nr));
        if let Some(value) = r.arg0 {
            filter.push(op(load, 0, 0, arg0));
            filter.push(op(jump_if_equal, 0, 1, value));
        }
        filter.push(op(ret, 0, 0, 0x0005_0000 | r.errno as u32)); // SECCOMP_RET_ERRNO
    }
    filter.push(op(ret, 0, 0, 0x7fff_0000)); // SECCOMP_RET_ALLOW
    let program_of_filter = libc::sock_fprog { len: filter.len() as u16, filter: filter.as_mut_ptr() };
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

fn serve(port: u16) {
    // Blocked before the server's thread starts, which inherits the mask: the main thread takes them.
    // SAFETY: plain libc signal-set calls on a local set.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::sigaddset(&mut set, libc::SIGUSR1);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    };
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind");
    let fd = std::os::fd::AsRawFd::as_raw_fd(&listener);
    std::thread::spawn(move || {
        use std::io::Write;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n");
        }
    });
    println!("ready");
    loop {
        let mut sig = 0;
        // SAFETY: both signals are blocked, so sigwait takes them.
        unsafe { libc::sigwait(&set, &mut sig) };
        if sig == libc::SIGTERM {
            return;
        }
        // Stop listening: shutdown(2) ends the accept the server's thread is blocked in, and the port
        // then refuses connections.
        // SAFETY: `fd` is the listening socket, which the thread still owns; shutdown only changes its state.
        unsafe { libc::shutdown(fd, libc::SHUT_RDWR) };
        println!("down");
    }
}
