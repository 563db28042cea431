# Every catchable signal sent to pidone reaches its program: the classic ones; the fault signals, when
# another process sends them (a genuine fault is fault-in-pidone's); real-time ones up to this
# architecture's highest. pidone runs in the foreground (a background job starts with INT ignored for
# good), a helper sends.
signals="HUP INT QUIT USR1 USR2 WINCH CONT ALRM PIPE URG TSTP TTIN TTOU PWR ABRT SEGV BUS FPE ILL TRAP SYS 34 35 37 40 $RTMAX"
recorder $signals
(
    until_true 10 [ -s $T/pidone ] || exit
    pidone=$(cat $T/pidone)
    for s in $signals TERM; do
        kill -$s $pidone
        until_true 5 has $T/got $s || {
            echo "SIG$s never reached the program" >$T/lost
            kill -KILL $pidone
            exit
        }
    done
) &
/pidone -- sh $T/program.sh
status=$?
[ -e $T/lost ] && fail "$(cat $T/lost)"
[ $status = 42 ] || fail "pidone exited $status, not the program's 42"
