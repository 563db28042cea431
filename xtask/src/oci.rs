//! The release's image archive as its readers see it: its name in target/dist, and its image index. Not in
//! release.rs, which writes it: release.rs builds on sbom.rs, and sbom.rs's check reads the index.

use crate::cmd::Result;
use std::path::Path;
use std::process::Command;

pub const ARCHIVE: &str = "pidone-oci.tar";

/// The image index of an OCI archive, as skopeo reads it.
pub fn raw_index(archive: &Path) -> Result<Vec<u8>> {
    let out = Command::new("skopeo")
        .args(["inspect", "--raw"])
        .arg(format!("oci-archive:{}", archive.display()))
        .output()
        .map_err(|e| format!("cannot run skopeo: {e}"))?;
    if !out.status.success() {
        return Err(format!("skopeo inspect: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(out.stdout)
}
