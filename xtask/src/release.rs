//! `cargo xtask release`: the release set in target/dist: every platform's binary, its SBOM
//! (`pidone-<arch>.spdx.json`, sbom.rs), `pidone-oci.tar` (an OCI image archive holding one image index,
//! with an image per platform built from Dockerfile.scratch) and `SHA256SUMS` over all of them. A
//! maintainer pushes the archive with one `skopeo copy --all` (README).

use crate::cmd::{Result, root, status};
use crate::dist::{self, Dist};
use crate::oci::{ARCHIVE, raw_index};
use crate::sbom::{self, Sbom};
use crate::targets::{TARGETS, Target};
use crate::{revision, setup, tar};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn release() -> Result<()> {
    pack(&dist::dist()?).map(|_| ())
}

/// The release set around binaries just built: the image archive, then SHA256SUMS over everything;
/// returns the index digest.
pub fn pack(built: &Dist) -> Result<String> {
    let sboms = sbom::write_all(built)?;
    let digest = image(built, &sboms)?;
    let mut names: Vec<String> = built.all.iter().map(|(t, _)| format!("pidone-{}", t.arch)).collect();
    names.extend(sboms.into_iter().map(|sbom| sbom.name));
    names.push(ARCHIVE.into());
    dist::write_sums(&names)?;
    check_sums()?;
    println!("{ARCHIVE}: the image index {digest}, for {}", TARGETS.map(|t| t.platform).join(", "));
    println!("target/dist/SHA256SUMS: {}", names.join(", "));
    println!("push it: skopeo copy --all oci-archive:target/dist/{ARCHIVE} docker://REGISTRY/pidone:{VERSION}");
    Ok(digest)
}

/// target/dist as a user checks a download, and more: every file listed in SHA256SUMS is there with its
/// sum, and every file there is listed.
pub fn check_sums() -> Result<()> {
    let dist = root().join("target/dist");
    status(Command::new("sha256sum").current_dir(&dist).args(["-c", "--quiet", "--strict", "SHA256SUMS"]))?;
    let sums = std::fs::read_to_string(dist.join("SHA256SUMS")).map_err(|e| format!("SHA256SUMS: {e}"))?;
    let listed: Vec<&str> = sums.lines().filter_map(|line| line.split_once("  ")).map(|(_, name)| name).collect();
    for name in files(&dist)? {
        if name != "SHA256SUMS" && !listed.contains(&name.as_str()) {
            return Err(format!("target/dist/{name} is not in SHA256SUMS"));
        }
    }
    Ok(())
}

/// The names of the files in `dir`, sorted.
fn files(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        names.push(entry.file_name().into_string().map_err(|name| format!("a non-UTF-8 name: {name:?}"))?);
    }
    names.sort();
    Ok(names)
}

