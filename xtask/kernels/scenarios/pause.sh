# -P, pause mode, as PID 1 of a PID namespace (a pod's pause process): the orphans that processes joining
# the namespace leave are reaped; USR1 does not end it, TERM does, with 0.
unshare -p -f --mount-proc /pidone -P &
unshare=$!
until_true 10 has_children $unshare || fail "unshare never started pidone"
pidone=$(children $unshare)

# Joins the namespace, leaves 20 orphans there, and waits until pidone has none left, as a zombie or not.
orphans() {
    nsenter -t $pidone -p -m sh -c 'i=0; while [ $i -lt 20 ]; do sleep 1 & i=$((i+1)); done'
    has_children $pidone || fail "the orphans never came to pidone"
    until_true 10 eval "! has_children $pidone" || fail "pidone still has children: $(children $pidone)"
}
orphans
kill -USR1 $pidone
orphans
[ -e /proc/$pidone ] || fail "USR1 ended pause mode"
kill -TERM $pidone
wait $unshare
status=$?
[ $status = 0 ] || fail "TERM ended pause mode with $status"
