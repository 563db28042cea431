//! Debian packages of any architecture, fetched without touching this machine's dpkg state: a private apt
//! configuration (its own sources, lists, cache and an empty status), `apt-get download`, and `dpkg-deb`
//! to unpack. Everything lives in one directory and is kept between runs.

use crate::cmd::{Result, status};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The archive every source comes from.
const MIRROR: &str = "http://deb.debian.org/debian";

/// Lists older than this are fetched again: Debian's archive drops a kernel once its successor is in.
const FRESH: Duration = Duration::from_secs(24 * 3600);

pub struct Apt {
    dir: PathBuf,
}

impl Apt {
    /// A configuration in `dir` for `sources` (suite, architectures), on a machine of Debian architecture
    /// `host`: each suite serves only the architectures it is named with, and packages for all of them;
    /// `fallback` suites are used only for what the others lack.
    pub fn new(dir: &Path, host: &str, sources: &[(&str, Vec<&str>)], fallback: &[&str]) -> Result<Apt> {
        let apt = Apt { dir: dir.to_path_buf() };
        for sub in ["lists/partial", "cache/archives/partial", "debs"] {
            let path = dir.join(sub);
            std::fs::create_dir_all(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        }
        let mut list = String::new();
        let mut architectures: Vec<&str> = Vec::new();
        for (suite, archs) in sources {
            list.push_str(&format!("deb [arch={}] {MIRROR} {suite} main\n", archs.join(",")));
            architectures.extend(archs.iter().filter(|a| !architectures.contains(a)).collect::<Vec<_>>());
        }
        let preferences: String =
            fallback.iter().map(|suite| format!("Package: *\nPin: release n={suite}\nPin-Priority: 100\n\n")).collect();
        let d = dir.display();
        // Nothing of this machine's apt configuration is read: a container image's turns the caches off, and
        // every command would take seconds to read the lists again.
        let quoted: Vec<String> = architectures.iter().map(|a| format!("\"{a}\";")).collect();
        let config = format!(
            "Dir::Etc::SourceList \"{d}/sources.list\";\nDir::Etc::SourceParts \"{d}/none\";\n\
             Dir::Etc::Preferences \"{d}/preferences\";\nDir::Etc::PreferencesParts \"{d}/none\";\n\
             Dir::State::Lists \"{d}/lists\";\nDir::State::status \"{d}/status\";\nDir::Cache \"{d}/cache\";\n\
             APT::Architecture \"{host}\";\nAPT::Architectures {{ {} }};\nAcquire::Languages \"none\";\n\
             APT::Sandbox::User \"root\";\nDir::Etc::Parts \"{d}/none\";\n\
             Dir::Cache::pkgcache \"pkgcache.bin\";\nDir::Cache::srcpkgcache \"srcpkgcache.bin\";\n",
            quoted.join(" ")
        );
        std::fs::create_dir_all(dir.join("none")).map_err(|e| format!("{e}"))?;
        for (name, text) in
            [("sources.list", list.as_str()), ("preferences", &preferences), ("apt.conf", &config), ("status", "")]
        {
            std::fs::write(dir.join(name), text).map_err(|e| format!("cannot write {name}: {e}"))?;
        }
        Ok(apt)
    }

    fn apt(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("APT_CONFIG", self.dir.join("apt.conf")).env("LC_ALL", "C");
        cmd
    }

    /// Fetches the package lists, unless those of the same sources are younger than a day.
    pub fn update(&self) -> Result<()> {
        let sources = std::fs::read_to_string(self.dir.join("sources.list")).map_err(|e| format!("{e}"))?;
        let stamp = self.dir.join("lists/fetched-for");
        let age = std::fs::metadata(&stamp).and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
        if std::fs::read_to_string(&stamp).is_ok_and(|fetched| fetched == sources) && age.is_some_and(|a| a < FRESH) {
            return Ok(());
        }
        status(self.apt("apt-get").args(["update", "-qq"]))?;
        std::fs::write(&stamp, sources).map_err(|e| format!("{}: {e}", stamp.display()))
    }

    /// The package each metapackage depends on first: the current kernel image, for a kernel's.
    pub fn resolve(&self, metapackages: &[String]) -> Result<Vec<String>> {
        let out = self.output(self.apt("apt-cache").arg("depends").args(metapackages))?;
        // NAME (":ARCH" for a foreign one), then its relations indented, "  Depends: PACKAGE" among them.
        let mut first: Vec<(&str, &str)> = Vec::new();
        let mut current = None;
        for line in out.lines() {
            if !line.starts_with(' ') {
                current = Some(line);
            } else if let (Some(name), Some(package)) = (current, line.trim().strip_prefix("Depends: ")) {
                first.push((name, package));
                current = None;
            }
        }
        let depended = |metapackage: &String| {
            let name = metapackage.split(':').next().unwrap_or_default();
            first.iter().find(|(n, _)| n == metapackage || *n == name).map(|(_, p)| p.to_string())
        };
        metapackages
            .iter()
            .map(|m| depended(m).ok_or_else(|| format!("apt-cache depends {m}: it depends on nothing")))
            .collect()
    }

    /// `packages` and whatever of their dependencies this machine lacks or has too old, as apt's resolver
    /// finds them against this machine's dpkg status (read, never written): `name=version` each.
    pub fn missing(&self, packages: &[&str], release: &str) -> Result<Vec<String>> {
        let out = self.output(
            self.apt("apt-get")
                .args(["--simulate", "--no-install-recommends", "-o", "Dir::State::status=/var/lib/dpkg/status"])
                .args(["--target-release", release, "install"])
                .args(packages),
        )?;
        // Inst NAME [OLD VERSION] (NEW VERSION SUITE [ARCH])
        let installs = out.lines().filter_map(|l| l.strip_prefix("Inst ")).filter_map(|rest| {
            let name = rest.split(' ').next()?;
            let version = rest.split_once(" (")?.1.split(' ').next()?;
            Some(format!("{name}={version}"))
        });
        Ok(installs.collect())
    }

    /// The .deb of each package (`name`, `name:arch` or `name=version`), downloaded once and kept.
    pub fn download(&self, packages: &[String]) -> Result<Vec<PathBuf>> {
        if packages.is_empty() {
            return Ok(Vec::new());
        }
        let debs = self.dir.join("debs");
        let out = self.output(self.apt("apt-get").args(["download", "--print-uris"]).args(packages))?;
        // 'URI' FILE SIZE HASH, a line each, in apt's order: each package's file is found by its name (and
        // architecture, where one is given): NAME_VERSION_ARCH.deb.
        let listed: Vec<&str> = out.lines().filter_map(|l| l.split(' ').nth(1)).collect();
        let mut files = Vec::new();
        for package in packages {
            let (name, arch) = match package.split_once(':') {
                Some((name, arch)) if !package.contains('=') => (name, Some(arch)),
                _ => (package.split('=').next().unwrap_or_default(), None),
            };
            let file = listed
                .iter()
                .find(|f| f.starts_with(&format!("{name}_")) && arch.is_none_or(|a| f.ends_with(&format!("_{a}.deb"))))
                .ok_or_else(|| format!("apt-get download {package}: not in the lists"))?;
            files.push(debs.join(file));
        }
        let missing: Vec<&String> = packages.iter().zip(&files).filter(|(_, f)| !f.exists()).map(|(p, _)| p).collect();
        if !missing.is_empty() {
            status(self.apt("apt-get").current_dir(&debs).args(["download", "-qq"]).args(missing))?;
        }
        Ok(files)
    }

    fn output(&self, cmd: &mut Command) -> Result<String> {
        let out =
            cmd.stderr(Stdio::inherit()).output().map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
        if !out.status.success() {
            return Err(format!("{cmd:?} failed: {}", out.status));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// Unpacks `deb` into `into` (only `paths`, tar patterns, if any are given).
pub fn unpack(deb: &Path, into: &Path, paths: &[&str]) -> Result<()> {
    std::fs::create_dir_all(into).map_err(|e| format!("cannot create {}: {e}", into.display()))?;
    if paths.is_empty() {
        return status(Command::new("dpkg-deb").arg("-x").arg(deb).arg(into));
    }
    let mut tarball = Command::new("dpkg-deb")
        .arg("--fsys-tarfile")
        .arg(deb)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run dpkg-deb: {e}"))?;
    let stdout = tarball.stdout.take().expect("piped");
    let extracted =
        status(Command::new("tar").arg("-x").arg("-C").arg(into).arg("--wildcards").args(paths).stdin(stdout));
    let unpacked = tarball.wait().map_err(|e| format!("dpkg-deb: {e}"))?;
    extracted?;
    if unpacked.success() { Ok(()) } else { Err(format!("dpkg-deb --fsys-tarfile {}: {unpacked}", deb.display())) }
}

/// busybox-static's program in its package unpacked at `unpacked`: bin/busybox before trixie,
/// usr/bin/busybox from it on.
pub fn busybox(unpacked: &Path) -> Result<PathBuf> {
    ["bin/busybox", "usr/bin/busybox"]
        .iter()
        .map(|p| unpacked.join(p))
        .find(|p| p.exists())
        .ok_or_else(|| format!("no busybox in {}", unpacked.display()))
}

/// What `busybox` looks for, as `unpack` takes it.
pub const BUSYBOX_PATHS: &str = "*bin/busybox";
