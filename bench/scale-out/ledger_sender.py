#!/usr/bin/env python3
"""Sends mail through several SMTP listeners and writes a ledger: one Message-ID per line for every mail the
gateway acknowledged with 250 after DATA. Runs until the stop file exists or --count mails were tried.
A refused or failed send is not in the ledger (the client would retry it; nothing was promised)."""
import argparse, os, smtplib, threading, time, uuid
from email.utils import formatdate

parser = argparse.ArgumentParser()
parser.add_argument("--ports", required=True, help="comma-separated SMTP ports on 127.0.0.1")
parser.add_argument("--ledger", required=True)
parser.add_argument("--stop-file", required=True)
parser.add_argument("--threads", type=int, default=4)
parser.add_argument("--count", type=int, default=0, help="0: until the stop file appears")
args = parser.parse_args()

ports = [int(p) for p in args.ports.split(",")]
lock = threading.Lock()
tried = [0]
acked = [0]
failed = [0]
ledger = open(args.ledger, "a", buffering=1)

def message(message_id):
    return ("Date: %s\r\nMessage-ID: %s\r\nFrom: <bench@example.com>\r\nTo: <sink@example.net>\r\n"
            "Subject: scale-out bench\r\n\r\nledger entry %s\r\n" % (formatdate(), message_id, message_id))

def worker(n):
    port = ports[n % len(ports)]
    client = None
    while not os.path.exists(args.stop_file):
        with lock:
            if args.count and tried[0] >= args.count:
                return
            tried[0] += 1
        message_id = "<%s@bench.test>" % uuid.uuid4()
        try:
            if client is None:
                client = smtplib.SMTP("127.0.0.1", port, timeout=30)
                client.ehlo("bench.test")
            client.sendmail("bench@example.com", ["sink@example.net"], message(message_id))
            with lock:
                acked[0] += 1
                ledger.write(message_id + "\n")
        except Exception:
            with lock:
                failed[0] += 1
            try:
                if client is not None:
                    client.close()
            except Exception:
                pass
            client = None
            port = ports[(ports.index(port) + 1) % len(ports)]  # the other gateway, like a client with two MX
            time.sleep(0.2)

start = time.time()
threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.time() - start
print("sender: tried=%d acknowledged=%d failed=%d in %.1fs (%.1f acknowledged/s)"
      % (tried[0], acked[0], failed[0], elapsed, acked[0] / elapsed if elapsed else 0))
