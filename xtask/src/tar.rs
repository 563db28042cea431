//! A directory as a tar file that depends on nothing but the directory's contents: entries in the byte
//! order of their paths, each dated at the epoch, owned by root, mode 0755 or 0644. What buildah and
//! skopeo write carries the time of writing, so two builds of one image gave two archives.

use crate::cmd::Result;
use std::path::Path;

const BLOCK: usize = 512;

/// Writes the tree below `dir` (directories and regular files only) as a ustar archive at `out`.
pub fn write(dir: &Path, out: &Path) -> Result<()> {
    let mut entries = Vec::new();
    collect(dir, "", &mut entries)?;
    entries.sort();
    let mut tar = Vec::new();
    for path in &entries {
        if path.ends_with('/') {
            tar.extend(header(path, 0o755, 0, b'5')?);
            continue;
        }
        let bytes = std::fs::read(dir.join(path)).map_err(|e| format!("{path}: {e}"))?;
        tar.extend(header(path, 0o644, bytes.len() as u64, b'0')?);
        tar.extend(&bytes);
        tar.resize(tar.len().next_multiple_of(BLOCK), 0);
    }
    // The end of an archive: two empty blocks.
    tar.resize(tar.len() + 2 * BLOCK, 0);
    std::fs::write(out, tar).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

/// Every path below `dir`, relative to the tree's root, those of directories ending in `/`.
fn collect(dir: &Path, prefix: &str, entries: &mut Vec<String>) -> Result<()> {
    let listing = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in listing {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = entry.file_name().into_string().map_err(|name| format!("a non-UTF-8 name: {name:?}"))?;
        let kind = entry.file_type().map_err(|e| format!("{name}: {e}"))?;
        if kind.is_dir() {
            let path = format!("{prefix}{name}/");
            collect(&entry.path(), &path, entries)?;
            entries.push(path);
        } else if kind.is_file() {
            entries.push(format!("{prefix}{name}"));
        } else {
            return Err(format!("{prefix}{name}: neither a file nor a directory"));
        }
    }
    Ok(())
}

/// A ustar header: numbers in octal, NUL-terminated; no user or group names.
fn header(path: &str, mode: u64, size: u64, kind: u8) -> Result<[u8; BLOCK]> {
    let mut block = [0u8; BLOCK];
    if path.len() > 100 {
        return Err(format!("{path}: longer than a ustar name (100 bytes)"));
    }
    block[..path.len()].copy_from_slice(path.as_bytes());
    // (offset, width, value): mode, uid, gid, size, mtime.
    for (at, width, value) in [(100, 8, mode), (108, 8, 0), (116, 8, 0), (124, 12, size), (136, 12, 0)] {
        let digits = format!("{value:0w$o}", w = width - 1);
        if digits.len() != width - 1 {
            return Err(format!("{path}: {value} does not fit a ustar field"));
        }
        block[at..at + width - 1].copy_from_slice(digits.as_bytes());
    }
    block[156] = kind;
    block[257..265].copy_from_slice(b"ustar\x0000");
    // The checksum is of the header with its own field as spaces: six digits, NUL, space.
    block[148..156].fill(b' ');
    let sum: u64 = block.iter().map(|&b| u64::from(b)).sum();
    block[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    Ok(block)
}
