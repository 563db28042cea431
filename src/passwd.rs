//! `--user USER[:GROUP]` resolved against /etc/passwd and /etc/group as Docker resolves its own `--user`
//! (runc's rules, which gosu follows too): names or numbers; the primary group from the user's entry
//! unless GROUP is given; supplementary groups from /etc/group membership, only when it is not; a number
//! without an entry is that uid with group 0; HOME from the entry, `/` without one. Like Docker, the
//! program's groups are its primary group, then the supplementary ones.
//!
//! Pure: it gets the files' contents (`user.rs` reads them), so that the host's tests and the fuzzer can
//! give it anything. A line is skipped, as the libcs skip it, when it has too few fields, an id that is
//! not a decimal number of at most 2^31-1, or a NUL byte (runc reads such an id as 0, which would make
//! root of any broken entry).

use crate::bytes::{number, split, split_once};
use rustix::process::Gid;

/// The most bytes read of either file: a larger one is an error rather than a partial read (or, from a
/// device such as /dev/zero, a read that never ends).
pub const MOST: usize = 64 << 10;
/// The most groups the program gets (its primary group included).
pub const GROUPS: usize = 64;
/// The longest HOME taken from an entry: the kernel's PATH_MAX.
const HOME: usize = 4096;
/// The highest id accepted: a uid_t of -1 (2^32-1) means "unchanged" to the kernel.
const HIGHEST_ID: u32 = i32::MAX as u32;

/// Why USER[:GROUP] cannot be resolved.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Problem {
    NoSuchUser,
    NoSuchGroup,
    /// A number above 2^31-1.
    OutOfRange,
    /// A name, and no /etc/passwd (or /etc/group) to look it up in.
    NoPasswd,
    NoGroup,
    TooManyGroups,
}

impl Problem {
    /// What the line saying so says.
    pub fn text(self) -> &'static [u8] {
        match self {
            Problem::NoSuchUser => b"no such user in /etc/passwd",
            Problem::NoSuchGroup => b"no such group in /etc/group",
            Problem::OutOfRange => b"an id above 2147483647",
            Problem::NoPasswd => b"a name, and no /etc/passwd",
            Problem::NoGroup => b"a group name, and no /etc/group",
            Problem::TooManyGroups => b"in more groups than pidone sets (64)",
        }
    }
}

/// What the program's process becomes.
#[derive(Debug, PartialEq, Eq)]
pub struct Ids {
    pub uid: u32,
    pub gid: u32,
    /// The primary group first, then the supplementary ones.
    pub groups: heapless::Vec<Gid, GROUPS>,
}

/// `HOME=<the user's home>` and its NUL, for the program's environment.
pub type Home = heapless::Vec<u8, { HOME + 6 }>;

/// Resolves `spec` (USER[:GROUP]) with the contents of /etc/passwd and /etc/group (`None`: missing),
/// writing the user's HOME into `home`.
#[unsafe(link_section = ".text.cold")]
pub fn resolve(spec: &[u8], passwd: Option<&[u8]>, group_file: Option<&[u8]>, home: &mut Home) -> Result<Ids, Problem> {
    let (user, group) = split_once(spec, b':').unwrap_or((spec, b""));
    // An empty USER is uid 0's entry, as for runc.
    let user_id = if user.is_empty() { Some(0) } else { id(user)? };
    let group_id = id(group)?;

    // The user: the first entry that matches, by uid for a number, else by name.
    let mut entry = None;
    for line in lines(passwd) {
        let Some(found) = passwd_entry(line) else { continue };
        if user_id.map_or(found.name == user, |uid| found.uid == uid) {
            entry = Some(found);
            break;
        }
    }
    let (uid, mut gid, home_dir) = match (&entry, user_id) {
        (Some(entry), _) => (entry.uid, entry.gid, entry.home),
        (None, Some(uid)) => (uid, 0, &b"/"[..]),
        (None, None) if passwd.is_none() => return Err(Problem::NoPasswd),
        (None, None) => return Err(Problem::NoSuchUser),
    };
    set_home(home, home_dir);

    // The groups: GROUP's entry when given; else the user's own, then every group that lists the user.
    if !group.is_empty() {
        let mut explicit = group_id;
        for line in lines(group_file) {
            let Some(found) = group_entry(line) else { continue };
            if group_id.map_or(found.name == group, |gid| found.gid == gid) {
                explicit = Some(found.gid);
                break;
            }
        }
        gid = match explicit {
            Some(gid) => gid,
            None if group_file.is_none() => return Err(Problem::NoGroup),
            None => return Err(Problem::NoSuchGroup),
        };
    }
    let mut groups = heapless::Vec::new();
    let mut too_many = groups.push(Gid::from_raw(gid)).is_err();
    if let (Some(entry), b"") = (&entry, group) {
        for line in lines(group_file) {
            let Some(found) = group_entry(line) else { continue };
            if split(found.members, b',').any(|member| member == entry.name) {
                too_many |= groups.push(Gid::from_raw(found.gid)).is_err();
            }
        }
    }
    if too_many {
        return Err(Problem::TooManyGroups);
    }
    Ok(Ids { uid, gid, groups })
}

