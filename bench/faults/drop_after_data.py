#!/usr/bin/env python3
"""The smart host reads the whole message, then drops the connection without answering the final ".".

The gateway cannot know whether the smart host kept the message, so it must retry it: every message is
delivered, a dropped one arrives at most twice (the copy the smart host read before dropping, and the
retry), and both copies carry the same Message-ID.

    python3 bench/faults/drop_after_data.py [--messages 300] [--drops 20]
"""
import argparse
import os

from common import RecordingSink, acknowledged, gateway, load, log, running, verdict, wait_until, work_dir


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--messages", type=int, default=300)
    p.add_argument("--drops", type=int, default=20, help="messages read and then dropped without a reply")
    a = p.parse_args()
    work = work_dir("drop-after-data")
    ledger = os.path.join(work, "ledger.tsv")
    sink = RecordingSink().up()
    sink.drop_next = a.drops
    gw = gateway(work, sink.port)
    with running(gw, sink):
        out = load(gw.port, ledger, messages=a.messages)
        log("load:", out.strip().splitlines()[0])
        acked = acknowledged(ledger)
        all_in = wait_until(lambda: acked <= set(sink.accepted()), timeout=300)
    received = sink.received()  # dropped and accepted copies
    per_id = {}
    for m in received:
        per_id[m] = per_id.get(m, 0) + 1
    dropped = {m for m, _, o in sink.records if o == "dropped"}
    lost = sorted(acked - set(sink.accepted()))
    over = {m: c for m, c in per_id.items() if c > 2}
    twice_without_drop = {m for m, c in per_id.items() if c == 2 and m not in dropped}
    no_id = sum(1 for m in received if m is None)
    verdict("smart host drops after DATA: retried, at most one duplicate, same Message-ID",
            all_in and not lost and not over and not twice_without_drop and no_id == 0 and len(dropped) == a.drops, [
                f"acknowledged {len(acked)}, dropped by the smart host {len(dropped)}, copies received {len(received)}",
                f"lost {len(lost)} {lost[:5]}; received more than twice {len(over)} {list(over)[:5]}; "
                f"twice without having been dropped {len(twice_without_drop)}; without a Message-ID {no_id}",
                "each dropped message arrived again under its own Message-ID: "
                + str(all(m in sink.accepted() for m in dropped)),
            ])


if __name__ == "__main__":
    main()
