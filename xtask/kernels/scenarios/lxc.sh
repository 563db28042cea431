# Under LXC (container=lxc, pidone PID 1 of the container's PID namespace), the halt signals LXC sends to
# PID 1, SIGPWR and SIGRTMIN+3 (37, glibc's numbering, as LXC's), reach the program as TERM.
for halt in PWR 37; do
    rm -f $T/got $T/ready
    container=lxc unshare -p -f /pidone -- sh -c "trap 'echo TERM > $T/got; exit 0' TERM
        trap 'echo $halt > $T/got; exit 1' $halt
        touch $T/ready; sleep 1000 & wait \$!" &
    unshare=$!
    until_true 10 [ -e $T/ready ] || fail "the program never started"
    kill -$halt $(children $unshare)
    wait $unshare
    status=$?
    [ "$(cat $T/got)" = TERM ] || fail "SIG$halt reached the program as $(cat $T/got) (pidone exited $status)"
    [ $status = 0 ] || fail "SIG$halt: pidone exited $status"
done
