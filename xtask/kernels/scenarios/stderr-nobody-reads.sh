# A stderr nobody reads (a FIFO, full before pidone starts, whatever this kernel's page size makes a pipe
# hold): pidone -w -v still reaps 300 orphans and forwards a TERM at once; once the reader is back, its last
# line says how many lines it dropped: all 301 it had before.
mkfifo $T/fifo
# A description that reads and writes keeps the FIFO open, and so its contents, while nobody reads.
exec 3<>$T/fifo
cat /dev/zero >$T/fifo &
filler=$!
# waits_on PID WORD: PID sleeps on a pipe, to read or to write (pipe_write on 6.1, pipe_wait_writable on
# 6.12, anon_pipe_write on later kernels).
waits_on() {
    case $(cat /proc/$1/wchan) in *pipe*$2*) ;; *) return 1 ;; esac
}
until_true 10 waits_on $filler writ || fail "the FIFO never filled: $(cat /proc/$filler/wchan)"
kill $filler

cat >$T/program.sh <<'EOF'
i=0
while [ $i -lt 300 ]; do
    (sleep 0.1 >/dev/null &)
    i=$((i + 1))
done
trap 'echo cleaned > $T/cleaned' TERM
echo made > $T/made
sleep 1000 & wait $!
# The end comes when the scenario says: pidone's last line must find room.
while [ ! -e $T/end ]; do sleep 0.01; done
kill $!
wait $!
exit 0
EOF
/pidone -w -v -- sh $T/program.sh 2>$T/fifo &
pidone=$!
until_true 20 [ -e $T/made ] || fail "the program never made its orphans"
# Every orphan reaped: pidone's only child is the program.
until_true 20 eval '[ $(echo $(children $pidone) | wc -w) = 1 ]' || fail "pidone stopped reaping: $(children $pidone)"
kill -TERM $pidone
until_true 2 [ -e $T/cleaned ] || fail "the TERM did not reach the program within 2 s"

cat $T/fifo >$T/read 3<&- &
reader=$!
exec 3<&-
until_true 10 waits_on $reader read || fail "the reader never emptied the FIFO: $(cat /proc/$reader/wchan)"
touch $T/end
wait $pidone || fail "pidone exited $?"
until_true 10 ended $reader || fail "the reader never saw the end"
last=$(tr -d '\0' <$T/read | tail -n 1)
case $last in
*"] Main child exited normally (with status '0') (301 lines dropped: stderr full)") ;;
*) fail "the last line: $last" ;;
esac
