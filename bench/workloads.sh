#!/bin/sh
# The workloads of bench/run, run by the guest's /init (vireo.script=) and natively with busybox
# sh. Each is framed by BENCH-BEGIN/BENCH-END lines that the host timestamps as they arrive, so
# the guest's own clock never matters. Inputs are made before the markers.
dir=${BENCH_DIR:-/bench}
tmp=${BENCH_TMP:-/tmp}
head -c 33554432 /dev/urandom > "$tmp/data"  # 32 MiB in tmpfs
seq 1 280000 > "$tmp/text"                   # about 1.9 MB of text for gzip
echo BENCH-BEGIN sha256
sha256sum "$tmp/data" > /dev/null
echo BENCH-END sha256
echo BENCH-BEGIN gzip
gzip -c "$tmp/text" > "$tmp/text.gz"
echo BENCH-END gzip
echo BENCH-BEGIN loop
i=0
while [ $i -lt 20000 ]; do i=$((i + 1)); done
echo BENCH-END loop
echo BENCH-BEGIN compute
"$dir/compute"
echo BENCH-END compute
rm -f "$tmp/data" "$tmp/text" "$tmp/text.gz"
