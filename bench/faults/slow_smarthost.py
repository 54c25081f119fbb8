#!/usr/bin/env python3
"""A slow smart host does not starve the other deliveries.

Two smart hosts: the default one (fast) and "slow" (answers each final "." after --delay seconds), used by
a route for slow.example. First --slow messages to slow.example, right after them --fast messages to
example.net. The fast ones must not wait behind the slow ones: the script passes when all fast messages
are delivered within --limit seconds of the last one being accepted.

    python3 bench/faults/slow_smarthost.py [--slow 20] [--fast 200] [--delay 10] [--limit 10]
"""
import argparse
import os
import time

from common import RecordingSink, acknowledged, gateway, load, log, running, verdict, wait_until, work_dir


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--slow", type=int, default=20)
    p.add_argument("--fast", type=int, default=200)
    p.add_argument("--delay", type=float, default=10)
    p.add_argument("--limit", type=float, default=10)
    a = p.parse_args()
    work = work_dir("slow-smarthost")
    fast = RecordingSink("fast").up()
    slow = RecordingSink("slow").up()
    slow.delay = a.delay
    gw = gateway(work, fast.port, **{
        "GATEWAY_DELIVERY_SMARTHOSTS_SLOW_HOST": "127.0.0.1",
        "GATEWAY_DELIVERY_SMARTHOSTS_SLOW_PORT": str(slow.port),
        "GATEWAY_DELIVERY_SMARTHOSTS_SLOW_TLS": "none",
        "GATEWAY_DELIVERY_ROUTES_0_DOMAINS_0": "slow.example",
        "GATEWAY_DELIVERY_ROUTES_0_VIA": "smarthost:slow",
    })
    slow_ledger = os.path.join(work, "slow.tsv")
    fast_ledger = os.path.join(work, "fast.tsv")
    with running(gw, fast, slow):
        load(gw.port, slow_ledger, messages=a.slow, recipient="someone@slow.example")
        load(gw.port, fast_ledger, messages=a.fast, recipient="someone@example.net")
        t_accepted = time.monotonic()
        fast_acked = acknowledged(fast_ledger)
        slow_acked = acknowledged(slow_ledger)
        fast_in = wait_until(lambda: fast_acked <= set(fast.accepted()), timeout=a.limit, interval=0.1)
        fast_took = time.monotonic() - t_accepted
        if not fast_in:
            wait_until(lambda: fast_acked <= set(fast.accepted()), timeout=a.slow * a.delay + 60)
            fast_took = time.monotonic() - t_accepted
        slow_done_then = len(set(slow.accepted()) & slow_acked)
        log(f"fast mail all delivered {fast_took:.1f} s after the last was accepted; slow delivered by then: "
            f"{slow_done_then}/{len(slow_acked)}")
        wait_until(lambda: slow_acked <= set(slow.accepted()), timeout=a.slow * a.delay + 60)
    verdict("a slow smart host does not starve other deliveries", fast_in and slow_acked <= set(slow.accepted()), [
        f"{len(fast_acked)} fast messages delivered {fast_took:.1f} s after the last was accepted "
        f"(limit {a.limit} s), while the slow smart host ({a.delay} s per message) had {slow_done_then} of "
        f"{len(slow_acked)} done",
        f"slow messages all delivered in the end: {slow_acked <= set(slow.accepted())}",
    ])


if __name__ == "__main__":
    main()
