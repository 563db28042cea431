# pidone exits with its program's status: N, 128+N for a death by signal N (this architecture's N), and 0
# for a code given with -e, that one only.
for code in 0 1 2 7 42 126 127 128 200 254 255; do
    /pidone -- sh -c "exit $code"
    got=$?
    [ $got = $code ] || fail "exit $code came back as $got"
    /pidone -e $code -- sh -c "exit $code" || fail "-e $code, exit $code: $?"
    /pidone -e $(((code + 1) % 256)) -- sh -c "exit $code"
    got=$?
    [ $got = $code ] || fail "-e $(((code + 1) % 256)), exit $code came back as $got"
done
# exec: busybox sh ignores QUIT itself, and its exec'd programs do not.
for name in HUP INT QUIT ABRT KILL USR1 SEGV USR2 PIPE ALRM TERM; do
    /pidone -- sh -c "exec kill -$name \$\$"
    got=$?
    [ $got = $((128 + $(sig $name))) ] || fail "death by SIG$name came back as $got"
done
/pidone -e $((128 + $(sig TERM))) -- sh -c 'exec kill -TERM $$' || fail "-e 128+TERM: $?"
