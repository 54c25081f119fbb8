#!/usr/bin/env python3
"""Free disk below gateway.disk.min-free: clients get 452 4.3.1 (no hang, no 5xx), nothing acknowledged is
lost, and intake resumes by itself once space returns.

The gateway's data folder is a small tmpfs (--tmpfs MB, mounted by this script, so it needs root); the
gateway runs with gateway.disk.min-free=--min-free MB (its broker's own hard stop is half of that). While
10 sessions send (the smart host slowed down, so that a backlog sits in the queue), a file of real bytes
fills the tmpfs to --leave MB free, between the broker's stop and the minimum. Then:
  - the sessions, and a fresh load, must hear 452 4.3.1 at MAIL (or at the end of a DATA in flight), quickly;
  - a file dropped in the pickup folder must stay there (not failed/);
  - delivery goes on: the backlog acknowledged before the fill is delivered while the disk is still full.
The filler is deleted; the same kind of probe must get 250 within seconds, a new load is accepted, the pickup
file is mailed, and every Message-ID that got 250 arrives at the smart host. The tmpfs is unmounted at the
end whatever happens. Without root, or where tmpfs cannot be mounted, it prints SKIP and exits 2.

    python3 bench/faults/disk_full.py [--tmpfs 300] [--min-free 100] [--leave 80]
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import time

from common import BENCH, RecordingSink, acknowledged, gateway, ledger_replies, load, log, verdict, wait_until, work_dir

MB = 1024 * 1024
REFUSAL = "452 4.3.1"


def skip(reason):
    print(f"\nSKIP free disk below a minimum: {reason}")
    sys.exit(2)


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def mount_tmpfs(path, size_mb):
    if os.geteuid() != 0:
        skip("mounting a tmpfs for the data folder needs root (run as root, or in a container with CAP_SYS_ADMIN)")
    if shutil.which("mount") is None:
        skip("no mount command on this machine")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0700", "tmpfs", path],
                            capture_output=True, text=True)
    if result.returncode != 0:
        skip(f"cannot mount a tmpfs on {path}: {result.stderr.strip() or result.returncode}")


def unmount(path):
    for args in (["umount", path], ["umount", "-l", path]):
        if subprocess.run(args, capture_output=True).returncode == 0:
            return True
        time.sleep(1)
    return not os.path.ismount(path)


def fill(path, nbytes):
    """Real bytes (never a sparse file: that would take no space), in 1 MB writes."""
    chunk = os.urandom(MB)
    with open(path, "wb") as f:
        written = 0
        while written < nbytes:
            n = min(MB, nbytes - written)
            f.write(chunk[:n])
            written += n
        f.flush()
        os.fsync(f.fileno())


def mail_from(port):
    """One session: EHLO, MAIL FROM; returns (reply to MAIL, seconds it took)."""
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        f = s.makefile("rb")

        def reply():
            while True:
                line = f.readline()
                if not line:
                    return "(connection closed)"
                if len(line) < 4 or line[3:4] != b"-":
                    return line.decode("ascii", "replace").strip()

        reply()
        s.sendall(b"EHLO probe.invalid\r\n")
        reply()
        s.sendall(b"MAIL FROM:<probe@example.com>\r\n")
        answer = reply()
        s.sendall(b"QUIT\r\n")
    return answer, time.monotonic() - t0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tmpfs", type=int, default=300, help="size of the data folder's tmpfs, MB")
    p.add_argument("--min-free", type=int, default=100, help="gateway.disk.min-free, MB")
    p.add_argument("--leave", type=int, default=80, help="MB left free by the filler (below --min-free, above half of it)")
    a = p.parse_args()
    if not a.min_free / 2 < a.leave < a.min_free < a.tmpfs:
        p.error(f"need --min-free / 2 < --leave < --min-free < --tmpfs, got {a.min_free} / 2 < {a.leave} < "
                f"{a.min_free} < {a.tmpfs}")
    stale = os.path.join(BENCH, "work", "faults", "disk_full", "gateway-data")
    if os.path.ismount(stale):
        unmount(stale)  # left mounted by a run that was killed
    work = work_dir("disk_full")
    ledger = os.path.join(work, "ledger.tsv")
    full_ledger = os.path.join(work, "ledger-while-full.tsv")
    sink = RecordingSink().up()
    gw = gateway(work, sink.port, GATEWAY_DISK_MIN_FREE=f"{a.min_free}MB",
                 GATEWAY_PICKUP_POLL_INTERVAL="500ms", GATEWAY_PICKUP_STABLE_TIME="1s")
    data = gw.data
    os.makedirs(data, exist_ok=True)
    mount_tmpfs(data, a.tmpfs)
    filler = os.path.join(data, "filler.bin")
    pickup_id = f"disk-full-pickup.{os.getpid()}@bench.invalid"
    facts = {}
    try:
        log(f"tmpfs of {a.tmpfs} MB on {data}; gateway up after {gw.start():.1f} s, "
            f"{free_bytes(data) / MB:.0f} MB free, min-free {a.min_free} MB")
        out = load(gw.port, ledger, messages=200)
        log("warm-up load:", out.strip().splitlines()[0])

        sink.delay = 0.02  # a backlog builds up in the queue while the disk fills
        client = load(gw.port, ledger, messages=1_000_000, sessions=10, wait=False)
        time.sleep(3)
        before_fill = free_bytes(data)
        fill(filler, max(0, before_fill - a.leave * MB))
        t_full = time.monotonic()
        acked_before_fill = acknowledged(ledger)
        log(f"filled: {free_bytes(data) / MB:.0f} MB free (was {before_fill / MB:.0f} MB); "
            f"{len(acked_before_fill)} acknowledged so far, {len(sink.accepted())} delivered")

        refused = wait_until(lambda: mail_from(gw.port)[0].startswith(REFUSAL), timeout=15, interval=0.2)
        facts["refused_after"] = time.monotonic() - t_full
        probe, probe_took = mail_from(gw.port)
        log(f"probe while full: {probe!r} after {probe_took * 1000:.0f} ms")
        time.sleep(3)  # the running sessions go on hearing 452 for a while
        client.terminate()
        client.wait(30)
        sink.delay = 0

        t0 = time.monotonic()
        out = load(gw.port, full_ledger, messages=100, sessions=5)
        facts["full_load_took"] = time.monotonic() - t0
        log("load while full:", out.strip().splitlines()[0])
        with open(os.path.join(gw.pickup_dir, "waiting.eml"), "w") as f:
            f.write(f"From: app@example.com\r\nTo: sink@example.net\r\nSubject: pickup while the disk is full\r\n"
                    f"Message-ID: <{pickup_id}>\r\n\r\nbody\r\n")
        # delivery goes on while intake is paused: the backlog of acknowledged mail drains
        facts["backlog_drained"] = wait_until(lambda: acked_before_fill <= set(sink.accepted()), timeout=120)
        time.sleep(max(0.0, 5 - (time.monotonic() - t0)))
        facts["pickup_stayed"] = os.path.exists(os.path.join(gw.pickup_dir, "waiting.eml")) \
            and not os.path.exists(os.path.join(gw.pickup_dir, "failed"))
        facts["still_full"] = free_bytes(data) < a.min_free * MB
        facts["still_refused"] = mail_from(gw.port)[0]
        log(f"while full: backlog delivered {facts['backlog_drained']}, pickup file left in place "
            f"{facts['pickup_stayed']}, {free_bytes(data) / MB:.0f} MB free, probe {facts['still_refused']!r}")

        os.unlink(filler)
        t_space = time.monotonic()
        resumed = wait_until(lambda: mail_from(gw.port)[0].startswith("250"), timeout=30, interval=0.2)
        facts["resumed_after"] = time.monotonic() - t_space if resumed else None
        log(f"filler removed: {free_bytes(data) / MB:.0f} MB free; MAIL accepted again after "
            f"{facts['resumed_after'] if resumed else 'never'} s")
        out = load(gw.port, ledger, messages=200)
        log("load after space returned:", out.strip().splitlines()[0])
        facts["pickup_mailed"] = wait_until(lambda: pickup_id in sink.accepted(), timeout=30)
        acked = acknowledged(ledger)
        wait_until(lambda: acked <= set(sink.accepted()), timeout=120)
        with open(gw.log, errors="replace") as f:
            gateway_log = f.read()
    finally:
        gw.stop()
        sink.down()
        unmounted = unmount(data)
        log(f"tmpfs unmounted: {unmounted}")

    replies = ledger_replies(ledger) + ledger_replies(full_ledger)
    not_accepted = [r for o, r in replies if o != "accepted"]
    refused_452 = [r for r in not_accepted if r.startswith(REFUSAL)]
    other = sorted({r for r in not_accepted if not r.startswith(REFUSAL)})
    five_xx = [r for r in not_accepted if r[:1] == "5"]
    full_rows = ledger_replies(full_ledger)
    full_all_452 = len(full_rows) == 100 and all(o == "refused" and r.startswith(REFUSAL) for o, r in full_rows)
    delivered = sink.accepted()
    lost = sorted(acked - set(delivered))
    duplicates = len(delivered) - len(set(delivered))
    warned = "[disk] free space on" in gateway_log and "intake resumes" in gateway_log
    ok = (refused and full_all_452 and not other and not five_xx and facts["full_load_took"] < 30
          and facts["backlog_drained"] and facts["pickup_stayed"] and facts["still_refused"].startswith(REFUSAL)
          and facts["resumed_after"] is not None and facts["resumed_after"] < 10 and facts["pickup_mailed"]
          and not lost and acked and warned and unmounted)
    verdict("free disk below the minimum: 452 4.3.1, nothing acknowledged lost, intake resumes", ok, [
        f"refused with 452 4.3.1 {facts['refused_after']:.1f} s after the disk was filled; "
        f"{len(refused_452)} messages heard 452 4.3.1, other refusals: {other[:5] or 'none'}, 5xx: {len(five_xx)}",
        f"load while full: 100 of 100 refused with 452 4.3.1 at MAIL: {full_all_452}, "
        f"in {facts['full_load_took']:.1f} s (no hang)",
        f"delivery went on while full: the {len(acked_before_fill)} acknowledged before the fill were delivered: "
        f"{facts['backlog_drained']}",
        f"pickup file left in place while full: {facts['pickup_stayed']}; mailed after space returned: {facts['pickup_mailed']}",
        f"intake resumed {facts['resumed_after']:.1f} s after the filler was deleted" if facts["resumed_after"] is not None
        else "intake did not resume within 30 s",
        f"acknowledged (250) {len(acked)}, lost {len(lost)} {lost[:5]}, duplicates {duplicates}",
        f"gateway log has the [disk] WARN and the recovery INFO: {warned}; tmpfs unmounted: {unmounted}",
    ])


if __name__ == "__main__":
    main()
