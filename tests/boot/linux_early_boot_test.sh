#!/usr/bin/env bash
# Boots Debian's kernel (from scripts/guest-images) under Vireo and checks how far it gets, marker
# by marker, on the serial line. Until x87/SSE exist the kernel stops at FPU detection, so this
# checks the stages before it: decompression, start_kernel, memory init, the 8250 console taking
# over, and timer interrupts (PIT -> PIC -> vCPU) driving the delay-loop calibration.
# Usage: linux_early_boot_test.sh VIREO GUEST_DIR
set -u
vireo=$1
guest=$2
if [[ ! -f "$guest/vmlinuz" || ! -f "$guest/initramfs.cpio.gz" ]]; then
  echo "skipped: no guest images in $guest (run scripts/guest-images)"
  exit 77
fi
log=$(mktemp)
trap 'rm -f "$log"; kill "$pid" 2>/dev/null' EXIT
"$vireo" -m 512 -kernel "$guest/vmlinuz" -initrd "$guest/initramfs.cpio.gz" \
  -append "console=ttyS0 earlyprintk=serial,ttyS0,115200 nokaslr" -nographic -no-reboot \
  < /dev/null > "$log" 2>&1 &
pid=$!
markers=(
  "Linux version 6.1"
  "BIOS-e820: \[mem 0x0000000000100000-0x000000001fffffff\] usable"
  "Memory: "
  "printk: console \[ttyS0\] enabled"
  "Calibrating delay loop"
  "x86/fpu:"
)
deadline=$((SECONDS + 240))
next=0
while (( next < ${#markers[@]} && SECONDS < deadline )); do
  if grep -q -- "${markers[$next]}" "$log"; then
    echo "reached: ${markers[$next]}"
    next=$((next + 1))
    continue
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 1
done
if (( next < ${#markers[@]} )); then
  echo "FAILED: did not reach '${markers[$next]}' (after ${SECONDS}s); serial output:"
  tail -40 "$log"
  exit 1
fi
echo "all ${#markers[@]} boot stages reached in ${SECONDS}s"
