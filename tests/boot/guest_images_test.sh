#!/usr/bin/env bash
# tests/boot/guest_images_test.sh GUEST_DIR
#
# Quick sanity check of the guest images that scripts/guest-images caches
# (GUEST_DIR is what `scripts/guest-images --print-dir` prints). It does not
# boot anything; it checks that the files are there and well-formed, so a
# broken cache is reported as such rather than as a mysterious boot failure.
#
# Exit status: 0 all good, 1 something is wrong, 77 skipped (no images yet:
# run scripts/guest-images first), 2 usage error.
set -euo pipefail
export LC_ALL=C

if (($# != 1)); then
    echo "usage: $0 GUEST_DIR" >&2
    exit 2
fi
dir=$1

if [[ ! -e $dir/vmlinuz && ! -e $dir/initramfs.cpio.gz ]]; then
    echo "SKIP: no guest images in $dir (build them with scripts/guest-images)"
    exit 77
fi

passed=0 failed=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then
        echo "ok - $what"
        passed=$((passed + 1))
    else
        echo "not ok - $what"
        failed=$((failed + 1))
    fi
}

# The x86 boot protocol puts the "HdrS" signature at offset 0x202 of a bzImage.
has_bzimage_magic() {
    [[ -s $1 ]] && [[ $(dd if="$1" bs=1 skip=$((0x202)) count=4 2>/dev/null) == HdrS ]]
}
nonempty() { [[ -s $1 ]]; }
gzip_ok() { gzip -t "$1" 2>/dev/null; }
release_ok() { [[ -s $1 && $(cat "$1") =~ ^[0-9]+\.[0-9]+.*-amd64$ ]]; }

check "vmlinuz has the bzImage HdrS magic at 0x202" has_bzimage_magic "$dir/vmlinuz"
check "kernel config is present" nonempty "$dir/config"
check "kernel-version looks like a release string" release_ok "$dir/kernel-version"
check "initramfs.cpio.gz is valid gzip" gzip_ok "$dir/initramfs.cpio.gz"

# Listing: cpio -tv shows types and device numbers. cpio is not Essential on
# Debian, so without it fall back to looking for the names in the raw archive.
listing=''
if command -v cpio >/dev/null && gzip_ok "$dir/initramfs.cpio.gz"; then
    listing=$(gzip -dc "$dir/initramfs.cpio.gz" | cpio -itv 2>/dev/null || true)
    has_entry() { grep -Eq "$1" <<<"$listing"; }
    check "initramfs has an executable /init" has_entry '^-rwx.* init$'
    check "initramfs has /bin/busybox" has_entry '^-rwx.* bin/busybox$'
    check "initramfs has dev/console as char device 5,1" has_entry '^c.* 5, +1 .* dev/console$'
    check "initramfs has dev/null as char device 1,3" has_entry '^c.* 1, +3 .* dev/null$'
    for applet in bin/sh bin/mount sbin/poweroff; do
        check "initramfs links $applet to busybox" has_entry " $applet -> /bin/busybox\$"
    done
else
    # grep -c, not -q: -q would stop reading early and, with pipefail, the
    # SIGPIPE'd gzip would turn a match into a failure.
    raw_has() { (($(gzip -dc "$dir/initramfs.cpio.gz" 2>/dev/null | grep -acF "$1") > 0)); }
    check "initramfs names init (cpio not installed: name check only)" raw_has init
    check "initramfs names dev/console (cpio not installed: name check only)" raw_has dev/console
fi

echo "$passed passed, $failed failed"
((failed == 0))
