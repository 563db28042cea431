# --grace: once the program has exited, the rest of the tree gets TERM, and SIGKILL when time is up. As PID
# 1 of a PID namespace, every other process there; below another init (the VM's pidone is PID 1), its own
# tree only: a process outside it is not signalled.

as_pid_1() {
    unshare -p -f /pidone "$@" 2>$T/err
}
took as_pid_1 --grace 20 -v -- sh $(family)
status=$?
[ $status = 7 ] || fail "as PID 1: exited $status, not the program's 7: $(cat $T/err)"
[ -e $T/cleaned ] || fail "as PID 1: the grandchild never cleaned up: $(cat $T/err)"
[ $took -lt 1000 ] || fail "as PID 1: waited $took cs, though everything had exited"
grep -q 'Sent SIGTERM to every other process in the namespace' $T/err || fail "$(cat $T/err)"

took as_pid_1 --grace 1 -e 7 -v -- sh $(family ignore) || fail "as PID 1, -e 7: exited $?: $(cat $T/err)"
[ $took -ge 100 ] && [ $took -lt 1000 ] || fail "as PID 1: --grace 1 took $took cs"
grep -q 'Grace period over' $T/err && grep -q 'Sent SIGKILL to every other process in the namespace' $T/err ||
    fail "$(cat $T/err)"

# Below another init, beside an outsider that records a TERM.
sh -c "trap 'echo signalled > $T/outsider' TERM; sleep 60 & wait \$!; kill \$!" &
outsider=$!
for handles in "" ignore; do
    rm -f $T/cleaned $T/grandchild
    if [ -z "$handles" ]; then grace=20; else grace=1; fi
    took /pidone -s -v --grace $grace -- sh $(family $handles) 2>$T/err
    status=$?
    [ $status = 7 ] || fail "below: exited $status, not the program's 7: $(cat $T/err)"
    gone $(cat $T/grandchild) || fail "below: the grandchild is still there"
    [ -e $T/outsider ] && fail "below: the process outside pidone's tree was signalled"
    if [ -z "$handles" ]; then
        [ -e $T/cleaned ] || fail "below: the grandchild never cleaned up: $(cat $T/err)"
        grep -q 'Sent SIGTERM to pid ' $T/err || fail "$(cat $T/err)"
    else
        [ $took -ge 100 ] || fail "below: --grace 1 took $took cs"
        grep -q 'Grace period over' $T/err && grep -q 'Sent SIGKILL to pid ' $T/err || fail "$(cat $T/err)"
    fi
done
kill $outsider
