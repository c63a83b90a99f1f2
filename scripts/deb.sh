#!/usr/bin/env bash
# Builds the Debian packages from a clean copy of the tree, runs lintian on
# them, installs them and runs the demo with the installed programs:
#   scripts/deb.sh [OUTPUT_DIR]     (default: build-deb/; the .debs land there)
# The copy (the files git knows, committed or not) keeps dpkg-buildpackage,
# which builds in its source tree, away from this tree and its build dirs.
# DEB_BUILD_OPTIONS defaults to nocheck: scripts/test.sh has run the suite.
# Set AWSV2_DEB_KEEP=1 to leave the packages installed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$top/build-deb}" && cd "${1:-$top/build-deb}" && pwd)
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-nocheck}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

. "$top/scripts/lib.sh"

echo "== deb: copying the tree"
mkdir "$work/libawsv2"
(cd "$top" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
    tar --null -T - -cf -) | tar -C "$work/libawsv2" -xf -
rm -rf "$work/libawsv2/debian/.debhelper" "$work/libawsv2/build-deb"

echo "== deb: dpkg-buildpackage -us -uc -b (DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS)"
(cd "$work/libawsv2" && dpkg-buildpackage -us -uc -b -j"$(nproc)") > "$work/build.log" 2>&1 || {
    tail -n 100 "$work/build.log" >&2; exit 1; }
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out/"
ls -l "$out"/*.deb

echo "== deb: lintian"
# Prints everything it finds; only errors fail.
lintian --info --display-info --fail-on error "$out"/*.changes

echo "== deb: installing"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$out"/*.deb \
    > "$work/install.log" 2>&1 || { cat "$work/install.log" >&2; exit 1; }
packages=$(for d in "$out"/*.deb; do dpkg-deb -f "$d" Package; done)
uninstall() {
    [ "${AWSV2_DEB_KEEP:-}" = 1 ] || $sudo env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $packages > /dev/null
}

echo "== deb: the demo with the installed programs"
for p in ec2-describe-instances sqs-send awsv2-sign awsv2-keys awsv2-hsmd awsv2-due-emu awsv2-mock; do
    [ "$(command -v $p)" = "/usr/bin/$p" ] || { echo "$p is not installed in /usr/bin" >&2; uninstall; exit 1; }
    man -w "$p" > /dev/null || { echo "no man page for $p" >&2; uninstall; exit 1; }
done
man -w 3 libawsv2 > /dev/null
getent passwd awsv2-hsmd > /dev/null || { echo "no awsv2-hsmd user" >&2; uninstall; exit 1; }
cat > "$work/aws-keys" <<'KEYS'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
KEYS
/usr/bin/awsv2-mock --credentials "$work/aws-keys" > "$work/mock.out" &
pids+=($!)
/usr/bin/awsv2-due-emu --import-credentials "$work/aws-keys" > "$work/due.out" &
pids+=($!)
endpoint=$(first_line "$work/mock.out")
device=$(first_line "$work/due.out")
if ! env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_PROFILE -u LD_LIBRARY_PATH \
    HOME="$work" AWS_SHARED_CREDENTIALS_FILE="$work/none" AWS_CONFIG_FILE="$work/none" \
    /usr/bin/ec2-describe-instances --signer "due:$device" --endpoint "$endpoint" --region us-east-1 \
    > "$work/listing"; then
    uninstall; exit 1
fi
cat "$work/listing"
[ -s "$work/listing" ] || { echo "deb: the installed ec2-describe-instances listed nothing" >&2; uninstall; exit 1; }
# The library the programs use is the packaged one.
libs=$(ldd /usr/bin/ec2-describe-instances)
grep -qE "libawsv2.so.1 => (/usr)?/lib/[^ ]*/libawsv2.so.1" <<< "$libs" ||
    { echo "$libs" >&2; uninstall; exit 1; }
# A program built against the -dev package, with pkg-config.
printf '#include <awsv2/awsv2.h>\n#include <stdio.h>\nint main(void) { puts(awsv2_version()); return 0; }\n' > "$work/v.c"
cc "$work/v.c" $(pkg-config --cflags --libs awsv2) -o "$work/v" && "$work/v"
uninstall
echo "== deb: $(echo $packages) built, no lintian errors, installed and run"
