//! The SBOM of each shipped binary, `pidone-<arch>.spdx.json` in target/dist: an SPDX 2.3 document naming
//! the file and its sha256, the crates compiled into it (cargo's resolve for its target, normal
//! dependencies only) with their versions, licenses and the checksums Cargo.lock pins, and the toolchain
//! that built it. The image index names each platform's SBOM by its digest (release.rs). `check` holds
//! every SBOM to a validator from PyPI (spdx-tools) and to `cargo tree`.

use crate::cmd::{Count, Result, counted, root, status};
use crate::dist::{self, Dist};
use crate::oci::{ARCHIVE, raw_index};
use crate::targets::{NIGHTLY, TARGETS, Target, Toolchain};
use crate::{revision, rustix_mips, setup};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The annotation, on each platform's entry in the image index, that gives the digest of its SBOM.
pub const ANNOTATION: &str = "pidone.sbom";
/// spdx-tools, the SPDX project's own Python library and validator, at a fixed version.
const VALIDATOR_VERSION: &str = "0.8.5";

/// An SBOM as written into target/dist.
pub struct Sbom {
    pub name: String,
    /// `sha256:<hex>` of the file.
    pub digest: String,
}

/// The file name of the SBOM of `target`'s binary.
fn file_name(target: &Target) -> String {
    format!("pidone-{}.spdx.json", target.arch)
}

/// Writes the SBOM of every binary in `built`.
pub fn write_all(built: &Dist) -> Result<Vec<Sbom>> {
    let created = commit_time()?;
    let revision = revision::revision(&root()).ok_or("not a git checkout: an SBOM names its commit")?;
    let checksums = lock_checksums()?;
    let mut written = Vec::new();
    for (target, binary) in &built.all {
        let document = document(target, binary, &created, &revision, &checksums)?;
        let name = file_name(target);
        let mut text = serde_json::to_string_pretty(&document).map_err(|e| format!("{name}: {e}"))?;
        text.push('\n');
        let path = root().join("target/dist").join(&name);
        std::fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(Sbom { digest: format!("sha256:{}", dist::sha256_hex(text.as_bytes())), name });
    }
    Ok(written)
}

/// The time of HEAD's commit, in UTC: the SBOM's creation time, the same in every build of the commit.
fn commit_time() -> Result<String> {
    let out = Command::new("git")
        .current_dir(root())
        .args(["log", "-1", "--format=%cd", "--date=format-local:%Y-%m-%dT%H:%M:%SZ"])
        .env("TZ", "UTC0")
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let time = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !out.status.success() || time.is_empty() {
        return Err("git log gives no commit time: an SBOM is dated at its commit".into());
    }
    Ok(time)
}

/// (name, version) to the sha256 of the crate file, for every crate from a registry in Cargo.lock.
fn lock_checksums() -> Result<BTreeMap<(String, String), String>> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut checksums = BTreeMap::new();
    for entry in lock.split("[[package]]").skip(1) {
        let field =
            |key: &str| entry.lines().find_map(|line| line.strip_prefix(key)?.strip_prefix(" = \"")?.strip_suffix('"'));
        if let (Some(name), Some(version), Some(checksum)) = (field("name"), field("version"), field("checksum")) {
            checksums.insert((name.to_owned(), version.to_owned()), checksum.to_owned());
        }
    }
    Ok(checksums)
}

/// A crate compiled into a binary.
struct Crate {
    name: String,
    version: String,
    license: String,
    /// The crates it depends on, as indices into the same list.
    depends_on: Vec<usize>,
}

impl Crate {
    fn spdx_id(&self) -> String {
        let id: String = format!("{}-{}", self.name, self.version)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' })
            .collect();
        format!("SPDXRef-crate-{id}")
    }
}

