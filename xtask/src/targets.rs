//! Every architecture pidone ships for: its Docker platform, Rust target, toolchain, size budget, ELF
//! identity, and how the test suite runs it. Adding an architecture starts with a row here (ARCHITECTURE.md
//! has the whole checklist).

use goblin::elf::header::{EM_386, EM_AARCH64, EM_ARM, EM_MIPS, EM_PPC64, EM_RISCV, EM_S390, EM_X86_64};

/// The dated nightly for the targets stable cannot build: no prebuilt `core` for ARMv5TE or mips64el (tier
/// 3) is served, and rustix uses its own system calls on powerpc64, s390x and mips64 only with a nightly
/// feature. Also the fuzzer's.
pub const NIGHTLY: &str = "nightly-2026-05-19";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Toolchain {
    /// The one rust-toolchain.toml pins, with its prebuilt `core`.
    Stable,
    /// `NIGHTLY`, building `core` from source (`-Z build-std=core`).
    Nightly,
}

pub struct Target {
    /// Docker's TARGETARCH and TARGETVARIANT run together (`arm` + `v7`): names the file, `pidone-<arch>`.
    pub arch: &'static str,
    /// The Docker platform it serves.
    pub platform: &'static str,
    pub triple: &'static str,
    pub toolchain: Toolchain,
    /// The most the binary may weigh, in bytes.
    pub budget: u64,
    /// What its ELF header must say: 64-bit or not, little-endian or not, the machine.
    pub elf: Elf,
    /// The emulator (with its arguments) that runs it here; empty: it runs natively.
    pub runner: &'static [&'static str],
    /// The Debian kernel and the machine that boots it with pidone as init (`cargo xtask kernels`).
    pub kernel: Kernel,
}

impl Target {
    /// MIPS builds with rustix's system calls keeping `$1` (`rustix_mips.rs`).
    pub fn rustix_keeping_at(&self) -> bool {
        self.elf.machine == EM_MIPS
    }

    /// What pidone's own crate is compiled with beyond .cargo/config.toml's flags. On MIPS, -mgpopt:
    /// its small data (statics of a word or less) is reached through $gp, which `_start` sets, in one
    /// instruction instead of the six that build a 64-bit address (1.8 KB less). Not for the other
    /// crates: LLVM cannot select it for compiler_builtins' floating-point constants.
    pub fn pidone_flags(&self) -> &'static [&'static str] {
        if self.elf.machine == EM_MIPS { &["-C", "llvm-args=-mgpopt"] } else { &[] }
    }
}

#[derive(Clone, Copy)]
pub struct Elf {
    pub is_64: bool,
    pub little_endian: bool,
    pub machine: u16,
}

/// A Debian kernel of the architecture, and how qemu-system boots it (software emulation).
pub struct Kernel {
    /// Debian's name for the architecture.
    pub debian: &'static str,
    /// The release that has a kernel and busybox-static for it.
    pub suite: &'static str,
    /// The kernel's metapackage: it names the current image package, whatever its version.
    pub metapackage: &'static str,
    pub qemu: &'static str,
    /// The machine, its CPU, and firmware or device tree where it needs one.
    pub machine: &'static [&'static str],
    /// The serial console the kernel is built with a driver for.
    pub console: &'static str,
    /// What else its kernel command line needs.
    pub cmdline: &'static str,
    /// A device tree from the kernel package, if the machine needs one.
    pub dtb: Option<&'static str>,
}

const fn kernel(
    debian: &'static str,
    metapackage: &'static str,
    qemu: &'static str,
    machine: &'static [&'static str],
    console: &'static str,
) -> Kernel {
    Kernel { debian, suite: "bookworm", metapackage, qemu, machine, console, cmdline: "", dtb: None }
}

const fn elf(is_64: bool, little_endian: bool, machine: u16) -> Elf {
    Elf { is_64, little_endian, machine }
}

const SMALL: u64 = 24 * 1024;
const LARGER: u64 = 32 * 1024;

