#!/usr/bin/env bash
# Scale-out bench (issue 10): two gateways on an Artemis live/backup replication pair, all on loopback.
#
#   bench/scale-out/run.sh            (from anywhere; needs Java 17, Maven, python3; ~2 GB RAM)
#
# 1. downloads org.apache.activemq:apache-artemis:2.40.0:tar.gz:bin from Maven Central (mvn dependency:copy),
# 2. creates a replicated live/backup pair with `artemis create` and merges artemis-config/external/*.xml
#    into their broker.xml (what the README tells operators to do), user "gateway" in role mail-gateway,
# 3. starts two gateways (java -jar target/mail-gateway.jar, capture mode: every delivered mail is a file in
#    the gateway's outbox) with GATEWAY_BROKER_URL listing both brokers,
# 4. measures SMTP acceptance with one gateway, then with two,
# 5. sends a stream through both SMTP listeners, kills gateway 1 (SIGKILL), then the live broker (SIGKILL),
# 6. checks the ledger: every Message-ID acknowledged with 250 is in some outbox; counts duplicates.
# Exit status 0 only when nothing acknowledged is missing. Everything lives in target/bench-scale-out/.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
WORK="$ROOT/target/bench-scale-out"
RUN="$WORK/run-$(date +%Y%m%d-%H%M%S)"
ARTEMIS_VERSION=2.40.0
LIVE_OFFSET=${LIVE_OFFSET:-1100}      # live core acceptor on 61616 + offset
BACKUP_OFFSET=${BACKUP_OFFSET:-1200}
LIVE_PORT=$((61616 + LIVE_OFFSET))
BACKUP_PORT=$((61616 + BACKUP_OFFSET))
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SMTP1=${SMTP1:-$(free_port)}; SMTP2=${SMTP2:-$(free_port)}
HTTP1=${HTTP1:-$(free_port)}; HTTP2=${HTTP2:-$(free_port)}
SINGLE_COUNT=${SINGLE_COUNT:-300}; DOUBLE_COUNT=${DOUBLE_COUNT:-600}
BROKER_USER=gateway; BROKER_PASSWORD="bench-$(date +%s%N)"
PIDS=()

