# Shared by the pkcs11 shell tests: a temp dir with a SoftHSM2 token of its
# own ($TOKEN, user PIN in $T/pin, mode 0600), its spec in $SPEC, cleanup.
# Sourced; expects $top_builddir and $top_srcdir (make check exports
# them). SoftHSM2 missing is a failure with the package to install, never
# a skip.
. "$top_srcdir/tests/common/shell.sh"

KEYS=$top_builddir/tools/awsv2-keys
SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
PIN=975310
TOKEN=awsv2-shell

MODULE=${SOFTHSM2_MODULE:-}
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
         /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so /usr/lib64/pkcs11/libsofthsm2.so \
         /usr/local/lib/softhsm/libsofthsm2.so; do
    [ -n "$MODULE" ] || [ ! -r "$m" ] || MODULE=$m
done
[ -n "$MODULE" ] && command -v softhsm2-util > /dev/null ||
    fail "SoftHSM2 is not installed (set SOFTHSM2_MODULE, or on Debian: apt-get install softhsm2)"

mkdir -m 700 "$T/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
    "$T/tokens" > "$T/softhsm2.conf"
export SOFTHSM2_CONF=$T/softhsm2.conf
export TSS2_LOG=all+NONE # tpm2-pkcs11, should p11-kit load it: no TPM here
unset AWSV2_PKCS11_PIN
softhsm2-util --init-token --free --label "$TOKEN" --so-pin 12345678 --pin "$PIN" > "$T/init.out" ||
    fail "softhsm2-util --init-token failed"
(umask 077; printf '%s\n' "$PIN" > "$T/pin")
SPEC="pkcs11:token=$TOKEN?module-path=$MODULE&pin-source=file:$T/pin"
