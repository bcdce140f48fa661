#!/bin/sh
# Assembles one guest test with lib.S into a 64 KiB ROM image for `vireo -bios`.
# Usage: build_rom.sh AS LD OBJCOPY OUTPUT TEST.S
set -eu
as=$1 ld=$2 objcopy=$3 out=$4 test=$5
src=$(dirname "$0")
tmp=$out.d
mkdir -p "$tmp"
"$as" --64 --fatal-warnings -I "$src" -o "$tmp/lib.o" "$src/lib.S"
"$as" --64 --fatal-warnings -I "$src" -o "$tmp/test.o" "$test"
"$ld" -m elf_x86_64 -nostdlib --no-warn-rwx-segments --fatal-warnings -T "$src/link.ld" \
  -o "$tmp/rom.elf" "$tmp/lib.o" "$tmp/test.o"
"$objcopy" -O binary "$tmp/rom.elf" "$out"
size=$(wc -c < "$out")
if [ "$size" -ne 65536 ]; then
  echo "build_rom.sh: $out is $size bytes, expected 65536" >&2
  exit 1
fi
