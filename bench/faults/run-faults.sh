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
#   disk_full             data folder on a small tmpfs filled below gateway.disk.min-free: 452 4.3.1, no
#                         hang, nothing acknowledged lost, intake resumes when space returns. Mounting
#                         needs root: without it the script prints SKIP and exits 2 (counted as skipped)
set -uo pipefail
cd "$(dirname "$0")"
[ -f ../../target/mail-gateway.jar ] || { echo "build first: mvn -o -q package -DskipTests" >&2; exit 2; }
all=(kill9_under_load smarthost_outage drop_after_data sigterm_during_data slow_smarthost disk_full)
if [ $# -gt 0 ]; then
  one=$1; shift
  [ -f "$one.py" ] && [ "$one" != common ] || { echo "no fault script $one; one of: ${all[*]}" >&2; exit 2; }
  exec python3 "$one.py" "$@"
fi
failed=()
skipped=()
for f in "${all[@]}"; do
  echo "=== $f"
  python3 "$f.py"
  case $? in
    0) ;;
    2) skipped+=("$f") ;;
    *) failed+=("$f") ;;
  esac
done
echo
[ ${#skipped[@]} -eq 0 ] || echo "skipped (see their SKIP line): ${skipped[*]}"
if [ ${#failed[@]} -eq 0 ]; then echo "all $(( ${#all[@]} - ${#skipped[@]} )) fault scripts run passed"; else echo "FAILED: ${failed[*]}"; exit 1; fi
