# pidone as another user (nobody): it keeps its uid and gives the program no descriptor of its own (with -s,
# below another init), exactly as without it; and under RLIMIT_NPROC 1, which pidone reaches by itself, its
# fork fails: one FATAL line, exit 1.
report='id -u; exec ls /proc/self/fd'
with=$(su -s /bin/sh -c "/pidone -s -- sh -c '$report'" nobody 2>&1) || fail "pidone as nobody: $with"
without=$(su -s /bin/sh -c "sh -c '$report'" nobody 2>&1)
[ "$with" = "$without" ] || fail "uid and descriptors with pidone: $with; without: $without"
[ "${with%%
*}" = 65534 ] || fail "not nobody: $with"

su -s /bin/sh -c "ulimit -u 1; exec /pidone -- true" nobody 2>$T/err
status=$?
[ $status = 1 ] || fail "under RLIMIT_NPROC 1, pidone exited $status: $(cat $T/err)"
[ $(wc -l <$T/err) = 1 ] || fail "more than one line: $(cat $T/err)"
grep -q '^\[FATAL pidone ([0-9]*)\] fork failed: Resource temporarily unavailable$' $T/err ||
    fail "not the fork's FATAL line: $(cat $T/err)"
