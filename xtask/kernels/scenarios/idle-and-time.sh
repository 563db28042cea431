# Idle, pidone sleeps in rt_sigtimedwait and nothing wakes it: on the 32-bit kernels in the call's time64
# version (421: armv7, armv6, 386), on the 64-bit ones in the architecture's own. --grace 1 keeps time with
# the clock calls of the same family: it takes about a second.
case $(uname -m) in
i?86 | arm*) call=421 ;;
x86_64) call=128 ;;
aarch64 | riscv64) call=137 ;;
ppc64le) call=176 ;;
s390x) call=177 ;;
mips64) call=5126 ;;
*) fail "no rt_sigtimedwait number for $(uname -m)" ;;
esac

# The system call PID sleeps in, and its context switches so far.
in_call() {
    read -r number _ </proc/$1/syscall
    echo $number
}
switches() {
    n=0
    while read -r key value; do
        case $key in *ctxt_switches:) n=$((n + value)) ;; esac
    done </proc/$1/status
    echo $n
}

/pidone -- sleep 60 &
pidone=$!
until_true 10 eval '[ "$(in_call $pidone)" = $call ]' || fail "pidone idles in system call $(in_call $pidone), not $call"
before=$(switches $pidone)
sleep 1
[ $(switches $pidone) = $before ] || fail "idle pidone woke $(($(switches $pidone) - before)) times in a second"
kill $(children $pidone)
wait $pidone

begin=$(now)
/pidone --grace 1 -e 7 -v -- sh $(family ignore) 2>$T/err || fail "--grace 1 -e 7: exited $?: $(cat $T/err)"
took=$(($(now) - begin))
[ $took -ge 100 ] && [ $took -lt 500 ] || fail "--grace 1 took $took cs"
grep -q 'Grace period over' $T/err || fail "$(cat $T/err)"