/// The lines of a file's contents; a missing file has no entries.
fn lines(file: Option<&[u8]>) -> impl Iterator<Item = &[u8]> {
    split(file.unwrap_or_default(), b'\n')
}

/// A USER or GROUP that is a number: `None` for a name (anything but digits), an error above 2^31-1.
#[unsafe(link_section = ".text.cold")]
fn id(s: &[u8]) -> Result<Option<u32>, Problem> {
    match number(s) {
        Some(id) if id <= HIGHEST_ID => Ok(Some(id)),
        // Digits that do not fit a u32 are a number too.
        None if s.is_empty() || !s.iter().all(u8::is_ascii_digit) => Ok(None),
        _ => Err(Problem::OutOfRange),
    }
}

/// `HOME=dir`, NUL-terminated; a `dir` too long for it is cut.
fn set_home(home: &mut Home, dir: &[u8]) {
    home.clear();
    let _ = home.extend_from_slice(b"HOME=");
    let _ = home.extend_from_slice(dir.get(..HOME).unwrap_or(dir));
    let _ = home.push(0);
}

/// An /etc/passwd entry: `name:password:uid:gid:gecos:home:shell`.
struct PasswdEntry<'a> {
    name: &'a [u8],
    uid: u32,
    gid: u32,
    home: &'a [u8],
}

/// An /etc/group entry: `name:password:gid:member,member`.
struct GroupEntry<'a> {
    name: &'a [u8],
    gid: u32,
    members: &'a [u8],
}

#[unsafe(link_section = ".text.cold")]
fn passwd_entry(line: &[u8]) -> Option<PasswdEntry<'_>> {
    let mut fields = fields(line)?;
    let name = fields.next()?;
    let uid = entry_id(fields.nth(1)?)?;
    let gid = entry_id(fields.next()?)?;
    let home = fields.nth(1)?;
    // The shell, which may not be missing (nor, then, its colon).
    fields.next()?;
    Some(PasswdEntry { name, uid, gid, home })
}

#[unsafe(link_section = ".text.cold")]
fn group_entry(line: &[u8]) -> Option<GroupEntry<'_>> {
    let mut fields = fields(line)?;
    let name = fields.next()?;
    let gid = entry_id(fields.nth(1)?)?;
    let members = fields.next()?;
    Some(GroupEntry { name, gid, members })
}

/// The colon-separated fields of a line without its surrounding white space (runc trims it); `None` for
/// a line holding a NUL.
#[unsafe(link_section = ".text.cold")]
fn fields(line: &[u8]) -> Option<impl Iterator<Item = &[u8]>> {
    let start = line.iter().position(|c| !c.is_ascii_whitespace())?;
    let end = line.iter().rposition(|c| !c.is_ascii_whitespace())?;
    let line = line.get(start..=end)?;
    #[allow(clippy::manual_contains)] // `contains` brings core's memchr: 170 bytes more
    if line.iter().any(|&c| c == 0) {
        return None;
    }
    Some(split(line, b':'))
}

fn entry_id(field: &[u8]) -> Option<u32> {
    number(field).filter(|&id| id <= HIGHEST_ID)
}

#[cfg(test)]
#[path = "../tests/common/users.rs"]
mod users;

#[cfg(test)]
mod tests {
    use super::*;

    use super::users::{GROUP, PASSWD};

    type Resolved = Result<(u32, u32, Vec<u32>, String), Problem>;

    fn resolve_with(spec: &str, passwd: Option<&str>, group: Option<&str>) -> Resolved {
        let mut home = Home::new();
        let ids = resolve(spec.as_bytes(), passwd.map(str::as_bytes), group.map(str::as_bytes), &mut home)?;
        let home = String::from_utf8(home.strip_suffix(&[0]).unwrap().to_vec()).unwrap();
        Ok((ids.uid, ids.gid, ids.groups.iter().map(|g| g.as_raw()).collect(), home))
    }

    fn debian(spec: &str) -> Resolved {
        resolve_with(spec, Some(PASSWD), Some(GROUP))
    }

    #[test]
    fn as_docker_resolves_its_user() {
        let home = |h: &str| format!("HOME={h}");
        assert_eq!(debian("1000"), Ok((1000, 0, vec![0], home("/"))));
        assert_eq!(debian("1000:1000"), Ok((1000, 1000, vec![1000], home("/"))));
        assert_eq!(debian("nobody"), Ok((65534, 65534, vec![65534], home("/nonexistent"))));
        assert_eq!(debian("postgres"), Ok((101, 104, vec![104, 103], home("/var/lib/postgresql"))));
        assert_eq!(debian("101"), Ok((101, 104, vec![104, 103], home("/var/lib/postgresql"))));
        assert_eq!(debian("postgres:daemon"), Ok((101, 1, vec![1], home("/var/lib/postgresql"))));
        assert_eq!(debian("postgres:103"), Ok((101, 103, vec![103], home("/var/lib/postgresql"))));
        assert_eq!(debian("postgres:5000"), Ok((101, 5000, vec![5000], home("/var/lib/postgresql"))));
        assert_eq!(debian("0"), Ok((0, 0, vec![0], home("/root"))));
        assert_eq!(debian("root"), Ok((0, 0, vec![0], home("/root"))));
        assert_eq!(debian(":daemon"), Ok((0, 1, vec![1], home("/root"))));
        assert_eq!(debian("postgres:"), debian("postgres"));
        assert_eq!(debian("007"), Ok((7, 0, vec![0], home("/"))));
        let highest = i32::MAX as u32;
        assert_eq!(debian("2147483647:2147483647"), Ok((highest, highest, vec![highest], home("/"))));
    }

