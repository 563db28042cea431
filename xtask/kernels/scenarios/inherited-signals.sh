# What pidone's parent ignored (INT, TTOU, SEGV) stays ignored for the program's children, exactly as
# without pidone. (An ignored CHLD busybox cannot pass on: its sh catches CHLD whatever the trap says.)

# mask_has MASK SIGNAL...: the SigIgn value has each signal's bit.
mask_has() {
    # The last 8 hex digits (MIPS has 128 signals): each of these is below 32.
    mask=$((0x${1#${1%????????}}))
    shift
    for s in "$@"; do
        [ $((mask >> ($(sig $s) - 1) & 1)) = 1 ] || return 1
    done
}

echo "sh -c 'grep SigIgn /proc/self/status'" >$T/report.sh
with=$(sh -c "trap '' INT TTOU SEGV; exec /pidone -- sh $T/report.sh")
without=$(sh -c "trap '' INT TTOU SEGV; exec sh $T/report.sh")
[ "$with" = "$without" ] || fail "the grandchild's $with; without pidone $without"
set -- $with
mask_has $2 INT TTOU SEGV || fail "INT, TTOU, SEGV are not all ignored in the grandchild: $with"

