//! `--user`'s resolution against /etc/passwd and /etc/group: no input may panic, and what it resolves to
//! is something the kernel takes as it means it: ids of at most 2^31-1 (-1 would mean "unchanged"), the
//! primary group first among at most GROUPS, and one NUL-terminated `HOME=` for the environment.
//!
//! Input: USER[:GROUP], the passwd file and the group file, NUL-separated (a missing part: no file).

#![no_main]

use libfuzzer_sys::fuzz_target;
use pidone::fuzz::{GROUPS, Home, resolve};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0);
    let spec = parts.next().unwrap_or_default();
    let (passwd, group) = (parts.next(), parts.next());
    let mut home = Home::new();
    if let Ok(ids) = resolve(spec, passwd, group, &mut home) {
        let highest = i32::MAX as u32;
        assert!(ids.uid <= highest && ids.gid <= highest);
        assert!((1..=GROUPS).contains(&ids.groups.len()));
        assert_eq!(ids.groups[0].as_raw(), ids.gid);
        assert!(ids.groups.iter().all(|g| g.as_raw() <= highest));
        assert!(home.starts_with(b"HOME=") && home.ends_with(b"\0"));
        assert_eq!(home.iter().filter(|&&c| c == 0).count(), 1, "one NUL, at the end");
    }
});
