//! Stamps the version line with the commit (Docker's `docker info` reads `- git.<hash>` from it) and sets
//! the link for a binary with its own `_start` and no unwinder.

#[path = "build/revision.rs"]
mod revision;

fn main() {
    let root = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let suffix = revision::revision(&root).map(|hash| format!(" - git.{}", &hash[..7])).unwrap_or_default();
    println!("cargo:rustc-env=PIDONE_GIT={suffix}");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/logs/HEAD");
    println!("cargo:rerun-if-changed=.git-revision");
    println!("cargo:rerun-if-changed=.cargo_vcs_info.json");

    // asm! and naked_asm! are still behind a feature gate on MIPS (lib.rs and main.rs enable it there).
    println!("cargo::rustc-check-cfg=cfg(experimental_asm)");
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").expect("cargo sets it");
    if arch.starts_with("mips") {
        println!("cargo:rustc-cfg=experimental_asm");
    }

    // Nothing unwinds (panic=abort), but fat LTO inherits core's unwind-table flag and would keep
    // ~2.5 KB of .eh_frame: drop it at link time, with .comment (toolchain version strings).
    let no_unwind = script(
        "no-unwind-tables",
        "SECTIONS { /DISCARD/ : { *(.eh_frame) *(.eh_frame_hdr) *(.comment) } } INSERT AFTER .text;",
    );

    // A build for the machine that builds it is `cargo test`'s and `cargo install`'s; the shipped ones are
    // all for a named target (`cargo xtask dist`), linked by rust-lld itself.
    let shipped = std::env::var("TARGET").ok() != std::env::var("HOST").ok();
    if shipped {
        println!("cargo:rustc-link-arg-bins=-T{no_unwind}");
        // What only other modes and failures run or read (`.text.cold`: --probe, the program's process
        // between fork and exec, usage errors, the license, the errno texts) gets a segment of its own.
        // The kernel maps all of a small file's segment at its first fault (fault-around), so whatever
        // shares the init's segment is resident in every init: this keeps the init's to four pages. A
        // load address of its own (AT) is what makes the linker start a segment; the kernel goes by the
        // virtual address and ignores it.
        let cold = script("cold", "SECTIONS { .text.cold : AT(. + 0x1000000) { *(.text.cold) } } INSERT AFTER .text;");
        println!("cargo:rustc-link-arg-bins=-T{cold}");
        // RELRO asks the dynamic loader to write-protect the GOT after relocating; a static binary with
        // its own _start has no loader, so it only costs a page of its own. Without it, .got and .data
        // share one: 4 KiB less resident memory.
        println!("cargo:rustc-link-arg-bins=-znorelro");
        // The read-only data (4 KiB of texts and tables) shares the code's segment instead of having
        // its own: each segment starts on a new page, so this is one resident page less. The data
        // becomes executable, as in every static binary linked before 2018; none of it is writable.
        println!("cargo:rustc-link-arg-bins=--no-rosegment");
        // A MIPS linker's default entry point is `__start`, not `_start`: without this, the entry is left at 0
        // and --gc-sections keeps nothing (then the script above finds no .text to insert after).
        if arch.starts_with("mips") {
            println!("cargo:rustc-link-arg-bins=--entry=_start");
            // $gp reaches 32 KiB either way from `_gp`: the small data goes before .bss's 128 KiB.
            let small_data =
                script("small-data", "SECTIONS { .sbss : { *(.sbss .sbss.* .scommon) } } INSERT BEFORE .bss;");
            println!("cargo:rustc-link-arg-bins=-T{small_data}");
        }
    } else {
        // A host build links through cc, whose C start files would bring a second _start. The host target
        // links a PIE by default, which names the dynamic loader as its interpreter, and an image without one
        // (FROM scratch) cannot start it: -static -no-pie makes it a plain static executable, as the shipped
        // ones are. The rest as above, in what both GNU ld and lld take (--no-rosegment is lld's alone).
        for arg in ["-nostartfiles", "-static", "-no-pie", &format!("-Wl,-T,{no_unwind}"), "-Wl,-z,norelro"] {
            println!("cargo:rustc-link-arg-bins={arg}");
        }
    }
}

/// The linker script `text`, written as OUT_DIR/`name`.ld: its path.
fn script(name: &str, text: &str) -> String {
    let path = format!("{}/{name}.ld", std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(&path, format!("{text}\n")).expect("OUT_DIR is writable");
    path
}
