# -r FROM:TO: TERM forwarded as QUIT, HUP dropped, WINCH as the TERM that ends the program; USR1 as it
# is. pidone runs in the foreground (the program traps QUIT, which a background job could not), a helper
# sends.
recorder QUIT HUP USR1
(
    until_true 10 [ -s $T/pidone ] || exit
    pidone=$(cat $T/pidone)
    for s in TERM:QUIT HUP USR1:USR1 WINCH:TERM; do
        kill -${s%:*} $pidone
        # HUP is dropped: USR1, sent after it, shows that it is past.
        [ $s = HUP ] || until_true 5 has $T/got ${s#*:} || {
            echo "SIG${s%:*} never reached the program as SIG${s#*:}" >$T/lost
            kill -KILL $pidone
            exit
        }
    done
) &
/pidone -r TERM:QUIT -r HUP:0 --rewrite WINCH:TERM -- sh $T/program.sh
status=$?
[ -e $T/lost ] && fail "$(cat $T/lost)"
[ $status = 42 ] || fail "pidone exited $status, not the program's 42"
got=$(cat $T/got)
[ "$(echo $got)" = "QUIT USR1 TERM" ] || fail "the program got $(echo $got)"
