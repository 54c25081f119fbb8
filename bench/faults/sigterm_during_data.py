#!/usr/bin/env python3
"""SIGTERM while clients are in the middle of DATA: in-flight sessions finish (250) or are refused
(421 / connection closed), and nothing that got 250 is lost.

20 slow clients each trickle their message over --trickle seconds; --after seconds in, the gateway gets
SIGTERM (an orderly stop: systemd, docker stop). The script records what each client heard and how long
the gateway took to exit, starts it again on the same data folder, and checks that every message that
got 250 is delivered.

    python3 bench/faults/sigterm_during_data.py [--sessions 20] [--trickle 6] [--after 2]
"""
import argparse
import os
import signal
import time

from common import (RecordingSink, gateway, ledger_replies, load, log, read_ledger, running, verdict, wait_until,
                    work_dir)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--trickle", type=float, default=6)
    p.add_argument("--after", type=float, default=2)
    a = p.parse_args()
    work = work_dir("sigterm")
    ledger = os.path.join(work, "ledger.tsv")
    sink = RecordingSink().up()
    gw = gateway(work, sink.port)
    with running(gw, sink):
        client = load(gw.port, ledger, messages=a.sessions * 2, sessions=a.sessions, trickle=a.trickle, wait=False)
        time.sleep(a.after)
        t_term = time.monotonic()
        gw.proc.send_signal(signal.SIGTERM)
        gw.proc.wait(120)
        exited_after = time.monotonic() - t_term
        log(f"SIGTERM: the gateway exited after {exited_after:.1f} s with {gw.proc.returncode}")
        out, _ = client.communicate(timeout=120)
        log("client:", out.strip().splitlines()[0] if out.strip() else "(no output)")
        outcomes = read_ledger(ledger)
        log(f"gateway up again after {gw.start():.1f} s")
        acked = {m for m, o in outcomes.items() if o == "accepted"}
        all_in = wait_until(lambda: acked <= set(sink.accepted()), timeout=120)
        time.sleep(3)  # anything queued but unacknowledged shows up too
    refused = [r for o, r in ledger_replies(ledger) if o != "accepted"]
    cut = [r for r in refused if not r.startswith("421")]
    delivered = set(sink.accepted())
    lost = sorted(acked - delivered)
    unacked_delivered = sorted(m for m, o in outcomes.items() if o != "accepted" and m in delivered)
    verdict("SIGTERM during DATA: in-flight sessions finish or are refused, none acknowledged and lost",
            all_in and not lost and not cut, [
                f"gateway exited {exited_after:.1f} s after SIGTERM",
                f"messages tried {len(outcomes)}: got 250 {len(acked)}, refused or cut {len(refused)}",
                "what the refused/cut ones heard: " + "; ".join(sorted(set(refused)))[:400],
                f"cut without a 421 (neither finished nor refused): {len(cut)}",
                f"acknowledged and lost {len(lost)} {lost[:5]}",
                f"not acknowledged but delivered anyway (the client will resend: a duplicate) {len(unacked_delivered)}",
            ])


if __name__ == "__main__":
    main()
