#!/usr/bin/env python3
"""The smart host is down for a while, then back: everything accepted meanwhile is delivered.

The smart host stops listening (open connections cut); 10 sessions send N messages, which the gateway
must keep accepting (it is store-and-forward) and defer; after --down seconds the smart host is back and
every acknowledged message must arrive (the retry delay is shortened to 1-3 s for the script). Reports
how long after the smart host's return the queue drained.

    python3 bench/faults/smarthost_outage.py [--messages 2000] [--down 20]
"""
import argparse
import os
import time

from common import RecordingSink, acknowledged, gateway, load, log, running, verdict, wait_until, work_dir


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--messages", type=int, default=2000)
    p.add_argument("--down", type=float, default=20, help="seconds the smart host stays down")
    a = p.parse_args()
    work = work_dir("outage")
    ledger = os.path.join(work, "ledger.tsv")
    sink = RecordingSink().up()
    gw = gateway(work, sink.port)
    with running(gw, sink):
        load(gw.port, ledger, messages=50)
        wait_until(lambda: len(sink.accepted()) >= 50, 60)
        sink.down()
        t_down = time.monotonic()
        log("smart host down")
        out = load(gw.port, ledger, messages=a.messages)
        log("load done while the smart host is down:", out.strip().splitlines()[0])
        time.sleep(max(0.0, a.down - (time.monotonic() - t_down)))
        delivered_while_down = len(sink.accepted()) - 50
        sink.up()
        t_up = time.monotonic()
        log("smart host back")
        acked = acknowledged(ledger)
        all_in = wait_until(lambda: acked <= set(sink.accepted()), timeout=300)
        drained_after = time.monotonic() - t_up
    delivered = sink.accepted()
    lost = sorted(acked - set(delivered))
    duplicates = len(delivered) - len(set(delivered))
    verdict("smart host down, then back: everything delivered", all_in and not lost and len(acked) == a.messages + 50, [
        f"acknowledged {len(acked)} of {a.messages + 50} (store-and-forward: accepting goes on while the smart host is down)",
        f"delivered while down: {delivered_while_down}; all delivered {drained_after:.1f} s after the smart host came back",
        f"lost {len(lost)} {lost[:5]}, duplicates {duplicates}",
    ])


if __name__ == "__main__":
    main()