    #[test]
    fn what_cannot_be_resolved() {
        assert_eq!(debian("nosuchuser"), Err(Problem::NoSuchUser));
        assert_eq!(debian("postgres:nosuchgroup"), Err(Problem::NoSuchGroup));
        assert_eq!(debian("2147483648"), Err(Problem::OutOfRange));
        assert_eq!(debian("1:4294967295"), Err(Problem::OutOfRange));
        assert_eq!(debian("99999999999999999999"), Err(Problem::OutOfRange));
        assert_eq!(debian("-1"), Err(Problem::NoSuchUser));
        // Without the files (a scratch image): numbers work, names say which file is missing.
        assert_eq!(resolve_with("1000:1000", None, None), Ok((1000, 1000, vec![1000], "HOME=/".into())));
        assert_eq!(resolve_with("1000", None, None), Ok((1000, 0, vec![0], "HOME=/".into())));
        assert_eq!(resolve_with("app", None, None), Err(Problem::NoPasswd));
        assert_eq!(resolve_with("1000:app", Some(PASSWD), None), Err(Problem::NoGroup));
        let postgres = resolve_with("postgres", Some(PASSWD), None);
        assert_eq!(postgres, Ok((101, 104, vec![104], "HOME=/var/lib/postgresql".into())));
    }

    #[test]
    fn malformed_lines_are_skipped() {
        let passwd = "short:x:5:5\n\
            letters:x:abc:5::/l:/bin/sh\n\
            big:x:4294967295:5::/b:/bin/sh\n\
            huge:x:2147483648:5::/b:/bin/sh\n\
            nul:x:6:6::/n\0:/bin/sh\n\
            noshell:x:7:7::/h\n\
            \n   \n\
            #comment\n\
            good:x:8:9:gecos:/good:/bin/sh\n\
            good:x:10:10::/second:/bin/sh\n  spaced:x:11:11::/s:/bin/sh  \n\
            last:x:12:12::/last:/bin/sh";
        let group = "g:x:notanumber:good\nshort:x:50\nbig:x:2147483648:good\nok:x:51:other,good\nnul:x:52:good\0\n";
        for name in ["short", "letters", "big", "huge", "nul", "noshell", "#comment"] {
            assert_eq!(resolve_with(name, Some(passwd), Some(group)), Err(Problem::NoSuchUser));
        }
        assert_eq!(resolve_with("5", Some(passwd), Some(group)), Ok((5, 0, vec![0], "HOME=/".into())));
        // The first entry wins; trimmed lines and a last line without newline count.
        assert_eq!(resolve_with("good", Some(passwd), Some(group)), Ok((8, 9, vec![9, 51], "HOME=/good".into())));
        assert_eq!(resolve_with("spaced", Some(passwd), Some(group)), Ok((11, 11, vec![11], "HOME=/s".into())));
        assert_eq!(resolve_with("12", Some(passwd), Some(group)), Ok((12, 12, vec![12], "HOME=/last".into())));
        // A home longer than a path can be is cut to one.
        let long = format!("long:x:1:1::/{}:/bin/sh\n", "x".repeat(2 * HOME));
        let (.., home) = resolve_with("long", Some(&long), None).unwrap();
        assert_eq!(home.len(), "HOME=".len() + HOME);
    }

    #[test]
    fn group_membership_is_exact_and_bounded() {
        let group = "a:x:20:app2,xapp\nb:x:21:app\nc:x:22:other,app,more\nd:x:23:\n";
        let passwd = "app:x:1000:1000::/home/app:/bin/sh\n";
        let app = resolve_with("app", Some(passwd), Some(group));
        assert_eq!(app, Ok((1000, 1000, vec![1000, 21, 22], "HOME=/home/app".into())));
        let many: String = (0..GROUPS).map(|i| format!("g{i}:x:{}:app\n", 3000 + i)).collect();
        assert_eq!(resolve_with("app", Some(passwd), Some(&many)), Err(Problem::TooManyGroups));
        let fits: String = (0..GROUPS - 1).map(|i| format!("g{i}:x:{}:app\n", 3000 + i)).collect();
        let said = String::from_utf8(Problem::TooManyGroups.text().to_vec()).unwrap();
        assert!(said.contains(&format!("({GROUPS})")), "{said}");
        assert_eq!(resolve_with("app", Some(passwd), Some(&fits)).map(|r| r.2.len()), Ok(GROUPS));
    }
}
