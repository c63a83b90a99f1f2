#!/usr/bin/env bash
# The pool's unit template, awsv2-hsmd@.service, as configure's paths make
# it: an instance passes systemd-analyze verify without a warning, scores
# 2.5 or better in systemd-analyze security (lower is safer), runs the
# daemon with its configuration file's options and devices, and is bound
# to no device (a pool outlives the loss of one). Skips (77) without
# systemd-analyze.
set -euo pipefail
: "${top_srcdir:?}" "${top_builddir:?}"
command -v systemd-analyze > /dev/null || { echo "no systemd-analyze: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unit=$top_builddir/contrib/systemd/awsv2-hsmd@.service

# verify checks that ExecStart's program exists: point it at the build tree's.
sed "s|^ExecStart=[^ ]*/awsv2-hsmd |ExecStart=$top_builddir/daemon/awsv2-hsmd |" "$unit" \
    > "$work/awsv2-hsmd@.service"
grep -qx "ExecStart=$top_builddir/daemon/awsv2-hsmd \$HSMD_OPTIONS \$HSMD_DEVICES" \
    "$work/awsv2-hsmd@.service" || { echo "ExecStart= is not the daemon with the pool's variables"; exit 1; }
if grep -n '@[a-z_]*@' "$work/awsv2-hsmd@.service"; then
    echo "unsubstituted configure variables in the unit"; exit 1
fi
grep -q '^EnvironmentFile=/.*/awsv2/hsmd-%i.conf$' "$work/awsv2-hsmd@.service" ||
    { echo "no EnvironmentFile= per instance"; exit 1; }
if grep -q '^BindsTo=' "$work/awsv2-hsmd@.service"; then
    echo "a pool's unit must not be bound to one device"; exit 1
fi
cp "$work/awsv2-hsmd@.service" "$work/awsv2-hsmd@pool.service"
(cd "$work" && systemd-analyze verify --man=no ./awsv2-hsmd@pool.service) > "$work/verify" 2>&1 || {
    echo "systemd-analyze verify failed:"; cat "$work/verify"; exit 1; }
if [ -s "$work/verify" ]; then echo "systemd-analyze verify:"; cat "$work/verify"; exit 1; fi

(cd "$work" && systemd-analyze security --offline=yes --no-pager ./awsv2-hsmd@pool.service) \
    > "$work/security" 2>&1 || true
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$work/security")
[ -n "$score" ] || { echo "no score from systemd-analyze security:"; cat "$work/security"; exit 1; }
awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }' || {
    grep '✗' "$work/security" || true
    echo "exposure $score is above 2.5"; exit 1; }
grep -qx 'User=awsv2-hsmd' "$work/awsv2-hsmd@.service" ||
    { echo "the unit does not run as awsv2-hsmd"; exit 1; }
echo "pool unit verified, exposure $score"
