//! The commit a source tree is: from git in a clone, or, in a tarball made with `git archive` (no `.git`),
//! from `.git-revision`, whose `$Format:%H$` git archive replaces with the commit (`.gitattributes`:
//! `export-subst`). One file for build.rs (the version line) and xtask (the image's labels).

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
    let archived = std::fs::read_to_string(root.join(".git-revision")).ok()?;
    let archived = archived.trim();
    (archived.len() == 40 && archived.bytes().all(|b| b.is_ascii_hexdigit())).then(|| archived.to_owned())
}