pub const TARGETS: [Target; 9] = [
    Target {
        arch: "amd64",
        platform: "linux/amd64",
        triple: "x86_64-unknown-linux-musl",
        toolchain: Toolchain::Stable,
        budget: SMALL,
        elf: elf(true, true, EM_X86_64),
        runner: &[],
        kernel: kernel("amd64", "linux-image-amd64", "qemu-system-x86_64", &["-M", "q35", "-cpu", "qemu64"], "ttyS0"),
    },
    Target {
        arch: "arm64",
        platform: "linux/arm64",
        triple: "aarch64-unknown-linux-musl",
        toolchain: Toolchain::Stable,
        budget: SMALL,
        elf: elf(true, true, EM_AARCH64),
        runner: &["qemu-aarch64-static"],
        kernel: kernel(
            "arm64",
            "linux-image-arm64",
            "qemu-system-aarch64",
            &["-M", "virt", "-cpu", "cortex-a57"],
            "ttyAMA0",
        ),
    },
    Target {
        arch: "armv7",
        platform: "linux/arm/v7",
        triple: "armv7-unknown-linux-gnueabihf",
        toolchain: Toolchain::Stable,
        budget: SMALL,
        elf: elf(false, true, EM_ARM),
        runner: &["qemu-arm-static", "-cpu", "cortex-a7"],
        kernel: kernel(
            "armhf",
            "linux-image-armmp",
            "qemu-system-arm",
            &["-M", "virt,highmem=off", "-cpu", "cortex-a7"],
            "ttyAMA0",
        ),
    },
    Target {
        arch: "riscv64",
        platform: "linux/riscv64",
        triple: "riscv64gc-unknown-linux-gnu",
        toolchain: Toolchain::Stable,
        budget: SMALL,
        elf: elf(true, true, EM_RISCV),
        runner: &["qemu-riscv64-static"],
        kernel: Kernel {
            // bookworm has no riscv64.
            suite: "trixie",
            ..kernel("riscv64", "linux-image-riscv64", "qemu-system-riscv64", &["-M", "virt"], "ttyS0")
        },
    },
    Target {
        arch: "armv6",
        platform: "linux/arm/v6",
        triple: "armv5te-unknown-linux-musleabi",
        toolchain: Toolchain::Nightly,
        budget: LARGER,
        elf: elf(false, true, EM_ARM),
        runner: &["qemu-arm-static", "-cpu", "arm1176"],
        kernel: Kernel {
            // qemu does not model the power domains the rpi kernel probes for, and it dies there.
            cmdline: "initcall_blacklist=bcm2835_power_driver_init",
            dtb: Some("bcm2835-rpi-a-plus.dtb"),
            // A real ARM1176 (ARMv6); no Debian kernel boots on qemu's ARMv5 boards. Its one timer (the SoC's
            // system timer, compare and match) stopped firing and the VM stood still in 2 runs of 3 without
            // -icount; with it (virtual time counted in instructions) in none of 3.
            ..kernel(
                "armel",
                "linux-image-rpi",
                "qemu-system-arm",
                &["-M", "raspi1ap", "-icount", "shift=auto"],
                "ttyAMA0",
            )
        },
    },
    Target {
        arch: "386",
        platform: "linux/386",
        triple: "i686-unknown-linux-musl",
        toolchain: Toolchain::Stable,
        budget: LARGER,
        elf: elf(false, true, EM_386),
        runner: &[],
        kernel: kernel("i386", "linux-image-686", "qemu-system-i386", &["-M", "pc", "-cpu", "qemu32"], "ttyS0"),
    },
    Target {
        arch: "ppc64le",
        platform: "linux/ppc64le",
        triple: "powerpc64le-unknown-linux-gnu",
        toolchain: Toolchain::Nightly,
        budget: LARGER,
        elf: elf(true, true, EM_PPC64),
        runner: &["qemu-ppc64le-static"],
        kernel: kernel(
            "ppc64el",
            "linux-image-powerpc64le",
            "qemu-system-ppc64",
            &["-M", "pseries", "-cpu", "power8"],
            "hvc0",
        ),
    },
    Target {
        arch: "s390x",
        platform: "linux/s390x",
        triple: "s390x-unknown-linux-gnu",
        toolchain: Toolchain::Nightly,
        budget: LARGER,
        elf: elf(true, false, EM_S390),
        runner: &["qemu-s390x-static"],
        kernel: kernel("s390x", "linux-image-s390x", "qemu-system-s390x", &["-M", "s390-ccw-virtio"], "ttysclp0"),
    },
    Target {
        arch: "mips64le",
        platform: "linux/mips64le",
        triple: "mips64el-unknown-linux-gnuabi64",
        toolchain: Toolchain::Nightly,
        budget: LARGER,
        elf: elf(true, true, EM_MIPS),
        // qemu 7.2 picks a MIPS64r2 core (5KEf) for this file by itself: Debian's mips64el baseline.
        runner: &["qemu-mips64el-static"],
        kernel: kernel(
            "mips64el",
            "linux-image-5kc-malta",
            "qemu-system-mips64el",
            &["-M", "malta", "-cpu", "5KEf"],
            "ttyS0",
        ),
    },
];

