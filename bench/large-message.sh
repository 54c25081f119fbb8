#!/usr/bin/env bash
# How much memory does a large mail cost the gateway? Starts target/mail-gateway.jar with a small heap,
# drops one .eml of SIZE_MB (a base64 attachment) into its pickup folder, waits until the capture outbox
# has it, and prints the heap and RSS the gateway used, sampled every 200 ms, next to its heap after start.
#
#   mvn -B package -DskipTests && bench/large-message.sh            # 50 MB mail, -Xmx144m
#   SIZE_MB=25 HEAP=96m bench/large-message.sh
#
# "heap peak" counts garbage not yet collected, so it grows with -Xmx; the telling figure is how small a
# heap still works. On a 2-core VM (JDK 17, G1), a 50 MB mail went through with HEAP=72m: 53 MiB in use
# after start, a peak of 60 MiB, RSS 282 MiB. (Before issue 4 the gateway held it three times and died at
# -Xmx144m.)
#
# Run from the repository folder (routes/ and artemis-config/ are read from there). Data goes to
# target/bench-large-*/ (never the system temp dir, which the gateway refuses). Needs a JDK (jcmd, jstat).
set -euo pipefail

SIZE_MB=${SIZE_MB:-50}
HEAP=${HEAP:-144m}
JAR=target/mail-gateway.jar
[ -f "$JAR" ] || { echo "$JAR missing: run mvn -B package -DskipTests first" >&2; exit 1; }

DATA=$(pwd)/target/bench-large-$(date +%Y%m%d-%H%M%S)
mkdir -p "$DATA/pickup" "$DATA/tmp"
LOG=$DATA/gateway.log

GATEWAY_DATA_DIR=$DATA GATEWAY_SMTP_RELAY_PORT=0 GATEWAY_SMTP_SUBMISSION_PORT=0 GATEWAY_SMTP_SMTPS_PORT=0 \
GATEWAY_JMS_PORT=0 SERVER_PORT=0 GATEWAY_DELIVERY_MODE=capture \
GATEWAY_PICKUP_POLL_INTERVAL=200ms GATEWAY_PICKUP_STABLE_TIME=500ms \
  java "-Xmx$HEAP" -XX:+ExitOnOutOfMemoryError "-Djava.io.tmpdir=$DATA/tmp" -jar "$JAR" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT

until grep -q "relay listener on" "$LOG"; do
  kill -0 $PID 2>/dev/null || { echo "gateway exited, see $LOG" >&2; exit 1; }
  sleep 0.5
done

# heap in use (KB): survivor + eden + old, from jstat -gc
heap_kb() { jstat -gc "$PID" 2>/dev/null | awk 'NR==2 { printf "%d", $3 + $4 + $6 + $8 }'; }
rss_kb() { ps -o rss= -p "$PID" | tr -d ' '; }

jcmd "$PID" GC.run >/dev/null
sleep 1
BASE_HEAP=$(heap_kb)
BASE_RSS=$(rss_kb)

# the mail: headers, then base64 lines with CRLF, written elsewhere and renamed into the folder
MAIL=$DATA/large.eml
RAW=$(( (SIZE_MB * 1024 * 1024 - 4096) * 3 / 4 * 76 / 78 ))   # just under SIZE_MB MiB with the headers
{
  printf 'From: <bench@example.com>\r\nTo: <ops@example.net>\r\nSubject: large mail bench\r\n'
  printf 'Message-ID: <bench-%s@example.com>\r\nMIME-Version: 1.0\r\n' "$(date +%s)"
  printf 'Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n'
  head -c "$RAW" /dev/urandom | base64 -w 76 | sed 's/$/\r/'
} >"$MAIL"
SIZE=$(stat -c %s "$MAIL")
SHA=$(sha256sum <"$MAIL" | cut -d' ' -f1)

PEAK_HEAP=0
PEAK_RSS=0
START=$(date +%s.%N)
mv "$MAIL" "$DATA/pickup/large.eml"
DELIVERED=""
while [ -z "$DELIVERED" ]; do
  kill -0 $PID 2>/dev/null || { echo "gateway exited (OutOfMemoryError?), see $LOG" >&2; exit 1; }
  H=$(heap_kb); R=$(rss_kb)
  [ "${H:-0}" -gt "$PEAK_HEAP" ] && PEAK_HEAP=$H
  [ "${R:-0}" -gt "$PEAK_RSS" ] && PEAK_RSS=$R
  DELIVERED=$(ls "$DATA"/outbox/*.eml 2>/dev/null | head -1 || true)
  if ls "$DATA"/pickup/failed/*.reason.txt >/dev/null 2>&1; then
    echo "the mail was refused:" >&2; cat "$DATA"/pickup/failed/*.reason.txt >&2; exit 1
  fi
  sleep 0.2
done
END=$(date +%s.%N)

# the outbox file: X-Envelope lines and the Received header on top, then the mail byte for byte
SAME=$( [ "$(tail -c "$SIZE" "$DELIVERED" | sha256sum | cut -d' ' -f1)" = "$SHA" ] && echo yes || echo NO )

printf 'mail               %d bytes (%.1f MiB), delivered byte-exact: %s\n' "$SIZE" "$(awk "BEGIN { print $SIZE / 1048576 }")" "$SAME"
printf 'heap limit         -Xmx%s\n' "$HEAP"
printf 'heap after start   %d MiB (after a full GC)\n' $(( BASE_HEAP / 1024 ))
printf 'heap peak          %d MiB (sampled every 200 ms while the mail went through)\n' $(( PEAK_HEAP / 1024 ))
printf 'RSS after start    %d MiB\n' $(( BASE_RSS / 1024 ))
printf 'RSS peak           %d MiB\n' $(( PEAK_RSS / 1024 ))
printf 'pickup to outbox   %.1f s\n' "$(awk "BEGIN { print $END - $START }")"
sleep 1 # the delivery's spool file goes once the attempt is over
printf 'spool left behind  %s file(s)\n' "$(ls "$DATA/spool" | wc -l)"
rm -f "$DATA/pickup/processed"/*/large.eml "$DELIVERED"
