//! What container runtimes do to PID 1 their own way: LXC and Incus stop a container with SIGPWR (or
//! SIGRTMIN+3), which pidone turns into the TERM that programs handle. (`cargo xtask e2e` runs the real
//! LXC, and podman's pause process.)

mod common;
use common::*;
use rustix::process::{Pid, Signal};

/// The counting program under pidone (`args`, with `env`), as PID 1 or `below` another init: `halt` is
/// sent to pidone, and the program's count is returned (`N=count`): empty when the halt
/// arrived as the TERM that ends the count, else what it arrived as (a TERM of the test's then ends it).
fn after_halt(below: bool, args: &[&str], env: &[(&str, &str)], halt: i32) -> String {
    let app = testapp();
    let all = [args, &["--", &app, "count"]].concat();
    let mut cmd = if below { below_init(&all) } else { as_init(&all) };
    cmd.envs(env.iter().copied());
    let mut s = Session::start(cmd);
    s.wait_for("ready");
    // As PID 1, pidone is the namespace's first process; below another init, that init's child.
    let init = s.init_pid();
    let pidone = if below { pid(children(pid_of(init))[0]) } else { init };
    send(pidone, halt);
    // SIGUSR2 asks the program what it has counted (the halt, as whatever it arrived as: nothing else is
    // sent); lower than the halt, it may come first, so it is asked again, until the halt is counted or
    // the count ended with it.
    let end = std::time::Instant::now() + DEADLINE;
    assert_eq!(s.next_line(), "ready");
    loop {
        let _ = rustix::process::kill_process(pidone, Signal::USR2);
        let line = s.next_line();
        if line.ends_with("blocked=0") {
            break;
        }
        if !line.is_empty() {
            send(pidone, 15);
            break;
        }
        assert!(std::time::Instant::now() < end, "the halt never arrived");
    }
    let done = s.finish();
    assert_eq!(done.code(), 0, "{}", done.stderr);
    done.stdout.lines().last().unwrap_or_default().trim_end_matches("blocked=0").trim_end().to_owned()
}

fn pid_of(p: Pid) -> u32 {
    p.as_raw_nonzero().get() as u32
}

fn pid(p: u32) -> Pid {
    Pid::from_raw(p as i32).unwrap()
}

fn send(to: Pid, sig: i32) {
    // SAFETY: a plain signal number; this test process has no libc-reserved use for it.
    rustix::process::kill_process(to, unsafe { Signal::from_raw_unchecked(sig) }).unwrap();
}

const PWR: i32 = 30;
const RTMIN_3: i32 = 37;

#[test]
fn under_lxc_its_halt_signals_reach_the_program_as_term() {
    let lxc = [("container", "lxc")];
    assert_eq!(after_halt(false, &[], &lxc, PWR), "");
}

/// LXC sends SIGRTMIN+3 instead when it finds that signal blocked in PID 1, as pidone's is.
#[test]
fn under_lxc_its_other_halt_signal_reaches_the_program_as_term_too() {
    let lxc = [("container", "lxc")];
    assert_eq!(after_halt(false, &[], &lxc, RTMIN_3), "");
    assert_eq!(after_halt(false, &["-r", "RTMIN+3:RTMIN+3"], &lxc, RTMIN_3), "37=1");
}

#[test]
fn what_rewrite_says_of_the_halt_signal_wins_under_lxc() {
    let lxc = [("container", "lxc")];
    assert_eq!(after_halt(false, &["-r", "PWR:PWR"], &lxc, PWR), "30=1");
    let env = [("PIDONE_REWRITE", "PWR:USR1"), ("container", "lxc")];
    assert_eq!(after_halt(false, &[], &env, PWR), "10=1");
}

#[test]
fn the_halt_signal_is_left_alone_elsewhere() {
    // Not LXC, or not PID 1 (LXC signals only PID 1): forwarded as it came.
    assert_eq!(after_halt(false, &[], &[], PWR), "30=1");
    assert_eq!(after_halt(false, &[], &[("container", "docker")], PWR), "30=1");
    assert_eq!(after_halt(true, &[], &[("container", "lxc")], PWR), "30=1");
}
