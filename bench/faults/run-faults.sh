#!/usr/bin/env bash
# bench/faults/run-faults.sh — fault scripts against the real jar, one after the other (a few minutes).
#
#   bench/faults/run-faults.sh                       # all of them
#   bench/faults/run-faults.sh kill9_under_load      # one (file name without .py); extra args go to it
#
# Each script starts target/mail-gateway.jar from the repository folder with its own data folder under
# bench/work/faults/NAME (retry delays shortened to 1-3 s), a recording smart host in Python that can go
# down, drop connections after DATA or answer slowly, and bench/smtpload.py with a ledger of every 250.
# Each prints PASS or FAIL with the evidence and exits 0 or 1:
#   kill9_under_load      SIGKILL under load; every acknowledged message delivered after a restart
#   smarthost_outage      smart host down for a while, then back; everything delivered
#   drop_after_data       smart host reads the message, then drops the connection; retried, at most one
#                         duplicate, same Message-ID
#   sigterm_during_data   SIGTERM while slow clients are in DATA; they finish or are refused, none
#                         acknowledged and lost
#   slow_smarthost        a slow smart host (route for one domain) does not starve deliveries elsewhere
# Not here: free disk below a minimum (needs a small file system to fill: a loop mount or tmpfs, i.e.
# privileges this harness does not assume).
set -uo pipefail
cd "$(dirname "$0")"
[ -f ../../target/mail-gateway.jar ] || { echo "build first: mvn -o -q package -DskipTests" >&2; exit 2; }
all=(kill9_under_load smarthost_outage drop_after_data sigterm_during_data slow_smarthost)
if [ $# -gt 0 ]; then
  one=$1; shift
  exec python3 "$one.py" "$@"
fi
failed=()
for f in "${all[@]}"; do
  echo "=== $f"
  python3 "$f.py" || failed+=("$f")
done
echo
if [ ${#failed[@]} -eq 0 ]; then echo "all ${#all[@]} fault scripts passed"; else echo "FAILED: ${failed[*]}"; exit 1; fi