log() { printf '[bench] %s %s\n' "$(date +%H:%M:%S)" "$*"; }
cleanup() {
  touch "$RUN/stop" 2>/dev/null || true   # ends a running ledger_sender.py
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 2
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
wait_for() { # file text seconds
  for _ in $(seq 1 $(( $3 * 2 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.5; done
  log "timed out waiting for '$2' in $1"; tail -20 "$1"; exit 2
}

mkdir -p "$WORK/download" "$RUN"
TARBALL="$WORK/download/apache-artemis-$ARTEMIS_VERSION-bin.tar.gz"
if [ ! -f "$TARBALL" ]; then
  log "downloading apache-artemis $ARTEMIS_VERSION from Maven Central"
  mvn -q dependency:copy -Dartifact=org.apache.activemq:apache-artemis:$ARTEMIS_VERSION:tar.gz:bin \
    -DoutputDirectory="$WORK/download"
fi
[ -d "$WORK/apache-artemis-$ARTEMIS_VERSION" ] || tar xzf "$TARBALL" -C "$WORK"
ARTEMIS="$WORK/apache-artemis-$ARTEMIS_VERSION/bin/artemis"
[ -f target/mail-gateway.jar ] || mvn -q -o package -DskipTests

create_broker() { # name offset peer-port [--backup]
  local name=$1 offset=$2 peer=$3; shift 3
  "$ARTEMIS" create "$RUN/$name" --silent --name "$name" --host 127.0.0.1 --port-offset "$offset" \
    --user admin --password "admin-$BROKER_PASSWORD" --require-login --nio --no-web \
    --no-amqp-acceptor --no-mqtt-acceptor --no-stomp-acceptor --no-hornetq-acceptor \
    --replicated --failover-on-shutdown --cluster-user cluster --cluster-password "cluster-$BROKER_PASSWORD" \
    --staticCluster "tcp://127.0.0.1:$peer" "$@" > "$RUN/$name-create.log"
  python3 "$ROOT/bench/scale-out/merge_broker_xml.py" "$RUN/$name/etc/broker.xml" "$ROOT/artemis-config/external"
  # the files end without a newline; plaintext passwords are accepted next to ENC(...) hashes
  printf '\n%s = %s\n' "$BROKER_USER" "$BROKER_PASSWORD" >> "$RUN/$name/etc/artemis-users.properties"
  printf '\nmail-gateway = %s\n' "$BROKER_USER" >> "$RUN/$name/etc/artemis-roles.properties"
  sed -i 's/-Xmx2G/-Xmx512m/' "$RUN/$name/etc/artemis.profile"
}
log "creating live ($LIVE_PORT) and backup ($BACKUP_PORT) in $RUN"
create_broker live "$LIVE_OFFSET" "$BACKUP_PORT"
create_broker backup "$BACKUP_OFFSET" "$LIVE_PORT" --backup

"$RUN/live/bin/artemis" run > "$RUN/live.log" 2>&1 & LIVE_PID=$!; PIDS+=("$LIVE_PID")
wait_for "$RUN/live.log" "AMQ221007" 90
"$RUN/backup/bin/artemis" run > "$RUN/backup.log" 2>&1 & PIDS+=($!)
wait_for "$RUN/backup.log" "AMQ221024" 90   # backup synchronized with the live
log "live/backup pair up and replicating"

URL="(tcp://127.0.0.1:$LIVE_PORT,tcp://127.0.0.1:$BACKUP_PORT)?ha=true&reconnectAttempts=-1&retryInterval=500"
start_gateway() { # n smtp http
  local dir="$RUN/gateway-$1"; mkdir -p "$dir"
  env GATEWAY_DATA_DIR="$dir" GATEWAY_HOSTNAME="gateway-$1.bench" \
      GATEWAY_SMTP_RELAY_PORT="$2" GATEWAY_SMTP_SUBMISSION_ENABLED=false GATEWAY_SMTP_SMTPS_ENABLED=false \
      SERVER_PORT="$3" GATEWAY_CONSOLE_PASSWORD="console-$BROKER_PASSWORD" GATEWAY_DOCTOR_AT_START=false \
      GATEWAY_BROKER_URL="$URL" GATEWAY_BROKER_USERNAME="$BROKER_USER" GATEWAY_BROKER_PASSWORD="$BROKER_PASSWORD" \
      GATEWAY_DELIVERY_BOUNCES_ENABLED=false \
      java -Xmx256m -jar target/mail-gateway.jar > "$dir/gateway.log" 2>&1 &
  GATEWAY_PID=$!; PIDS+=("$GATEWAY_PID")
}
start_gateway 1 "$SMTP1" "$HTTP1"; GW1=$GATEWAY_PID
start_gateway 2 "$SMTP2" "$HTTP2"
wait_for "$RUN/gateway-1/gateway.log" "relay listener on" 120
wait_for "$RUN/gateway-2/gateway.log" "relay listener on" 120
log "two gateways up (SMTP $SMTP1, $SMTP2)"

LEDGER="$RUN/ledger.txt"; : > "$LEDGER"
send() { python3 "$ROOT/bench/scale-out/ledger_sender.py" --ledger "$LEDGER" --stop-file "$RUN/stop" "$@"; }
log "throughput, one gateway ($SINGLE_COUNT mails, 4 sessions):"
send --ports "$SMTP1" --count "$SINGLE_COUNT" | tee -a "$RUN/summary.txt"
log "throughput, two gateways ($DOUBLE_COUNT mails, 4 sessions):"
send --ports "$SMTP1,$SMTP2" --count "$DOUBLE_COUNT" | tee -a "$RUN/summary.txt"

log "failure run: stream through both listeners; kill -9 gateway 1, then the live broker"
send --ports "$SMTP1,$SMTP2" --threads 4 > "$RUN/stream.txt" 2>&1 & SENDER=$!; PIDS+=("$SENDER")
sleep 10; log "kill -9 gateway 1 (pid $GW1)"; kill -9 "$GW1"
sleep 10; log "kill -9 live broker (pid $LIVE_PID)"; kill -9 "$LIVE_PID"  # bin/artemis execs java: this is the broker JVM
wait_for "$RUN/backup.log" "AMQ221007" 60   # "Server is now active": the backup took over
log "backup is live"
sleep 15; touch "$RUN/stop"; wait "$SENDER" || true
tee -a "$RUN/summary.txt" < "$RUN/stream.txt"

ACKED=$(sort -u "$LEDGER" | wc -l)
log "waiting until all $ACKED acknowledged mails are in an outbox (up to 5 minutes)"
delivered() { cat "$RUN"/gateway-*/outbox/*.eml 2>/dev/null | grep -a -i '^Message-ID: <.*@bench.test>' | sed 's/^[^<]*//; s/\r$//'; }
for _ in $(seq 1 150); do
  MISSING=$(comm -23 <(sort -u "$LEDGER") <(delivered | sort -u) | wc -l)
  [ "$MISSING" -eq 0 ] && break
  sleep 2
done
DELIVERED=$(delivered | sort -u | wc -l)
DUPLICATES=$(delivered | sort | uniq -d | wc -l)
BY1=$(ls "$RUN"/gateway-1/outbox 2>/dev/null | wc -l); BY2=$(ls "$RUN"/gateway-2/outbox 2>/dev/null | wc -l)
{
  echo "acknowledged=$ACKED delivered(distinct)=$DELIVERED missing=$MISSING duplicated=$DUPLICATES"
  echo "outbox files: gateway 1=$BY1 gateway 2=$BY2"
} | tee -a "$RUN/summary.txt"
[ "$MISSING" -eq 0 ] && log "PASS: every acknowledged mail was delivered" || { log "FAIL: $MISSING acknowledged mail(s) missing"; exit 1; }
