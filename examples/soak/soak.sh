#!/usr/bin/env bash
# The demo's memory over time: runs the demo jar at its default rate in -Xmx1g for MINUTES minutes
# (default 60) with a dashboard viewer subscribed to every series, and once a minute forces a full GC
# and records the live heap, the resident set size and the thread count in samples.csv.
#
#   ./mvnw -q -pl examples -am package -DskipTests && examples/soak/soak.sh [MINUTES] [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
minutes="${1:-60}"
out="${2:-$(mktemp -d /tmp/datacascade-soak-XXXX)}"
mkdir -p "$out"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cp "$here/../target/datacascade-demo.jar" "$out/"   # a rebuild during the run must not change it
cd "$out"
java -Xmx1g -jar datacascade-demo.jar --http-port "$port" --status-every 60 > demo.out 2>&1 &
demo=$!
trap 'kill -TERM $demo 2>/dev/null || true; kill $viewer 2>/dev/null || true' EXIT
until grep -q "Live dashboard" demo.out; do sleep 1; kill -0 $demo; done
java "$here/SoakViewer.java" "ws://localhost:$port/ws" > viewer.out 2>&1 &
viewer=$!
echo "time,elapsed_s,rss_kb,heap_used_after_gc_kb,threads" > samples.csv
start=$(date +%s)
for _ in $(seq 1 "$minutes"); do
  sleep 60
  jcmd $demo GC.run > /dev/null
  sleep 2
  used=$(jcmd $demo GC.heap_info | grep -o "used [0-9]*K" | head -1 | grep -o "[0-9]*")
  rss=$(awk '/VmRSS/ {print $2}' /proc/$demo/status)
  threads=$(ls /proc/$demo/task | wc -l)
  echo "$(date -u +%H:%M:%S),$(( $(date +%s) - start )),$rss,$used,$threads" >> samples.csv
done
kill -TERM $demo   # like Ctrl-C (a background job of a script ignores SIGINT)
wait $demo || true
tail -n +2 samples.csv | awk -F, 'NR==1{h0=$4; r0=$3} {h=$4; r=$3; if($4>hmax)hmax=$4; if($3>rmax)rmax=$3}
  END {printf "heap after GC: first %d KB, last %d KB, max %d KB; RSS: first %d KB, last %d KB, max %d KB\n", h0, h, hmax, r0, r, rmax}'
echo "samples: $out/samples.csv"
