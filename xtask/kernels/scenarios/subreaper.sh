# Below another init (here the VM's own pidone is PID 1), pidone is a subreaper by itself: its program's
# orphans come back to it, not to PID 1, and are reaped, 100 of them (-w: a line for each), asked with -s
# or not; no warning that reaping won't work.
cat >$T/program.sh <<'EOF'
. /lib.sh
sh -c '(sleep 0.2; read -r _ _ _ ppid _ < /proc/self/stat; echo $ppid > $T/ppid) &'
left=$(orphans 100)
until_true 20 [ -s $T/ppid ] || fail "the orphan never said who its parent is"
[ $(cat $T/ppid) = $PPID ] || fail "an orphan's parent is $(cat $T/ppid), not pidone ($PPID)"
until_true 20 gone $left || fail "$(zombies) zombies left"
EOF
for flags in "" -s; do
    rm -f $T/ppid
    /pidone -w $flags -- sh $T/program.sh 2>$T/err || fail "${flags:-no -s}: $(grep -v Reaped $T/err)"
    grep -q "zombie reaping won't work" $T/err && fail "${flags:-no -s}: $(cat $T/err)"
    reaped=$(grep -c '^\[WARN  pidone ([0-9]*)\] Reaped zombie process with pid=' $T/err)
    [ $reaped = 101 ] || fail "${flags:-no -s}: $reaped orphans reported reaped, not 101"
done
