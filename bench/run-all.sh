#!/usr/bin/env bash
# bench/run-all.sh — the gateway side by side with a private Postfix, one command, one table.
#
#   bench/run-all.sh                 # every workload (about 10 minutes on 2 cores)
#   QUICK=1 bench/run-all.sh         # fewer rows and messages (about 4 minutes)
#
# What it does (details in README.md, "Performance"):
#   * one sink for everything: Postfix's smtp-sink on a loopback port, its running counter (-c) read and
#     timestamped per message;
#   * per workload (1 KB, 100 KB, 5 MB messages x 1, 10, 50 sessions; 5 MB up to 10 sessions): the load
#     client straight into the sink once (the ceiling without a relay), then target/mail-gateway.jar (smart
#     host mode to the sink) and a private Postfix instance (own config, queue and data folders under
#     bench/work/postfix, smtpd on its own loopback port, relayhost = the sink; not the system Postfix)
#     are started, warmed up, and run the same load alternately (G P, P G, G P), median of 3;
#   * load: bench/smtpload.py, N sessions on one connection each, one command at a time, per-message
#     accept latency (MAIL FROM to the reply to "."); accepted msg/s = accepted / (first connect to last
#     250); delivered msg/s = accepted / (first connect to the sink counting the last one);
#   * cost from /proc: CPU ms per message (utime+stime of all the relay's processes, reaped children
#     included), peak RSS and PSS (sum over the relay's processes, sampled every 100 ms);
#   * extras: start to first 220 (every gateway start), JMS intake over STOMP, pickup folder intake.
#
# Needs: root (Postfix's master and smtp-sink start as root and drop privileges), Debian's postfix
# package (postfix, smtp-sink), java 17, python3 >= 3.8, and target/mail-gateway.jar (built here with
# `mvn -o -q package -DskipTests` when missing, or always with BUILD=1).
# Knobs: QUICK=1, BENCH_REPS=3, BENCH_SCALE=1.0 (multiplies message counts), BENCH_ONLY="1KBx10,5MBx10",
# BENCH_EXTRAS=0 (skip JMS/pickup), BENCH_STARTS=3 (measured gateway starts), BENCH_JAVA_OPTS="-Xmx512m"
# (more options for the gateway's JVM, after the defaults of bin/mail-gateway, which starts it as the README
# does). Any GATEWAY_* variable you export reaches the gateway
# (e.g. GATEWAY_DELIVERY_CONCURRENCY=20), except the ones the harness sets (ports, data folder, smart host).
# Output: the table on stdout; bench/results/<time>/results.json (every run) and table.md; logs of the
# last run in bench/work/ (gateway.log, postfix/maillog, sink.log).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "run-all.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (the private Postfix's master and smtp-sink need it)"
for tool in postfix postconf smtp-sink java python3; do
  command -v "$tool" >/dev/null || fail "$tool not found (apt-get install postfix; Java 17; Python 3)"
done
getent passwd postfix >/dev/null || fail "no postfix user: install Debian's postfix package"
if [ "${BUILD:-0}" = 1 ] || [ ! -f target/mail-gateway.jar ]; then
  mvn -o -q package -DskipTests
fi
if ss -ltn 2>/dev/null | grep -qE '127\.0\.0\.1:25 |0\.0\.0\.0:25 '; then
  echo "run-all.sh: note: something listens on port 25 (the system MTA?); the benchmark does not use it," \
       "but it shares the machine" >&2
fi
exec python3 bench/bench.py "$@"