/// pidone and the crates it needs for `target`, first pidone: what cargo metadata's resolve reaches from
/// pidone through normal dependencies for that platform, as the build sees them (`dist::cargo`).
fn crates(target: &Target) -> Result<Vec<Crate>> {
    let out = dist::cargo(target)?
        .args(["metadata", "--format-version", "1", "--filter-platform", target.triple])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let metadata: Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let packages: BTreeMap<&str, &Value> = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata lists no packages")?
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .ok_or("cargo metadata has no resolve")?
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let pidone = packages.iter().find(|(_, p)| p["name"] == "pidone").map(|(id, _)| *id).ok_or("no pidone")?;
    // Breadth first: each package once, so the walk ends with the graph.
    let mut ids = vec![pidone];
    let mut edges = Vec::new();
    let mut next = 0;
    while next < ids.len() {
        let node = nodes.get(ids[next]).ok_or_else(|| format!("{} is not in the resolve", ids[next]))?;
        for dep in node["deps"].as_array().into_iter().flatten() {
            let normal = dep["dep_kinds"].as_array().into_iter().flatten().any(|kind| kind["kind"].is_null());
            let Some(id) = dep["pkg"].as_str().filter(|_| normal) else { continue };
            let index = ids.iter().position(|known| *known == id).unwrap_or_else(|| {
                ids.push(id);
                ids.len() - 1
            });
            edges.push((next, index));
        }
        next += 1;
    }
    let mut crates = Vec::new();
    for id in &ids {
        let package = packages.get(id).ok_or_else(|| format!("{id} is not among the packages"))?;
        let text = |key: &str| package[key].as_str().map(str::to_owned).ok_or_else(|| format!("{id}: no {key}"));
        crates.push(Crate {
            name: text("name")?,
            version: text("version")?,
            license: text("license")?,
            depends_on: vec![],
        });
    }
    for (from, to) in edges {
        crates[from].depends_on.push(to);
    }
    Ok(crates)
}

/// The SPDX document of one binary.
fn document(
    target: &Target,
    binary: &Path,
    created: &str,
    revision: &str,
    checksums: &BTreeMap<(String, String), String>,
) -> Result<Value> {
    let name = format!("pidone-{}", target.arch);
    let bytes = std::fs::read(binary).map_err(|e| format!("{}: {e}", binary.display()))?;
    let sha256 = dist::sha256_hex(&bytes);
    let crates = crates(target)?;
    let version = &crates[0].version;
    let binary_id = format!("SPDXRef-{name}");
    let mut packages = vec![json!({
        "SPDXID": binary_id,
        "name": name,
        "versionInfo": version,
        "packageFileName": name,
        "primaryPackagePurpose": "APPLICATION",
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "checksums": [{ "algorithm": "SHA256", "checksumValue": sha256 }],
        "licenseDeclared": crates[0].license,
        "comment": format!("pidone for {} ({}): static, no libc", target.platform, target.triple),
    })];
    let mut relationships = vec![
        relationship("SPDXRef-DOCUMENT", "DESCRIBES", &binary_id),
        relationship(&binary_id, "GENERATED_FROM", &crates[0].spdx_id()),
        relationship("SPDXRef-toolchain", "BUILD_TOOL_OF", &binary_id),
    ];
    for (index, krate) in crates.iter().enumerate() {
        let mut package = json!({
            "SPDXID": krate.spdx_id(),
            "name": krate.name,
            "versionInfo": krate.version,
            "primaryPackagePurpose": if index == 0 { "SOURCE" } else { "LIBRARY" },
            "filesAnalyzed": false,
            "licenseDeclared": krate.license,
        });
        if index == 0 {
            package["downloadLocation"] = "NOASSERTION".into();
            package["sourceInfo"] = format!("git commit {revision}").into();
        } else {
            let key = (krate.name.clone(), krate.version.clone());
            let checksum = checksums.get(&key).ok_or_else(|| format!("Cargo.lock has no checksum for {key:?}"))?;
            package["downloadLocation"] =
                format!("https://crates.io/api/v1/crates/{}/{}/download", krate.name, krate.version).into();
            package["checksums"] = json!([{ "algorithm": "SHA256", "checksumValue": checksum }]);
            package["externalRefs"] = json!([{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": format!("pkg:cargo/{}@{}", krate.name, krate.version),
            }]);
            relationships.push(relationship(&binary_id, "STATIC_LINK", &krate.spdx_id()));
        }
        if krate.name == "rustix" && target.rustix_keeping_at() {
            package["sourceInfo"] = rustix_patch()?.into();
        }
        for &dependency in &krate.depends_on {
            relationships.push(relationship(&krate.spdx_id(), "DEPENDS_ON", &crates[dependency].spdx_id()));
        }
        packages.push(package);
    }
    packages.push(toolchain(target)?);
    Ok(json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": name,
        "documentNamespace": format!("https://spdx.org/spdxdocs/{name}-{version}-{sha256}"),
        "creationInfo": {
            "created": created,
            "creators": [format!("Tool: pidone-xtask-{}", env!("CARGO_PKG_VERSION"))],
        },
        "packages": packages,
        "relationships": relationships,
    }))
}

fn relationship(from: &str, kind: &str, to: &str) -> Value {
    json!({ "spdxElementId": from, "relationshipType": kind, "relatedSpdxElement": to })
}

/// What the MIPS build changes in rustix, with the changed file's digest as compiled.
fn rustix_patch() -> Result<String> {
    let file = rustix_mips::patched_file();
    let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(format!(
        "compiled from this crate with {} changed to keep $1 across each of its {} returning system calls, which \
         a MIPS kernel clobbers (pidone's xtask/src/rustix_mips.rs); that file as compiled: sha256 {}",
        rustix_mips::PATCHED,
        rustix_mips::RETURNING_BLOCKS,
        dist::sha256_hex(&bytes)
    ))
}

