# What every scenario has (init.sh sources it first): busybox sh, run as a file of its own, which fails by
# printing why and exiting non-zero. Every wait is bounded.

fail() {
    echo "$*"
    exit 1
}

# until_true SECONDS COMMAND...: runs COMMAND every 10 ms until it succeeds; false after SECONDS.
until_true() {
    deadline=$(($(now) + $1 * 100))
    shift
    until "$@"; do
        [ $(now) -lt $deadline ] || return 1
        sleep 0.01
    done
}

# has FILE TEXT: FILE holds a line TEXT.
has() {
    grep -qx "$2" "$1" 2>/dev/null
}

# Centiseconds since boot.
now() {
    read -r up _ </proc/uptime
    hundredths=${up#*.}
    echo $((${up%.*} * 100 + ${hundredths#0}))
}

# zombies [PARENT]: how many zombies there are (only PARENT's, if given).
zombies() {
    parent=$1
    n=0
    for f in /proc/[0-9]*/stat; do
        read -r line <"$f" 2>/dev/null || continue
        set -- ${line##*) }
        [ "$1" = Z ] && { [ -z "$parent" ] || [ "$2" = "$parent" ]; } && n=$((n + 1))
    done
    echo $n
}

# children PID: PID's children.
children() {
    cat /proc/$1/task/$1/children 2>/dev/null
}

# has_children PID: PID has a child, or a zombie it has not reaped.
has_children() {
    [ -n "$(children $1)" ]
}

# took COMMAND...: runs it, and says in $took how many centiseconds that took.
took() {
    begin=$(now)
    "$@"
    status=$?
    took=$(($(now) - begin))
    return $status
}

# orphans N: leaves N orphans (each a sleep of 0.1 s whose parent is gone at once); prints their pids.
orphans() {
    i=0
    while [ $i -lt $1 ]; do
        echo $(sleep 0.1 >/dev/null & echo $!)
        i=$((i + 1))
    done
}

# recorder SIGNALS: writes $T/program.sh, which puts each signal it gets on a line of $T/got, and on TERM
# ends with 42; it writes its parent's pid (pidone's) to $T/pidone first.
recorder() {
    cat >$T/program.sh <<EOF
for s in $*; do trap "echo \$s >> $T/got" \$s; done
trap 'echo TERM >> $T/got; kill \$idle; exit 42' TERM
echo \$PPID > $T/pidone
sleep 1000 & idle=\$!
while :; do wait \$idle; done
EOF
}

# ended PID: PID has exited (its parent may not have reaped it yet).
ended() {
    read -r line 2>/dev/null </proc/$1/stat || return 0
    set -- ${line##*) }
    [ "$1" = Z ]
}

# gone PID...: none of them is left, not even as a zombie.
gone() {
    for p in "$@"; do
        [ -e /proc/$p ] && return 1
    done
    return 0
}

# A signal's number here (MIPS numbers its own way); real-time ones by number, as busybox has no names.
sig() {
    kill -l "$1"
}

# The highest real-time signal: MIPS has 127 of them.
case $(uname -m) in
mips*) RTMAX=127 ;;
*) RTMAX=64 ;;
esac

# A scratch directory of the scenario's own, which the programs it writes source this file for too.
if [ -z "$T" ]; then
    export T=/tmp/${0##*/}
    rm -rf "$T"
    mkdir -p "$T"
fi

# family: a program that starts a grandchild and exits 7 at once; the grandchild starts its sleep, writes
# its pid (so that the whole family exists before the program exits, and a signal pidone sends then reaches
# all of it), then cleans up on TERM (writes `cleaned`, exits) or, with `ignore`, ignores TERM; either way it
# would live 60 s.
family() {
    rm -f $T/grandchild $T/cleaned
    if [ "$1" = ignore ]; then on_term=""; else on_term="echo cleaned > $T/cleaned; exit 0"; fi
    cat >"$T/family.sh" <<EOF
sh -c 'trap "$on_term" TERM; sleep 60 & echo \$\$ > $T/grandchild; wait \$!; wait \$!' &
i=0; while [ ! -s $T/grandchild ] && [ \$i -lt 3000 ]; do sleep 0.01; i=\$((i+1)); done
exit 7
EOF
    echo "$T/family.sh"
}
