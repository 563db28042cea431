//! Debian's /etc/passwd and /etc/group lines for the users Docker's `--user` was measured with
//! (build-and-run.md §12). One file for the unit tests of `src/passwd.rs`, the integration tests and xtask's
//! images (each includes it by path), so that all three hold pidone to the same users.

pub const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\n\
    daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n\
    postgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n\
    nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
pub const GROUP: &str = "root:x:0:\ndaemon:x:1:\nssl-cert:x:103:postgres\npostgres:x:104:\nnogroup:x:65534:\n";
