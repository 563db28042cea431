# The program of pidone as the VM's PID 1, the kernel's init (`rdinit=/pidone -- /bin/busybox sh /init.sh`).
# It runs every scenario in turn, each in a shell of its own with a deadline, and prints a line for each
# (`cargo xtask kernels` reads them off the console); then checks pidone as PID 1 itself, and exits 42,
# which the kernel reports in its panic line. Scenarios run in the foreground: a background job would start
# with INT and QUIT ignored for good.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
. /lib.sh
echo "pidone-vm: linux $(uname -r)"

for s in /scenarios/*.sh; do
    name=${s##*/}
    name=${name%.sh}
    start=$(now)
    T= timeout 120 sh -c '. /lib.sh && . "$0"' "$s" >"/tmp/$name.out" 2>&1
    status=$?
    took=$(($(now) - start))
    took="$((took / 100)).$((took / 10 % 10)) s"
    if [ $status = 0 ]; then
        echo "pidone-vm: ok $name ($took)"
    else
        echo "pidone-vm: FAIL $name ($took, exit $status): $(tail -n 1 "/tmp/$name.out")"
        sed 's/^/pidone-vm: | /' "/tmp/$name.out"
    fi
done

# pidone as the kernel's init: what is sent to PID 1 reaches its program (this shell, so that its traps are
# the ones that run), classic and real-time signals; the VM's orphans come back to it and are reaped.
pid1() {
    [ $$ != 1 ] || { echo "this script is PID 1 itself: no init runs it"; return 1; }
    signals="HUP INT QUIT TERM USR1 USR2 PWR WINCH 34 37 $RTMAX"
    for s in $signals; do
        trap "echo $s >> $T/got" $s
    done
    for s in $signals; do
        kill -$s 1
        until_true 5 has $T/got $s || { echo "SIG$s sent to PID 1 never reached its program"; return 1; }
        trap - $s
    done
    until_true 10 gone $(orphans 100) || { echo "PID 1 left $(zombies 1) zombies"; return 1; }
}
T=/tmp/pid-1-of-the-vm
mkdir -p $T
if pid1 >$T/out 2>&1; then
    echo "pidone-vm: ok pid-1-of-the-vm"
else
    echo "pidone-vm: FAIL pid-1-of-the-vm: $(cat $T/out)"
fi
exit 42