/// The toolchain that builds `target`, as a package: its `rustc -vV`, where rustup takes it from, and
/// where `core` comes from.
fn toolchain(target: &Target) -> Result<Value> {
    let mut rustc = Command::new("rustc");
    rustc.current_dir(root());
    if target.toolchain == Toolchain::Nightly {
        rustc.arg(format!("+{NIGHTLY}"));
    }
    let out = rustc.arg("-vV").output().map_err(|e| format!("cannot run rustc: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |key: &str| text.lines().find_map(|line| line.strip_prefix(key)).map(str::trim);
    let (Some(version), Some(release), Some(llvm)) = (field("rustc "), field("release:"), field("LLVM version:"))
    else {
        return Err(format!("rustc -vV says {text:?}"));
    };
    let (pin, channel, core) = match target.toolchain {
        Toolchain::Stable => (
            "rust-toolchain.toml pins",
            format!("https://static.rust-lang.org/dist/channel-rust-{release}.toml"),
            "its prebuilt rust-std",
        ),
        Toolchain::Nightly => (
            NIGHTLY,
            format!("https://static.rust-lang.org/dist/{}/channel-rust-nightly.toml", &NIGHTLY["nightly-".len()..]),
            "its rust-src, built with -Z build-std=core",
        ),
    };
    Ok(json!({
        "SPDXID": "SPDXRef-toolchain",
        "name": "rust",
        "versionInfo": version,
        "downloadLocation": channel,
        "filesAnalyzed": false,
        "licenseDeclared": "MIT OR Apache-2.0",
        "comment": format!(
            "the toolchain {pin} (xtask/src/targets.rs says which builds which): rustc {version} with LLVM \
             {llvm}, linking with its rust-lld; core and compiler_builtins for {} from {core}",
            target.triple
        ),
    }))
}

/// Each SBOM in target/dist: accepted by spdx-tools' validator (which rejects a broken copy, to show that
/// it validates), its crates exactly what `cargo tree` lists for the target's build, each crate's checksum
/// that of the crate file cargo downloaded, the binary's sha256 right, rustix's change said for MIPS alone,
/// and its digest the one the image index gives its platform.
pub fn check(built: &Dist) -> Result<Count> {
    let validator = validator()?;
    let dist = root().join("target/dist");
    let index: Value =
        serde_json::from_slice(&raw_index(&dist.join(ARCHIVE))?).map_err(|e| format!("the image index: {e}"))?;
    let read = |name: &str| -> Result<(Vec<u8>, Value)> {
        let bytes = std::fs::read(dist.join(name)).map_err(|e| format!("{name}: {e}"))?;
        let document = serde_json::from_slice(&bytes).map_err(|e| format!("{name}: {e}"))?;
        Ok((bytes, document))
    };
    let mut count = Count::default();
    for (target, binary) in &built.all {
        let name = file_name(target);
        // One check per document: a bad one does not hide the others.
        let one = || -> Result<()> {
            validate(&validator, &dist.join(&name))?;
            let (bytes, document) = read(&name)?;
            let packages = document["packages"].as_array().ok_or_else(|| format!("{name}: no packages"))?;
            let id = |package: &Value| package["SPDXID"].as_str().unwrap_or_default().to_owned();
            let crates: Vec<&Value> = packages.iter().filter(|p| id(p).starts_with("SPDXRef-crate-")).collect();
            let listed: BTreeSet<(String, String)> = crates
                .iter()
                .map(|p| {
                    (p["name"].as_str().unwrap_or("?").to_owned(), p["versionInfo"].as_str().unwrap_or("?").to_owned())
                })
                .collect();
            let tree = tree(target)?;
            if listed != tree {
                return Err(format!("{name} lists the crates {listed:?}; cargo tree says {tree:?}"));
            }
            for krate in crates.iter().filter(|p| p["name"] != "pidone") {
                let (krate_name, version) =
                    (krate["name"].as_str().unwrap_or("?"), krate["versionInfo"].as_str().unwrap_or("?"));
                let file = std::fs::read(downloaded(krate_name, version)?).map_err(|e| format!("{krate_name}: {e}"))?;
                if krate["checksums"][0]["checksumValue"] != dist::sha256_hex(&file).as_str() {
                    return Err(format!("{name}: {krate_name} {version}'s checksum is not its crate file's"));
                }
            }
            let binary_sha = dist::sha256_hex(&std::fs::read(binary).map_err(|e| format!("{e}"))?);
            let described = packages.iter().find(|p| id(p) == format!("SPDXRef-pidone-{}", target.arch));
            if described.map(|p| &p["checksums"][0]["checksumValue"]) != Some(&Value::from(binary_sha)) {
                return Err(format!("{name} does not give pidone-{}'s sha256", target.arch));
            }
            let patched = crates.iter().any(|p| p["name"] == "rustix" && p["sourceInfo"].is_string());
            match (patched, target.rustix_keeping_at()) {
                (true, false) => return Err(format!("{name} says rustix is changed; its build takes it as it is")),
                (false, true) => return Err(format!("{name} does not say how its build changes rustix")),
                _ => {}
            }
            let annotated = index["manifests"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|m| m["annotations"][ANNOTATION] == format!("sha256:{}", dist::sha256_hex(&bytes)).as_str())
                .count();
            if annotated != 1 {
                return Err(format!("{annotated} entries of the image index name {name}'s digest, not 1"));
            }
            println!(
                "{name}: valid SPDX 2.3; {} crates, as cargo tree lists them{}; named by {}'s entry in the image index",
                listed.len(),
                if patched { ", rustix's change for MIPS said" } else { "" },
                target.platform
            );
            Ok(())
        };
        count += counted(&name, one().map(|()| Count::ONE));
    }
    // The control: a copy without the toolchain, which a relationship still names.
    let (_, mut broken) = read(&file_name(&TARGETS[0]))?;
    broken["packages"].as_array_mut().ok_or("no packages")?.retain(|p| p["SPDXID"] != "SPDXRef-toolchain");
    let control = validator.join("control.spdx.json");
    std::fs::write(&control, broken.to_string()).map_err(|e| format!("{}: {e}", control.display()))?;
    let accepted = validate(&validator, &control).is_ok();
    let _ = std::fs::remove_file(&control);
    if accepted {
        return Err(
            "the validator accepts a relationship to an element the document lacks: it does not validate".into()
        );
    }
    println!("the validator rejects a copy that lacks the toolchain its relationships name");
    count += Count::ONE;
    Ok(count)
}

/// spdx-tools, installed from PyPI with pip into target/spdx-tools (once per version): that directory.
fn validator() -> Result<PathBuf> {
    setup::packages(&["python3", "pip3"])?;
    let dir = root().join("target/spdx-tools");
    if !dir.join(format!("spdx_tools-{VALIDATOR_VERSION}.dist-info")).is_dir() {
        let _ = std::fs::remove_dir_all(&dir);
        // --target installs beside the system's packages, which Debian 12's pip allows (no venv needed).
        status(
            Command::new("python3")
                .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--root-user-action=ignore"])
                .arg("--target")
                .arg(&dir)
                .arg(format!("spdx-tools=={VALIDATOR_VERSION}")),
        )?;
    }
    Ok(dir)
}

/// `pyspdxtools -i FILE`: parses the document and validates it against SPDX 2.3.
fn validate(validator: &Path, file: &Path) -> Result<()> {
    let out = Command::new(validator.join("bin/pyspdxtools"))
        .env("PYTHONPATH", validator)
        .arg("-i")
        .arg(file)
        .output()
        .map_err(|e| format!("cannot run pyspdxtools: {e}"))?;
    if !out.status.success() {
        return Err(format!("pyspdxtools rejects {}: {}", file.display(), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}

/// (name, version) of every package `cargo tree` shows in pidone's normal dependencies for `target`, built
/// as `dist` builds it.
fn tree(target: &Target) -> Result<BTreeSet<(String, String)>> {
    let out = dist::cargo(target)?
        .args(["tree", "--package", "pidone", "--target", target.triple, "--edges", "normal"])
        .args(["--prefix", "none", "--format", "{p}"])
        .output()
        .map_err(|e| format!("cannot run cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo tree failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut packages = BTreeSet::new();
    for line in text.lines() {
        let mut words = line.split(' ');
        match (words.next(), words.next().and_then(|v| v.strip_prefix('v'))) {
            (Some(name), Some(version)) => packages.insert((name.to_owned(), version.to_owned())),
            _ => return Err(format!("cargo tree's line {line:?}")),
        };
    }
    Ok(packages)
}

/// The crate file cargo downloaded for `name` `version`, in its registry cache.
fn downloaded(name: &str, version: &str) -> Result<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    let cache = home.join("registry/cache");
    let registries = std::fs::read_dir(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    registries
        .filter_map(|registry| Some(registry.ok()?.path().join(format!("{name}-{version}.crate"))))
        .find(|file| file.is_file())
        .ok_or_else(|| format!("no {name}-{version}.crate in {}", cache.display()))
}
