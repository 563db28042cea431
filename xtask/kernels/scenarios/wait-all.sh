# --wait-all: once the program has exited, pidone waits for the rest of its tree and keeps the program's
# status, as PID 1 of a PID namespace and below another init (a subreaper); meanwhile a TERM sent to it
# passes to the rest, and with --grace, what ignores it is killed at the deadline.

for where in "unshare -p -f" ""; do
    took $where /pidone --wait-all -- sh -c 'sleep 0.5 & sleep 1 & exit 3' 2>$T/err
    status=$?
    [ $status = 3 ] || fail "${where:-below}: exited $status, not the program's 3: $(cat $T/err)"
    [ $took -ge 100 ] || fail "${where:-below}: left after $took cs, before the last sleep"
    [ -s $T/err ] && fail "${where:-below}: $(cat $T/err)"
done

# Below another init: the program leaves a helper (which takes TERM, or with `ignore` ignores it) and
# exits 5; then pidone gets a TERM.
for handles in "" ignore; do
    rm -f $T/helper $T/got
    if [ -z "$handles" ]; then
        on_term="echo TERM > $T/got; kill \$!; exit 0"
        flags=
    else
        on_term=
        flags="--grace 1"
    fi
    /pidone --wait-all -v $flags -- sh -c "sh -c 'trap \"$on_term\" TERM; echo \$\$ > $T/helper; sleep 60 & wait \$!; wait \$!' & exit 5" 2>$T/err &
    pidone=$!
    # The program has gone once pidone's only child is the helper.
    until_true 10 eval '[ -s $T/helper ] && [ "$(echo $(children $pidone))" = "$(cat $T/helper)" ]' ||
        fail "the program never left its helper alone: $(children $pidone)"
    begin=$(now)
    kill -TERM $pidone
    wait $pidone
    status=$?
    took=$(($(now) - begin))
    [ $status = 5 ] || fail "${handles:-handled}: exited $status, not the program's 5: $(cat $T/err)"
    if [ -z "$handles" ]; then
        [ "$(cat $T/got)" = TERM ] || fail "the TERM never reached the helper: $(cat $T/err)"
        [ $took -lt 500 ] || fail "took $took cs after the TERM"
    else
        [ $took -ge 100 ] || fail "left after $took cs, before the deadline"
        grep -q 'Grace period over' $T/err && grep -q 'Sent SIGKILL to pid ' $T/err || fail "$(cat $T/err)"
    fi
done
