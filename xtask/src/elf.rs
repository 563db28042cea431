//! What `dist` checks in each binary it ships, read with goblin: the ELF identity its target must have,
//! that it is a plain static executable, its segments' permissions; and a scan for the text that panics
//! would bring along.

use crate::targets::Elf;
use goblin::elf::header::ET_EXEC;
use goblin::elf::program_header::{PF_W, PF_X, PT_DYNAMIC, PT_GNU_STACK, PT_INTERP, PT_LOAD};

/// Checks a static, libc-free executable: the ELF class, byte order and machine `want`, ET_EXEC, no
/// interpreter, no dynamic section, no segment both writable and executable, a non-executable stack.
pub fn check(bytes: &[u8], want: Elf) -> Result<(), String> {
    let elf = goblin::elf::Elf::parse(bytes).map_err(|e| format!("not an ELF file: {e}"))?;
    let describe = |is_64: bool, little: bool| {
        format!("{}-bit {}-endian", if is_64 { 64 } else { 32 }, if little { "little" } else { "big" })
    };
    if (elf.is_64, elf.little_endian) != (want.is_64, want.little_endian) {
        return Err(format!(
            "a {} ELF file, expected {}",
            describe(elf.is_64, elf.little_endian),
            describe(want.is_64, want.little_endian)
        ));
    }
    if elf.header.e_machine != want.machine {
        return Err(format!("ELF machine {}, expected {}", elf.header.e_machine, want.machine));
    }
    let mut stack = false;
    for segment in &elf.program_headers {
        match segment.p_type {
            PT_INTERP => return Err("has an interpreter (PT_INTERP): dynamically linked".into()),
            PT_DYNAMIC => return Err("has a dynamic section (PT_DYNAMIC)".into()),
            PT_LOAD if segment.p_flags & PF_W != 0 && segment.p_flags & PF_X != 0 => {
                return Err("has a segment that is both writable and executable".into());
            }
            PT_GNU_STACK if segment.p_flags & PF_X != 0 => return Err("asks for an executable stack".into()),
            PT_GNU_STACK => stack = true,
            _ => {}
        }
    }
    if !stack {
        return Err("no PT_GNU_STACK: the kernel would default to an executable stack".into());
    }
    if elf.header.e_type != ET_EXEC {
        return Err("not a plain executable (ET_EXEC)".into());
    }
    Ok(())
}

/// Cuts the section header table off a linked binary, with the section names before it: the kernel loads a
/// program by its program headers, and sections serve only linkers and debuggers, for which a stripped
/// binary keeps nothing anyway (gdb and valgrind still run it). About 500 bytes on a 64-bit binary, 280 on
/// a 32-bit one.
pub fn drop_section_headers(bytes: &mut Vec<u8>) -> Result<(), String> {
    let elf = goblin::elf::Elf::parse(bytes).map_err(|e| format!("not an ELF file: {e}"))?;
    let end = elf.program_headers.iter().map(|p| p.p_offset + p.p_filesz).max().unwrap_or(0);
    if elf.header.e_shoff < end {
        return Err("the section headers are not after the segments".into());
    }
    // e_shoff, then e_shnum and e_shstrndx, at their places in the 64-bit or 32-bit header. Zeros read the
    // same in either byte order.
    let (shoff, shoff_len, shnum) = if elf.is_64 { (0x28, 8, 0x3c) } else { (0x20, 4, 0x30) };
    bytes[shoff..shoff + shoff_len].fill(0);
    bytes[shnum..shnum + 4].fill(0);
    bytes.truncate(end as usize);
    Ok(())
}

/// What a reachable panic leaves in a binary: core's messages and the source paths of its locations.
/// pidone's panic handler ignores its argument, so none of this should survive linking.
const PANIC_TEXT: [&str; 9] = [
    "panicked",
    "index out of bounds",
    "attempt to ",
    "called `",
    "overflow",
    "src/",
    "/rustc/",
    ".cargo/",
    "library/core",
];

/// Fails if the binary carries any panic message or source path.
pub fn check_no_panic_text(bytes: &[u8]) -> Result<(), String> {
    match PANIC_TEXT.iter().find(|text| bytes.windows(text.len()).any(|w| w == text.as_bytes())) {
        Some(text) => Err(format!("contains panic text {text:?}: some panic path kept its message")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goblin::elf::header::{EM_AARCH64, EM_X86_64};

    #[test]
    fn finds_panic_text() {
        assert!(check_no_panic_text(b"\0\0index out of bounds: the len is\0").is_err());
        assert!(check_no_panic_text(b"xx/rustc/abc/library/core/src/num/mod.rs").is_err());
        assert!(check_no_panic_text(b"[FATAL pidone] internal error").is_ok());
    }

    #[test]
    fn dropping_the_section_headers_keeps_every_segment() {
        let mut bytes = std::fs::read("/bin/true").expect("/bin/true");
        let before = goblin::elf::Elf::parse(&bytes).unwrap().program_headers.clone();
        drop_section_headers(&mut bytes).unwrap();
        let after = goblin::elf::Elf::parse(&bytes).unwrap();
        assert_eq!((after.header.e_shoff, after.header.e_shnum, after.section_headers.len()), (0, 0, 0));
        assert_eq!(after.program_headers, before);
        let end = before.iter().map(|p| p.p_offset + p.p_filesz).max().unwrap();
        assert_eq!(bytes.len() as u64, end);
    }

    #[test]
    fn a_dynamically_linked_host_binary_fails() {
        let bytes = std::fs::read("/bin/true").expect("/bin/true");
        let host = Elf { is_64: true, little_endian: true, machine: EM_X86_64 };
        let err = check(&bytes, host).unwrap_err();
        assert_eq!(err, "has an interpreter (PT_INTERP): dynamically linked");
        let err = check(&bytes, Elf { machine: EM_AARCH64, ..host }).unwrap_err();
        assert!(err.starts_with("ELF machine 62"), "{err}");
        let err = check(&bytes, Elf { is_64: false, ..host }).unwrap_err();
        assert!(err.contains("64-bit little-endian ELF file, expected 32-bit"), "{err}");
        assert!(check(&bytes[..40], host).is_err(), "truncated");
        assert!(check(b"#!/bin/sh\n", host).is_err());
    }
}
