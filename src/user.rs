//! `--user`: the program's process becomes another user between fork and exec (`spawn.rs`), after it has
//! taken the terminal: its groups, then its gid, then its uid (real, effective and saved ids alike), each
//! call checked, so that a failure ends it before the program starts, never with ids half dropped. Then
//! HOME. pidone itself keeps its ids, so it still signals and reaps whatever the program becomes.

use crate::cstrings::set_variable;
use crate::log::{self, Fatal};
use crate::passwd::{self, Home, MOST};
use core::cell::UnsafeCell;
use core::ffi::CStr;
use linux_raw_sys::general::{O_CLOEXEC, O_NONBLOCK, O_RDONLY};
use rustix::io::Errno;
use rustix::process::{Gid, Uid};
use rustix::thread::{set_thread_groups, set_thread_res_gid, set_thread_res_uid};

/// Becomes `spec` (USER[:GROUP]), and sets HOME to the user's home in `envp`, through `home`.
///
/// HOME is replaced, not only added: the one pidone got is its own user's (runc puts root's `/root` in
/// the environment of every container that runs as root), and the program's is the new user's, as
/// `docker run --user`, gosu and su-exec give it.
///
/// # Safety
/// As `cstrings::set_variable`'s, for `envp` and `home`; called once, in the program's process.
#[unsafe(link_section = ".text.cold")]
pub unsafe fn switch(spec: &[u8], envp: *mut *const u8, home: &mut Home) -> Result<(), Fatal> {
    // SAFETY: nothing else holds the buffers: they are this function's, called once per process.
    let [users, groups] = unsafe { &mut *FILES.0.get() };
    let users = whole(c"/etc/passwd", users).map_err(|e| refuse(spec, Some(e), b" (/etc/passwd)"))?;
    let groups = whole(c"/etc/group", groups).map_err(|e| refuse(spec, Some(e), b" (/etc/group)"))?;
    let ids = passwd::resolve(spec, users, groups, home).map_err(|problem| refuse(spec, None, problem.text()))?;
    let (uid, gid) = (Uid::from_raw(ids.uid), Gid::from_raw(ids.gid));
    set_thread_groups(&ids.groups)
        .and_then(|()| set_thread_res_gid(gid, gid, gid))
        .and_then(|()| set_thread_res_uid(uid, uid, uid))
        .map_err(|e| {
            refuse(spec, Some(e), if e == Errno::PERM { b" (needs root, or CAP_SETUID and CAP_SETGID)" } else { b"" })
        })?;
    // SAFETY: forwarded from the caller; `home` is `HOME=...` and its NUL (`passwd::resolve`).
    unsafe { set_variable(envp, home) };
    Ok(())
}

/// The contents of /etc/passwd and /etc/group, read by the program's process: in .bss, which costs the
/// file nothing and pidone no memory it touches (on the stack, 128 KiB of frame would cost MIPS, whose
/// instructions take 16-bit offsets, 700 bytes of address arithmetic).
static FILES: Files = Files(UnsafeCell::new([[0; MOST]; 2]));

struct Files(UnsafeCell<[[u8; MOST]; 2]>);

// SAFETY: pidone has one thread, and only `switch` touches the buffers.
unsafe impl Sync for Files {}

/// `Cannot run as SPEC: `, the error's text if any, then `why`.
#[unsafe(link_section = ".text.cold")]
fn refuse(spec: &[u8], e: Option<Errno>, why: &[u8]) -> Fatal {
    log::fatal(|l| {
        l.text(b"Cannot run as ").text(spec).text(b": ");
        if let Some(e) = e {
            l.errno(e);
        }
        l.text(why);
    })
}

/// The whole of file `path` in `buf`; EFBIG if it fills it.
#[unsafe(link_section = ".text.cold")]
fn whole<'b>(path: &CStr, buf: &'b mut [u8; MOST]) -> Result<Option<&'b [u8]>, Errno> {
    // O_NONBLOCK: a FIFO in the file's place reads as empty instead of waiting for a writer.
    let fd = match crate::sys::open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) {
        Err(Errno::NOENT) => return Ok(None),
        fd => fd?,
    };
    // One read: a regular file gives all it has, up to the buffer's size.
    match crate::sys::read(fd.raw(), buf)? {
        MOST => Err(Errno::FBIG),
        len => Ok(buf.get(..len)),
    }
}
