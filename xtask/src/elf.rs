//! Just enough ELF reading to check what `dist` ships: machine, type, and program headers; and a scan
//! for the text that panics would bring along.

pub const EM_X86_64: u16 = 62;
pub const EM_AARCH64: u16 = 183;
const ET_EXEC: u16 = 2;
const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const PT_GNU_STACK: u32 = 0x6474_e551;
const PF_X: u32 = 1;
const PF_W: u32 = 2;

/// Checks a static, libc-free executable: 64-bit little-endian ELF for `machine`, ET_EXEC, no
/// interpreter, no dynamic section, no segment both writable and executable, a non-executable stack.
pub fn check(bytes: &[u8], machine: u16) -> Result<(), String> {
    let u16_at = |off: usize| bytes.get(off..off + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |off: usize| bytes.get(off..off + 4).map(|b| u32::from_le_bytes(b.try_into().unwrap()));
    let u64_at = |off: usize| bytes.get(off..off + 8).map(|b| u64::from_le_bytes(b.try_into().unwrap()));
    if bytes.get(..6) != Some(b"\x7fELF\x02\x01") {
        return Err("not a 64-bit little-endian ELF file".into());
    }
    let truncated = || "truncated ELF header".to_string();
    if u16_at(16).ok_or_else(truncated)? != ET_EXEC {
        return Err("not a plain executable (ET_EXEC)".into());
    }
    let found = u16_at(18).ok_or_else(truncated)?;
    if found != machine {
        return Err(format!("ELF machine {found}, expected {machine}"));
    }
    let phoff = u64_at(32).ok_or_else(truncated)? as usize;
    let phentsize = usize::from(u16_at(54).ok_or_else(truncated)?);
    let phnum = usize::from(u16_at(56).ok_or_else(truncated)?);
    let mut stack = false;
    for i in 0..phnum {
        let at = phoff + i * phentsize;
        let kind = u32_at(at).ok_or("truncated program header")?;
        let flags = u32_at(at + 4).ok_or("truncated program header")?;
        match kind {
            PT_INTERP => return Err("has an interpreter (PT_INTERP): dynamically linked".into()),
            PT_DYNAMIC => return Err("has a dynamic section (PT_DYNAMIC)".into()),
            PT_LOAD if flags & PF_W != 0 && flags & PF_X != 0 => {
                return Err("has a segment that is both writable and executable".into());
            }
            PT_GNU_STACK if flags & PF_X != 0 => return Err("asks for an executable stack".into()),
            PT_GNU_STACK => stack = true,
            _ => {}
        }
    }
    if !stack {
        return Err("no PT_GNU_STACK: the kernel would default to an executable stack".into());
    }
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

    #[test]
    fn finds_panic_text() {
        assert!(check_no_panic_text(b"\0\0index out of bounds: the len is\0").is_err());
        assert!(check_no_panic_text(b"xx/rustc/abc/library/core/src/num/mod.rs").is_err());
        assert!(check_no_panic_text(b"[FATAL pidone] internal error").is_ok());
    }
}
