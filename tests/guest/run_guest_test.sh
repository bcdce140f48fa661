#!/usr/bin/env bash
# Boots one guest test ROM under Vireo and checks its verdict: the test writes EXIT_PASS (0x10)
# to the isa-debug-exit port, which makes Vireo exit with status 0x10 << 1 | 1 = 33; a failed
# check writes 0x11 (status 35) after printing why on the 0xE9 debug console. Anything else
# (a triple fault exits with 0 under -no-reboot, a crash, a hang) fails too. The console output
# is shown on failure.
# Usage: run_guest_test.sh VIREO ROM [TIER [TIMEOUT_SECONDS]]
# TIER (interp, llvm or tiered, optionally followed by more dbt properties such as
# ",threshold=N") becomes `-accel dbt,tier=TIER`, so that every test runs in each tier; empty or
# absent leaves Vireo's default.
set -u
vireo=$1
rom=$2
tier=${3:-}
limit=${4:-20}
accel=()
[[ -n $tier ]] && accel=(-accel "dbt,tier=$tier")
log=$(mktemp)
out=$(mktemp)
trap 'rm -f "$log" "$out"' EXIT
timeout "$limit" "$vireo" -bios "$rom" -m 32 -nographic -no-reboot "${accel[@]}" \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 -debugcon "file:$log" < /dev/null > "$out" 2>&1
status=$?
if [[ $status -eq 33 ]] && grep -q '^PASS ' "$log"; then
  cat "$log"
  exit 0
fi
case $status in
  33) why="exit status 33 without a PASS line" ;;
  35) why="a check failed" ;;
  124) why="timed out after ${limit}s (hang, or HLT with interrupts off)" ;;
  0) why="exit status 0: triple fault or reset (-no-reboot)" ;;
  *) why="exit status $status" ;;
esac
echo "FAILED: $(basename "$rom")${tier:+ (tier=$tier)}: $why"
echo "--- debug console ---"
cat "$log"
echo "--- vireo output ---"
cat "$out"
exit 1
