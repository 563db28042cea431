//! An initramfs: a cpio archive in the kernel's "newc" format, uncompressed (every kernel reads it so),
//! written here so that nothing beyond qemu needs installing.

/// The archive being built, entry after entry.
#[derive(Default)]
pub struct Initramfs {
    bytes: Vec<u8>,
    next_inode: u32,
}

const DIRECTORY: u32 = 0o040_000;
const FILE: u32 = 0o100_000;
const CHARACTER_DEVICE: u32 = 0o020_000;

impl Initramfs {
    pub fn directory(&mut self, path: &str) {
        self.entry(path, DIRECTORY | 0o755, (0, 0), &[]);
    }

    pub fn file(&mut self, path: &str, mode: u32, data: &[u8]) {
        self.entry(path, FILE | mode, (0, 0), data);
    }

    /// A device node, which the kernel makes as it unpacks: the console init gets as its stdio.
    pub fn character_device(&mut self, path: &str, major: u32, minor: u32) {
        self.entry(path, CHARACTER_DEVICE | 0o600, (major, minor), &[]);
    }

    /// The archive, with its trailer.
    pub fn finish(mut self) -> Vec<u8> {
        self.entry("TRAILER!!!", 0, (0, 0), &[]);
        self.bytes
    }

    fn entry(&mut self, path: &str, mode: u32, (major, minor): (u32, u32), data: &[u8]) {
        self.next_inode += 1;
        let name_size = path.len() + 1;
        // magic, inode, mode, uid, gid, nlink, mtime, size, dev major/minor, rdev major/minor, name size,
        // check: eight hex digits each.
        let fields = [self.next_inode, mode, 0, 0, 1, 0, data.len() as u32, 0, 0, major, minor, name_size as u32, 0];
        self.bytes.extend_from_slice(b"070701");
        for field in fields {
            self.bytes.extend_from_slice(format!("{field:08x}").as_bytes());
        }
        self.bytes.extend_from_slice(path.as_bytes());
        self.bytes.push(0);
        self.pad();
        self.bytes.extend_from_slice(data);
        self.pad();
    }

    /// Header plus name, and data, each end on a multiple of four bytes.
    fn pad(&mut self) {
        while !self.bytes.len().is_multiple_of(4) {
            self.bytes.push(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout the kernel's unpacker reads: a 110-byte header, the name and the data each padded to four.
    #[test]
    fn a_header_is_110_bytes_and_every_entry_is_aligned() {
        let mut archive = Initramfs::default();
        archive.file("init", 0o755, b"abc");
        let bytes = archive.finish();
        assert_eq!(&bytes[..6], b"070701");
        // 110 header bytes, "init\0" padded to 116, 3 data bytes padded to 120, then the trailer.
        assert_eq!(&bytes[110..115], b"init\0");
        assert_eq!(&bytes[116..119], b"abc");
        assert_eq!(&bytes[120..126], b"070701");
        assert!(bytes.len().is_multiple_of(4));
    }
}