/// Makes the release again from a clone of HEAD, at another path, with its own target directory and at
/// another time, and compares the two target/dist byte for byte: no path, time or other accident of the
/// build may end up in any file of the release.
pub fn check_reproducible() -> Result<()> {
    let root = root();
    let head = revision::revision(&root).ok_or("not a git checkout: the second build is of a clone of HEAD")?;
    let changed = Command::new("git")
        .current_dir(&root)
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?
        .stdout;
    if !changed.is_empty() {
        return Err(format!(
            "the work tree has changes that a clone of HEAD would not have; commit them first:\n{}",
            String::from_utf8_lossy(&changed)
        ));
    }
    let clone = std::env::temp_dir().join(format!("pidone-reproducible-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&clone);
    let result = (|| {
        status(Command::new("git").args(["clone", "--quiet", "--no-checkout"]).arg(&root).arg(&clone))?;
        status(Command::new("git").current_dir(&clone).args(["checkout", "--quiet", "--detach", &head]))?;
        status(Command::new("cargo").current_dir(&clone).args(["xtask", "release"]).env_remove("CARGO_TARGET_DIR"))?;
        let (ours, theirs) = (root.join("target/dist"), clone.join("target/dist"));
        let names = files(&ours)?;
        if files(&theirs)? != names {
            return Err(format!("a second build made {:?}, not {names:?}", files(&theirs)?));
        }
        println!("\nA second release, built in {}, has the same files, byte for byte:", clone.display());
        for name in &names {
            let read = |dir: &Path| std::fs::read(dir.join(name)).map_err(|e| format!("{name}: {e}"));
            let bytes = read(&ours)?;
            if read(&theirs)? != bytes {
                return Err(format!("{name} is not reproducible: a second build from a clone of HEAD differs"));
            }
            println!("  {name:<26} {:>7} B  sha256:{}", bytes.len(), dist::sha256_hex(&bytes));
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&clone);
    result
}

/// Fails unless one version is everywhere a release states it: Cargo.toml's `[workspace.package]`, the
/// newest release CHANGELOG.md has a heading for, every `pidone:X.Y.Z` image the README names, every entry
/// of the image index in target/dist, and this machine's binary's `--version`.
pub fn check_versions(built: &Dist) -> Result<()> {
    let read = |file: &str| std::fs::read_to_string(root().join(file)).map_err(|e| format!("{file}: {e}"));
    let is_version = |word: &str| word.split('.').count() == 3 && word.split('.').all(|n| n.parse::<u32>().is_ok());
    let changelog = read("CHANGELOG.md")?;
    let released = changelog
        .lines()
        .filter_map(|line| line.strip_prefix("## ")?.split(' ').next())
        .find(|word| is_version(word))
        .ok_or("CHANGELOG.md has no release heading (## X.Y.Z)")?;
    let readme = read("README.md")?;
    let tags: Vec<&str> = readme
        .split("pidone:")
        .skip(1)
        .map(|rest| &rest[..rest.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(rest.len())])
        .filter(|tag| !tag.is_empty())
        .collect();
    if tags.is_empty() {
        return Err("README.md names no pidone:X.Y.Z image".into());
    }
    let index: serde_json::Value = serde_json::from_slice(&raw_index(&root().join("target/dist").join(ARCHIVE))?)
        .map_err(|e| format!("the image index: {e}"))?;
    let labels: Vec<&str> = index["manifests"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| m["annotations"]["org.opencontainers.image.version"].as_str().unwrap_or("none"))
        .collect();
    let line = Command::new(&built.native).arg("--version").output().map_err(|e| format!("pidone: {e}"))?.stdout;
    let line = String::from_utf8_lossy(&line);
    let binary = line.strip_prefix("pidone version ").and_then(|rest| rest.split(' ').next()).unwrap_or("none");
    let stated = [("CHANGELOG.md's newest release", released), ("pidone --version", binary.trim())];
    let stated = stated.into_iter().chain(tags.iter().map(|tag| ("an image in README.md", *tag)));
    for (place, version) in stated.chain(labels.iter().map(|label| ("the image index", *label))) {
        // xtask's own version is the workspace's (`version.workspace = true`), built from Cargo.toml as it is.
        if version != VERSION {
            return Err(format!("Cargo.toml says {VERSION}; {place} says {version}"));
        }
    }
    println!(
        "{VERSION}: Cargo.toml, CHANGELOG.md's newest release, README.md's {} images, the image index's {} entries, \
         pidone --version",
        tags.len(),
        labels.len()
    );
    Ok(())
}

/// A tarball of the source made with `git archive` (no `.git`) builds a pidone whose version line names
/// the commit: the line Docker's `docker info` parses.
pub fn check_source_tarball() -> Result<()> {
    let root = root();
    let head = revision::revision(&root).ok_or("not a git checkout: the tarball is made from its HEAD")?;
    let dir = std::env::temp_dir().join(format!("pidone-tarball-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let result = (|| {
        let tarball = dir.join("pidone.tar");
        status(
            Command::new("git").current_dir(&root).args(["archive", "--format=tar", "-o"]).arg(&tarball).arg("HEAD"),
        )?;
        status(Command::new("tar").current_dir(&dir).arg("-xf").arg(&tarball))?;
        let triple = crate::targets::native().triple;
        status(
            Command::new("cargo")
                .current_dir(&dir)
                .args(["build", "--quiet", "--release", "--package", "pidone", "--target", triple])
                .env("CARGO_TARGET_DIR", dir.join("target")),
        )?;
        let out = Command::new(dir.join("target").join(triple).join("release/pidone")).arg("--version").output();
        let line = String::from_utf8_lossy(&out.map_err(|e| format!("pidone --version: {e}"))?.stdout).into_owned();
        let want = format!("pidone version {VERSION} - git.{}\n", &head[..7]);
        if line != want {
            return Err(format!("a build from `git archive` says {line:?}, not {want:?}"));
        }
        println!("a build from a `git archive` tarball says {:?}", line.trim());
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Builds the image of every platform from Dockerfile.scratch with buildah, in its own storage (made
/// anew), and writes their index as target/dist/pidone-oci.tar, each platform's entry naming its SBOM's
/// digest. Every timestamp is the epoch, so the same binaries give the same archive, and the same index
/// digest, which this returns.
fn image(built: &Dist, sboms: &[Sbom]) -> Result<String> {
    setup::packages(&["buildah", "skopeo"])?;
    let work = root().join("target/release-build");
    let _ = std::fs::remove_dir_all(&work);
    let buildah = Buildah { work: work.clone() };
    let revision = revision::revision(&root()).unwrap_or_else(|| "unknown".into());
    let labels = [
        ("org.opencontainers.image.title", "pidone".to_owned()),
        ("org.opencontainers.image.version", VERSION.to_owned()),
        ("org.opencontainers.image.revision", revision),
        ("org.opencontainers.image.licenses", "MIT".to_owned()),
    ];
    let annotations: Vec<String> = labels.iter().map(|(key, value)| format!("{key}={value}")).collect();
    let list = "localhost/pidone-release:index";
    buildah.run(&["manifest", "create", list])?;
    for ((target, _), sbom) in built.all.iter().zip(sboms) {
        let tag = format!("localhost/pidone-release:{}", target.arch);
        buildah.build(target, &tag, &annotations)?;
        let sbom = format!("{}={}", sbom::ANNOTATION, sbom.digest);
        let mut add = vec!["manifest", "add", "--annotation", &sbom];
        for annotation in &annotations {
            add.extend(["--annotation", annotation]);
        }
        add.extend([list, &tag]);
        buildah.run(&add)?;
    }
    // An image layout in a directory, which tar::write makes a file of: an oci-archive written by buildah
    // dates its entries at the time of writing.
    let layout = work.join("layout");
    let destination = format!("oci:{}:pidone:{VERSION}", layout.display());
    buildah.run(&["manifest", "push", "--quiet", "--all", "--format", "oci", list, &destination])?;
    let archive = root().join("target/dist").join(ARCHIVE);
    tar::write(&layout, &archive)?;
    index_digest(&archive)
}

/// The digest of the image index in an OCI archive (of its raw bytes, as a registry computes it).
fn index_digest(archive: &Path) -> Result<String> {
    Ok(format!("sha256:{}", dist::sha256_hex(&raw_index(archive)?)))
}

struct Buildah {
    work: PathBuf,
}

impl Buildah {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("buildah");
        cmd.arg("--root").arg(self.work.join("storage")).arg("--runroot").arg(self.work.join("run"));
        cmd.args(["--storage-driver", "vfs"]).args(args).stdout(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Result<()> {
        status(&mut self.command(args))
    }

    fn output(&self, args: &[&str]) -> Result<String> {
        let out = self.command(args).stdout(Stdio::piped()).output().map_err(|e| format!("buildah: {e}"))?;
        if !out.status.success() {
            return Err(format!("buildah {args:?} failed"));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// One platform's image from Dockerfile.scratch, at the epoch. buildah 1.28 gives arm/v6 images the
    /// variant v7 in their configuration: where it is wrong, it is set, in a commit of its own.
    fn build(&self, target: &Target, tag: &str, labels: &[String]) -> Result<()> {
        let root = root();
        let dockerfile = root.join("Dockerfile.scratch");
        let mut bud = vec!["bud", "--quiet", "--network=none", "--timestamp", "0", "--identity-label=false"];
        bud.extend(["--platform", target.platform]);
        for label in labels {
            bud.extend(["--label", label]);
        }
        let paths = [dockerfile.to_str().ok_or("non-UTF-8 path")?, root.to_str().ok_or("non-UTF-8 path")?];
        bud.extend(["-f", paths[0], "-t", tag, paths[1]]);
        self.run(&bud)?;
        let want = target.platform.split('/').nth(2).unwrap_or_default();
        if self.output(&["inspect", "--format", "{{.OCIv1.Variant}}", tag])? != want {
            let container = self.output(&["from", tag])?;
            self.run(&["config", "--variant", want, &container])?;
            self.run(&["commit", "--quiet", "--timestamp", "0", "--identity-label=false", &container, tag])?;
            self.run(&["rm", &container])?;
        }
        Ok(())
    }
}
