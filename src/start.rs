//! The process entry: `_start` (its instructions are each architecture's, from `src/arch/`) calls `entry`,
//! which reads the initial stack, runs pidone and hands its result to exit_group; and the panic handler.
//! No libc runs before or after.

use pidone::{log, sys};

/// The process entry. Naked, so that nothing runs before its instructions and the compiler marks it as the
/// code it is (ARM or Thumb, say).
#[unsafe(naked)]
#[unsafe(no_mangle)]
unsafe extern "C" fn _start() -> ! {
    core::arch::naked_asm!(pidone::start_instructions!(), entry = sym entry)
}

unsafe extern "C" fn entry(stack: *mut usize) -> ! {
    // What origin checks at entry: `_start` handed over the stack as the kernel left it.
    debug_assert!(stack.addr() % pidone::ENTRY_STACK_ALIGN == 0, "the initial stack is misaligned");
    // SAFETY: execve(2) leaves argc at the stack pointer, then argc argument pointers and a NULL, then the
    // environment pointers and a NULL. These live, unmoved, until the process ends.
    let (argv, envp) = unsafe {
        let argc = *stack;
        let argv = stack.add(1).cast::<*const u8>();
        (argv, argv.add(argc + 1))
    };
    // SAFETY: as above: the kernel's vectors, as `run` requires.
    let code = unsafe { pidone::run(argv, envp) };
    // A fatal error was reported where it happened; its exit code is 1.
    sys::exit_group(code.map_or(1, i32::from))
}

/// Reached only through a bug: parsing, formatting and the loop return errors instead of panicking.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    log::line(log::Level::Fatal, log::text(b"internal error"));
    sys::exit_group(1)
}

/// Without LTO (debug builds) the precompiled `core`, built for unwinding, still names the personality
/// routine; nothing ever unwinds here (panic=abort), so it is never called.
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {}
