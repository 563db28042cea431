//! How the program's end becomes pidone's exit code: its wait status decoded, then the `-e` remap.

/// How a reaped process ended, decoded from its wait(2) status.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ending {
    Exited(u8),
    Killed(u32),
    /// Neither: impossible without WUNTRACED/WCONTINUED, kept so a surprise is an error, not a guess.
    Unknown,
}

impl Ending {
    pub fn from_wait_status(raw: u32) -> Ending {
        match raw & 0x7f {
            0 => Ending::Exited((raw >> 8) as u8),
            0x7f => Ending::Unknown,
            sig => Ending::Killed(sig),
        }
    }

    /// The shell convention: the exit status, or 128 + the signal (modulo 256, as an exit status is a byte).
    pub fn code(self) -> Option<u8> {
        match self {
            Ending::Exited(n) => Some(n),
            Ending::Killed(sig) => Some((128 + sig) as u8),
            Ending::Unknown => None,
        }
    }
}

/// The `-e` codes, remapped to 0 on the way out.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Expected([u64; 4]);

impl Expected {
    pub fn insert(&mut self, code: u8) {
        self.0[usize::from(code >> 6)] |= 1 << (code & 63);
    }

    pub fn remap(&self, code: u8) -> u8 {
        if self.0[usize::from(code >> 6)] & (1 << (code & 63)) != 0 { 0 } else { code }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_wait_statuses() {
        for n in 0..=255u32 {
            assert_eq!(Ending::from_wait_status(n << 8), Ending::Exited(n as u8));
            assert_eq!(Ending::from_wait_status(n << 8).code(), Some(n as u8));
        }
        assert_eq!(Ending::from_wait_status(15), Ending::Killed(15));
        assert_eq!(Ending::from_wait_status(9 | 0x80), Ending::Killed(9), "core dump bit");
        assert_eq!(Ending::Killed(15).code(), Some(143));
        assert_eq!(Ending::Killed(9).code(), Some(137));
        assert_eq!(Ending::Killed(64).code(), Some(192));
        assert_eq!(Ending::from_wait_status(0x137f), Ending::Unknown, "stopped");
        assert_eq!(Ending::from_wait_status(0xffff), Ending::Unknown, "continued");
    }

    #[test]
    fn remaps_exactly_the_expected_codes() {
        let mut e = Expected::default();
        for code in [0u8, 63, 64, 143, 255] {
            e.insert(code);
        }
        for code in 0..=255u8 {
            let want = if [0, 63, 64, 143, 255].contains(&code) { 0 } else { code };
            assert_eq!(e.remap(code), want, "{code}");
        }
    }
}
