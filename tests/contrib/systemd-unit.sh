#!/usr/bin/env bash
# The awsv2-hsmd unit as configure's paths make it: systemd-analyze verify
# accepts it, systemd-analyze security scores it 2.5 or better (lower is
# safer), and it binds to the very device the udev rule creates, for both
# of the Due's USB ids. Skips (77) without systemd-analyze.
set -euo pipefail
: "${top_srcdir:?}" "${top_builddir:?}"
command -v systemd-analyze > /dev/null || { echo "no systemd-analyze: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# verify checks that ExecStart's program exists: point it at the build tree's.
sed "s|^ExecStart=[^ ]*/awsv2-hsmd |ExecStart=$top_builddir/daemon/awsv2-hsmd |" \
    "$top_builddir/contrib/systemd/awsv2-hsmd.service" > "$work/awsv2-hsmd.service"
grep -q "^ExecStart=$top_builddir/daemon/awsv2-hsmd " "$work/awsv2-hsmd.service" ||
    { echo "the unit has no ExecStart= of awsv2-hsmd"; exit 1; }
if grep -n '@[a-z_]*@' "$work/awsv2-hsmd.service"; then
    echo "unsubstituted configure variables in the unit"; exit 1
fi
(cd "$work" && systemd-analyze verify --man=no ./awsv2-hsmd.service) > "$work/verify" 2>&1 || {
    echo "systemd-analyze verify failed:"; cat "$work/verify"; exit 1; }
# Warnings are printed but do not fail verify; this unit must have none.
if [ -s "$work/verify" ]; then echo "systemd-analyze verify:"; cat "$work/verify"; exit 1; fi

(cd "$work" && systemd-analyze security --offline=yes --no-pager ./awsv2-hsmd.service) > "$work/security" 2>&1 || true
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$work/security")
[ -n "$score" ] || { echo "no score from systemd-analyze security:"; cat "$work/security"; exit 1; }
echo "systemd-analyze security: $score"
awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }' || {
    grep '✗' "$work/security" || true
    echo "exposure $score is above 2.5"; exit 1; }

# The udev rule names the device /dev/awsv2-due for 2341:003e and 2341:003d,
# tags it for systemd and makes it want the unit, which binds to that device.
rule="$top_srcdir/contrib/udev/60-awsv2-due.rules"
for want in 'idVendor}!="2341"' 'idProduct}=="003e"' 'idProduct}=="003d"' 'SYMLINK+="awsv2-due"' \
    'ENV{ID_MM_DEVICE_IGNORE}="1"' 'GROUP="awsv2-hsmd"' 'TAG+="systemd"' \
    'ENV{SYSTEMD_WANTS}+="awsv2-hsmd.service"'; do
    grep -qF "$want" "$rule" || { echo "udev rule lacks $want"; exit 1; }
done
device=$(systemd-escape --path --suffix=device /dev/awsv2-due)
grep -qxF "BindsTo=$device" "$work/awsv2-hsmd.service" ||
    { echo "the unit does not bind to $device"; exit 1; }
grep -q "due:/dev/awsv2-due" "$work/awsv2-hsmd.service" ||
    { echo "the unit does not sign with /dev/awsv2-due"; exit 1; }
# The user the unit runs as is the one sysusers.d creates and udev grants.
grep -qx 'User=awsv2-hsmd' "$work/awsv2-hsmd.service" &&
    grep -q '^u awsv2-hsmd ' "$top_srcdir/contrib/sysusers.d/awsv2-hsmd.conf" ||
    { echo "unit's User= and sysusers.d disagree"; exit 1; }
echo "unit verified, exposure $score, bound to $device"
