#!/usr/bin/env python3
"""kill -9 under load: nothing the gateway acknowledged is lost.

10 SMTP sessions send continuously (ledger of every 250); the smart host is slowed down so that a backlog
sits in the queue; after a few seconds the gateway gets SIGKILL. It is started again on the same data
folder, the smart host is made fast, and every acknowledged Message-ID must arrive. Duplicates (mail
that was being delivered at the kill) are allowed and counted: delivery is at-least-once.

    python3 bench/faults/kill9_under_load.py [--seconds 8] [--kills 1]
"""
import argparse
import os
import time

from common import RecordingSink, acknowledged, gateway, load, log, running, verdict, wait_until, work_dir


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=8, help="load time before each kill")
    p.add_argument("--kills", type=int, default=1)
    a = p.parse_args()
    work = work_dir("kill9")
    ledger = os.path.join(work, "ledger.tsv")
    sink = RecordingSink().up()
    sink.delay = 0.02  # a backlog builds up: the gateway accepts faster than it delivers
    gw = gateway(work, sink.port)
    with running(gw, sink):
        for k in range(a.kills):
            client = load(gw.port, ledger, messages=1_000_000, sessions=10, wait=False)
            time.sleep(a.seconds)
            gw.kill()
            log(f"kill -9 #{k + 1}: {len(acknowledged(ledger))} acknowledged so far, "
                f"{len(sink.accepted())} delivered")
            client.wait(60)
            log(f"gateway up again after {gw.start(keep_ports=True):.1f} s")
        sink.delay = 0
        acked = acknowledged(ledger)
        wait_until(lambda: acked <= set(sink.accepted()), timeout=300)
    delivered = sink.accepted()
    counts = {}
    for m in delivered:
        counts[m] = counts.get(m, 0) + 1
    lost = sorted(acked - set(counts))
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    unacked_delivered = len(set(counts) - acked)
    verdict("kill -9 under load: every acknowledged message delivered", not lost and acked, [
        f"acknowledged (250) {len(acked)}, delivered distinct {len(counts)}, lost {len(lost)} {lost[:5]}",
        f"duplicates {duplicates} (at-least-once: mail in delivery at the kill may arrive twice)",
        f"delivered although the client never saw 250 (queued, then killed before the reply): {unacked_delivered}",
    ])


if __name__ == "__main__":
    main()
