//! The kernel's argument and environment vectors: NULL-terminated arrays of NUL-terminated strings,
//! which live, unchanged, as long as the process.

/// The bytes of a NUL-terminated string, without the NUL.
///
/// # Safety
/// `p` points to a NUL-terminated string that lives, unchanged, as long as the process (as the kernel's
/// argument and environment strings do).
pub unsafe fn cstr(p: *const u8) -> &'static [u8] {
    // SAFETY: forwarded from the caller.
    unsafe { core::ffi::CStr::from_ptr(p.cast()).to_bytes() }
}

/// The strings of such a vector, in order.
#[derive(Clone, Copy)]
pub struct CStrings(*const *const u8);

impl CStrings {
    /// # Safety
    /// `vector` is a NULL-terminated array of pointers to NUL-terminated strings, all of which live,
    /// unchanged, as long as the process (the kernel's argv and envp).
    pub unsafe fn new(vector: *const *const u8) -> CStrings {
        CStrings(vector)
    }

    /// The next string's pointer, without measuring the string.
    pub fn next_pointer(&mut self) -> Option<*const u8> {
        // SAFETY: the vector is NULL-terminated (`new`'s contract) and never read past the NULL.
        let p = unsafe { *self.0 };
        if p.is_null() {
            return None;
        }
        // SAFETY: `p` was not the NULL, so the next slot still belongs to the vector.
        self.0 = unsafe { self.0.add(1) };
        Some(p)
    }
}

impl Iterator for CStrings {
    type Item = &'static [u8];

    fn next(&mut self) -> Option<&'static [u8]> {
        // SAFETY: each pointer of the vector is a NUL-terminated string that lives as long as the process
        // (`new`'s contract).
        self.next_pointer().map(|p| unsafe { cstr(p) })
    }
}

/// The slot of the variable `name` in an environment vector, or else the slot of its closing NULL.
///
/// # Safety
/// As for `CStrings::new`.
pub unsafe fn variable_slot(envp: *mut *const u8, name: &[u8]) -> *mut *const u8 {
    let mut slot = envp;
    // SAFETY: the vector is NULL-terminated and each of its strings NUL-terminated (the caller's
    // contract); the loop stops at the NULL.
    unsafe {
        while !(*slot).is_null() {
            // The first byte first: most strings are not measured at all.
            if name.first() == Some(&**slot)
                && let Some((found, _)) = crate::bytes::split_once(cstr(*slot), b'=')
                && found == name
            {
                break;
            }
            slot = slot.add(1);
        }
    }
    slot
}

/// Sets the variable that `entry` (`NAME=value` and its NUL) names, in place of the one there is or
/// after the last.
///
/// # Safety
/// `envp` is this process's own copy of the kernel's environment vector, which the kernel follows with
/// the auxiliary vector (two words at least: its AT_NULL entry), which nothing in this process reads once
/// it is about to exec; appending writes its first word. `entry` lives until exec.
pub unsafe fn set_variable(envp: *mut *const u8, entry: &[u8]) {
    let name = crate::bytes::split_once(entry, b'=').map_or(entry, |(name, _)| name);
    // SAFETY: the caller's contract; a slot past the NULL is the auxiliary vector's first word.
    unsafe {
        let slot = variable_slot(envp, name);
        if (*slot).is_null() {
            *slot.add(1) = core::ptr::null();
        }
        *slot = entry.as_ptr();
    }
}
