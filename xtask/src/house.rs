//! `cargo xtask house`: what ARCHITECTURE.md states about the code, held against the code. Its code map
//! names every file of `src/` and nothing that is not there, in an order in which each file uses only
//! files below it (the rooms' order); its table of architectures is `targets.rs`'s; and no code outside
//! `src/arch/` asks which architecture it is built for.

use crate::cmd::{Count, Result, root, run_all};
use crate::markdown::{Table, bytes, quoted};
use crate::targets::{TARGETS, Toolchain};
use std::collections::BTreeSet;
use std::path::Path;

/// The one code map row that stands for several files: each architecture's own.
const EACH_ARCH: &str = "src/arch/<arch>.rs";

/// The cfgs that ask which architecture the code is built for.
const ARCH_CFGS: [&str; 2] = ["target_arch", "target_pointer_width"];

pub fn check() -> Result<Count> {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).map_err(|e| format!("ARCHITECTURE.md: {e}"))?;
    Ok(run_all(&[
        ("the code map: every file of src/, in an order where each uses only files below it", &|| code_map(&doc)),
        ("the architectures' table: targets.rs's rows", &|| architectures(&doc)),
        ("no architecture's cfg outside src/arch/", &arch_cfgs_fenced),
    ]))
}

/// The rows of ARCHITECTURE.md's table under `heading`.
fn table<'d>(doc: &'d str, heading: &str) -> Result<Vec<Vec<&'d str>>> {
    Ok(Table::under(doc, "ARCHITECTURE.md", heading)?.rows)
}

fn code_map(doc: &str) -> Result<()> {
    let rows = table(doc, "## Code map")?;
    let paths: Vec<&str> = rows.iter().filter_map(|row| quoted(row.first()?)).collect();
    let listed: BTreeSet<&str> = paths.iter().copied().collect();
    let files = source_files(&root().join("src"))?;
    let mut errors = Vec::new();
    // Each file's room: its own row, or the architectures' row.
    let mut room = std::collections::BTreeMap::new();
    for file in &files {
        match paths.iter().position(|p| p == file) {
            Some(at) => room.insert(file.clone(), at),
            None if file.starts_with("src/arch/") && listed.contains(EACH_ARCH) => {
                room.insert(file.clone(), paths.iter().position(|p| *p == EACH_ARCH).unwrap_or_default())
            }
            None => {
                errors.push(format!("{file} has no row"));
                None
            }
        };
    }
    for path in &paths {
        let here = *path == EACH_ARCH || root().join(path.trim_end_matches('/')).exists();
        if !here {
            errors.push(format!("{path} has a row but is not there"));
        }
    }
    for (file, &at) in &room {
        let text = std::fs::read_to_string(root().join(file)).map_err(|e| format!("{file}: {e}"))?;
        for used in uses(file, &text) {
            let Some(&used_at) = room.get(&used) else { continue };
            if used_at < at {
                errors.push(format!("{file} uses {used}, which is above it"));
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors.join("; ")) }
}

/// Every `.rs` file under `dir`, as a path from the root.
fn source_files(dir: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            files.extend(source_files(&path)?);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let relative = path.strip_prefix(root()).map_err(|e| e.to_string())?;
            files.push(relative.to_string_lossy().into_owned());
        }
    }
    files.sort();
    Ok(files)
}

/// The files of `src/` that `file` uses: the modules it names through `crate::`, `super::` (beside it)
/// or `pidone::` (the binary's way into the library), and those it declares with `mod`.
fn uses(file: &str, text: &str) -> BTreeSet<String> {
    let dir = Path::new(file).parent().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
    let module = |dir: &str, name: &str| {
        [format!("{dir}/{name}.rs"), format!("{dir}/{name}/mod.rs")].into_iter().find(|path| root().join(path).exists())
    };
    let mut used = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or_default();
        for (prefix, from) in [("crate::", "src"), ("pidone::", "src"), ("super::", dir.as_str())] {
            for (at, _) in code.match_indices(prefix) {
                let rest = &code[at + prefix.len()..];
                // `prefix{a, b}` names several (on one line, as rustfmt leaves short lists).
                let names = match rest.strip_prefix('{') {
                    Some(list) => list.split('}').next().unwrap_or_default(),
                    None => rest,
                };
                for name in names.split(',') {
                    let name: String = name.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    used.extend(module(from, &name));
                }
            }
        }
        // A `mod` declaration's file is below its parent's: in src/ for lib.rs and main.rs, beside mod.rs.
        if let Some(name) = code.trim_start().trim_start_matches("pub ").strip_prefix("mod ") {
            let children = if file.ends_with("mod.rs") { dir.clone() } else { "src".to_string() };
            used.extend(module(&children, name.trim_end_matches(';').trim()));
        }
    }
    used.remove(file);
    used
}

fn architectures(doc: &str) -> Result<()> {
    let rows = table(doc, "## Architectures")?;
    let mut errors = Vec::new();
    if rows.len() != TARGETS.len() {
        errors.push(format!("{} rows for {} targets", rows.len(), TARGETS.len()));
    }
    for (row, target) in rows.iter().zip(&TARGETS) {
        let cell = |i: usize| row.get(i).copied().unwrap_or_default();
        let file = format!("pidone-{}", target.arch);
        let toolchain = match target.toolchain {
            Toolchain::Stable => "stable",
            Toolchain::Nightly => "nightly, `build-std`",
        };
        let budget = bytes(cell(4));
        let said = (quoted(cell(0)), cell(1).split(' ').next(), quoted(cell(2)), cell(3), budget);
        let is = (Some(file.as_str()), Some(target.platform), Some(target.triple), toolchain, Some(target.budget));
        if said != is {
            errors.push(format!("the row for {file} says {said:?}, targets.rs {is:?}"));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors.join("; ")) }
}

fn arch_cfgs_fenced() -> Result<()> {
    let mut found = Vec::new();
    for file in source_files(&root().join("src"))? {
        if file.starts_with("src/arch/") {
            continue;
        }
        let text = std::fs::read_to_string(root().join(&file)).map_err(|e| format!("{file}: {e}"))?;
        for (n, line) in text.lines().enumerate() {
            if line.contains("cfg") && ARCH_CFGS.iter().any(|cfg| line.contains(cfg)) {
                found.push(format!("{file}:{}", n + 1));
            }
        }
    }
    if found.is_empty() { Ok(()) } else { Err(format!("at {}", found.join(", "))) }
}