/// The target this machine builds for itself (the e2e images and the benchmark use it).
pub fn native() -> &'static Target {
    let arch = if cfg!(target_arch = "aarch64") { "arm64" } else { "amd64" };
    TARGETS.iter().find(|t| t.arch == arch).expect("a native target")
}

/// Integration tests that cannot hold under qemu-user, why, and the scenario of `cargo xtask kernels`
/// (xtask/kernels/scenarios) that covers each on every architecture's own kernel instead. They run on the
/// native builds as they are.
pub const NOT_UNDER_QEMU: [(&str, &str, &str); 11] = [
    (
        "wait_all_as_a_subreaper_waits_passes_term_and_kills_at_the_deadline",
        "qemu 7.2 rejects PR_SET_CHILD_SUBREAPER with EINVAL",
        "wait-all",
    ),
    ("a_hundred_orphans_are_reaped_as_a_subreaper", "qemu 7.2 rejects PR_SET_CHILD_SUBREAPER with EINVAL", "subreaper"),
    ("grace_as_a_subreaper_signals_its_own_tree_only", "qemu 7.2 rejects PR_SET_CHILD_SUBREAPER with EINVAL", "grace"),
    ("grace_as_a_subreaper_kills_what_ignores_term", "qemu 7.2 rejects PR_SET_CHILD_SUBREAPER with EINVAL", "grace"),
    (
        "below_another_init_an_orphan_comes_back_to_pidone",
        "qemu 7.2 rejects PR_SET_CHILD_SUBREAPER with EINVAL",
        "subreaper",
    ),
    (
        "pidone_keeps_its_uid_and_gives_the_child_no_extra_fd",
        "it uses -s; qemu 7.2 rejects PR_SET_CHILD_SUBREAPER",
        "as-nobody",
    ),
    (
        "inherited_ignored_signals_reach_the_grandchild",
        "qemu installs host handlers for the guest's fatal signals, so a native exec resets inherited SIG_IGN",
        "inherited-signals",
    ),
    (
        "a_genuine_fault_in_pidone_is_not_swallowed",
        "gdb would set the emulator's registers, not pidone's",
        "fault-in-pidone",
    ),
    (
        "fault_signals_sent_by_another_process_are_forwarded",
        "qemu uses host SIGSEGV for its own faults: about 1 run in 30 under load, one sent from outside is lost",
        "signals",
    ),
    (
        "fork_failure_is_one_fatal_line_and_exit_1",
        "qemu needs threads of its own, which RLIMIT_NPROC=1 forbids",
        "as-nobody",
    ),
    (
        "under_lxc_its_other_halt_signal_reaches_the_program_as_term_too",
        "qemu renumbers real-time signals between the host and the guest: SIGRTMIN+3 reaches pidone as another",
        "lxc",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// rust-toolchain.toml lists exactly the targets the stable toolchain builds.
    #[test]
    fn the_toolchain_file_lists_every_stable_target() {
        let file = std::fs::read_to_string(crate::cmd::root().join("rust-toolchain.toml")).unwrap();
        let listed: Vec<&str> = file.split('"').filter(|word| word.contains("-linux-")).collect();
        let stable: Vec<&str> = TARGETS.iter().filter(|t| t.toolchain == Toolchain::Stable).map(|t| t.triple).collect();
        assert_eq!(listed, stable);
    }
}
