#!/usr/bin/env bash
# Boots Debian's kernel with the busybox initramfs (scripts/guest-images) under Vireo, as a user
# would: `vireo -m 512 -kernel vmlinuz -initrd initramfs.cpio.gz -append console=ttyS0
# -nographic`. Commands are typed into the serial line once the shell prompt appears, and their
# output is checked: uname -a, sha256sum of a file, a shell loop, mount, ls /proc. Then
# `poweroff -f` must make Vireo exit with status 0 (ACPI S5 through the PM1 control register).
# Usage: linux_shell_test.sh VIREO GUEST_DIR [VIREO_ARGS...]
# VIREO_ARGS are added to Vireo's command line, e.g. `-accel dbt,tier=interp` to boot in one tier.
set -u
vireo=$1
guest=$2
shift 2
extra=("$@")
if [[ ! -f "$guest/vmlinuz" || ! -f "$guest/initramfs.cpio.gz" ]]; then
  echo "skipped: no guest images in $guest (run scripts/guest-images)"
  exit 77
fi
work=$(mktemp -d)
log=$work/serial.log
mkfifo "$work/in"
cleanup() {
  exec 3>&- 2>/dev/null
  kill "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
"$vireo" -m 512 -kernel "$guest/vmlinuz" -initrd "$guest/initramfs.cpio.gz" \
  -append "console=ttyS0" -nographic "${extra[@]}" < "$work/in" > "$log" 2>&1 &
pid=$!
((${#extra[@]})) && echo "vireo arguments: ${extra[*]}"
exec 3> "$work/in"
start=$SECONDS

fail() {
  echo "FAILED: $1 (after $((SECONDS - start))s); serial output:"
  tail -n 60 "$log"
  exit 1
}

# wait_for PATTERN SECONDS: until the serial log matches the extended regex.
wait_for() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    if grep -Eq -- "$1" "$log"; then return 0; fi
    kill -0 "$pid" 2>/dev/null || fail "Vireo exited while waiting for '$1'"
    sleep 1
  done
  fail "did not see '$1'"
}

# run COMMAND PATTERN: types the command and waits for the pattern in its output.
run() {
  printf '%s\n' "$1" >&3
  wait_for "$2" "${LINUX_SHELL_COMMAND_SECONDS:-120}"
  echo "ok: $1"
}

# LINUX_SHELL_BOOT_SECONDS: a longer wait for the prompt (tier=llvm compiles every block before
# it runs, and boots in about a quarter of an hour).
wait_for 'vireo# ' "${LINUX_SHELL_BOOT_SECONDS:-400}"
echo "shell prompt after $((SECONDS - start))s"

run 'uname -a' 'Linux vireo 6\.1\.[0-9]+-[0-9]+-amd64 .* x86_64'
# The hash of "vireo checks sha256\n", computed here on the host.
want=$(printf 'vireo checks sha256\n' | sha256sum | cut -d' ' -f1)
run "printf 'vireo checks sha256\\n' > /tmp/f; sha256sum /tmp/f" "^$want  /tmp/f"
run 'i=0; s=0; while [ $i -lt 1000 ]; do s=$((s + i * i)); i=$((i + 1)); done; echo "loop sum $s"' \
  'loop sum 332833500'
run 'mount' '^proc on /proc type proc'
run 'ls /proc' 'cpuinfo.*meminfo|meminfo'
run 'grep -c "^flags.*sse2" /proc/cpuinfo' '^1'

printf 'poweroff -f\n' >&3
deadline=$((SECONDS + 60))
while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 1; done
kill -0 "$pid" 2>/dev/null && fail "poweroff -f did not stop Vireo"
wait "$pid"
status=$?
((status == 0)) || fail "Vireo exited with status $status after poweroff -f"
echo "poweroff -f: Vireo exited with status 0 after $((SECONDS - start))s"
