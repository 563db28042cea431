# A genuine fault in pidone is not swallowed, though pidone blocks every signal: with its code overwritten
# (through /proc/PID/mem, which root may write past the page protection), pidone dies of the fault as soon
# as it runs again. A fault signal that is only sent is forwarded instead (signals.sh).
/pidone -- sleep 60 &
pidone=$!
until_true 10 has_children $pidone || fail "pidone never started its program"
program=$(children $pidone)
while read -r range perms _ _ _ path; do
    [ "$perms" = r-xp ] && [ "$path" = /pidone ] && break
done </proc/$pidone/maps
[ "$path" = /pidone ] || fail "no code of /pidone in its maps: $(cat /proc/$pidone/maps)"
start=$((0x${range%-*}))
pages=$(((0x${range#*-} - start) / 4096))
# 0xff bytes: an undefined instruction, or a store to a bad address, on every architecture here; where it is
# neither, the run off the end of the code faults.
tr '\0' '\377' </dev/zero | head -c $((pages * 4096)) >$T/ff
dd if=$T/ff of=/proc/$pidone/mem bs=4096 seek=$((start / 4096)) conv=notrunc 2>$T/dd || fail "dd: $(cat $T/dd)"
kill -USR1 $pidone
wait $pidone
status=$?
kill $program
for fault in SEGV ILL BUS TRAP FPE; do
    [ $status = $((128 + $(sig $fault))) ] && exit 0
done
fail "pidone ended with $status, not a fault"
