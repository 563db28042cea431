//! The process entry: `_start` for each architecture, reading the initial stack, and the panic handler.
//! No libc runs before or after: `_start` calls `run` and hands its result to exit_group.

use pidone::{log, sys};

#[cfg(target_arch = "x86_64")]
core::arch::global_asm!(
    ".globl _start", ".type _start,@function", "_start:",
    "xor ebp, ebp",   // the outermost frame, for debuggers
    "mov rdi, rsp",   // the kernel's initial stack: argc, argv..., NULL, envp..., NULL
    "and rsp, -16",   // the ABI's call alignment
    "call {entry}",
    "ud2",
    entry = sym entry,
);

#[cfg(target_arch = "aarch64")]
core::arch::global_asm!(
    ".globl _start", ".type _start,%function", "_start:",
    "mov x29, #0",    // the outermost frame, for debuggers
    "mov x30, #0",
    "mov x0, sp",     // the kernel's initial stack (16-byte aligned): argc, argv..., NULL, envp..., NULL
    "bl {entry}",
    "brk #0",
    entry = sym entry,
);

unsafe extern "C" fn entry(stack: *mut usize) -> ! {
    // SAFETY: execve(2) leaves argc at the stack pointer, then argc argument pointers and a NULL, then the
    // environment pointers and a NULL. These live, unmoved, until the process ends.
    let (argv, envp) = unsafe {
        let argc = *stack;
        let argv = stack.add(1).cast::<*const u8>();
        (argv, argv.add(argc + 1).cast_const())
    };
    // SAFETY: as above: the kernel's vectors, as `run` requires.
    sys::exit_group(unsafe { pidone::run(argv, envp) })
}

/// Reached only through a bug: parsing, formatting and the loop return errors instead of panicking.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    log::note(log::Level::Fatal, b"internal error");
    sys::exit_group(1)
}

/// Without LTO (debug builds) the precompiled `core`, built for unwinding, still names the personality
/// routine; nothing ever unwinds here (panic=abort), so it is never called.
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {}
