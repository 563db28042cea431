# -g: a signal sent to pidone reaches its program's whole process group, a grandchild too; without -g, the
# program alone.
for flags in -g ""; do
    rm -f $T/got $T/grandchild $T/ready
    cat >$T/program.sh <<EOF
trap 'echo program >> $T/got' USR1
sh -c 'trap "echo grandchild >> $T/got" USR1; trap "kill \\\$!; exit 0" TERM; echo \$\$ > $T/grandchild; sleep 1000 & wait \$!; wait \$!' &
while [ ! -s $T/grandchild ]; do sleep 0.01; done
echo ready > $T/ready
wait \$!
wait \$!
EOF
    /pidone $flags -- sh $T/program.sh &
    pidone=$!
    until_true 10 [ -e $T/ready ] || fail "the program never started its grandchild"
    kill -USR1 $pidone
    until_true 5 has $T/got program || fail "$flags: USR1 never reached the program"
    if [ -n "$flags" ]; then
        until_true 5 has $T/got grandchild || fail "-g: USR1 never reached the grandchild"
    else
        sleep 0.2
        has $T/got grandchild && fail "without -g, USR1 reached the grandchild"
    fi
    kill -TERM $(cat $T/grandchild)
    wait $pidone
done
