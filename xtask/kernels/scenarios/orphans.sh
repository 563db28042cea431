# A storm of orphans, with pidone as PID 1 of a PID namespace: 300 of them, all reaped, no zombie left, and
# with -w a line for each.
cat >$T/program.sh <<'EOF'
. /lib.sh
until_true 20 gone $(orphans 300) || fail "$(zombies) zombies left"
EOF
unshare -p -f --mount-proc /pidone -w -- sh $T/program.sh 2>$T/err || fail "$(grep -v Reaped $T/err)"
[ $(grep -c '^\[WARN  pidone (1)\] Reaped zombie process with pid=' $T/err) = 300 ] ||
    fail "$(grep -c Reaped $T/err) orphans reported reaped, not 300"
