#!/usr/bin/env bash
# Installs the Debian packages libawsv2 needs to build and test (Debian 12).
# Runs apt-get only when something is missing; uses sudo when not root.
set -euo pipefail

packages=(
    build-essential autoconf automake libtool pkg-config make
    libssl-dev libcurl4-openssl-dev libxml2-dev libserialport-dev
    libmicrohttpd-dev libjson-c-dev check
    gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
    abigail-tools
    clang libclang-rt-14-dev
    python3 python3-botocore python3-requests
    curl procps
    scdoc bash-completion systemd
    debhelper lintian fakeroot adduser man-db
    softhsm2 libp11-kit-dev p11-kit p11-kit-modules
    swtpm swtpm-tools tpm2-tools tpm2-abrmd libtss2-tcti-tabrmd0 dbus
    libtpm2-pkcs11-1 libtpm2-pkcs11-tools
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
