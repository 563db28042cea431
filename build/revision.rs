//! The commit a source tree is: from git in a clone; in a tarball made with `git archive` (no `.git`), from
//! `.git-revision`, whose `$Format:%H$` git archive replaces with the commit (`.gitattributes`:
//! `export-subst`); in a crate cargo packaged (`cargo install`), from the `.cargo_vcs_info.json` it adds.
//! One file for build.rs (the version line) and xtask (the image's labels).

use std::path::Path;
use std::process::Command;

/// The full commit hash of the tree at `root`, if it has one.
pub fn revision(root: &Path) -> Option<String> {
    let git = |args: &[&str]| {
        let out = Command::new("git").current_dir(root).args(args).output().ok()?;
        let text = String::from_utf8(out.stdout).ok()?;
        out.status.success().then(|| text.trim().to_owned())
    };
    // Only the tree's own repository: a tarball unpacked inside another one must not take its commit.
    let toplevel = git(&["rev-parse", "--show-toplevel"]).map(std::path::PathBuf::from);
    if toplevel.as_deref().and_then(|t| t.canonicalize().ok()) == root.canonicalize().ok() {
        return git(&["rev-parse", "HEAD"]);
    }
    let is_hash = |text: &str| text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit());
    let archived = std::fs::read_to_string(root.join(".git-revision")).unwrap_or_default();
    if is_hash(archived.trim()) {
        return Some(archived.trim().to_owned());
    }
    // {"git": {"sha1": "<hash>", ...}, ...}
    let packaged = std::fs::read_to_string(root.join(".cargo_vcs_info.json")).ok()?;
    let hash = packaged.split_once("\"sha1\"")?.1.split('"').nth(1)?;
    is_hash(hash).then(|| hash.to_owned())
}
