"""Shared parts of the fault scripts: a smart host that records what it received and can misbehave, the
gateway (bench/relays.py) with short retry delays, the load client's ledger, and the verdict.

Every script exits 0 when the property it checks holds and 1 when it does not, printing the evidence.
"""
import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time

FAULTS = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(FAULTS)
sys.path.insert(0, BENCH)

from relays import Gateway, free_port  # noqa: E402

# deferred mail is retried after 1 s, doubling up to 3 s (the defaults are 5 min / 1 h)
FAST_RETRY = {"GATEWAY_DELIVERY_RETRY_INITIAL_DELAY": "1s", "GATEWAY_DELIVERY_RETRY_MAX_DELAY": "3s"}


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, flush=True)


def work_dir(name):
    """A fresh folder bench/work/faults/NAME (git-ignored, not under the temp dir)."""
    path = os.path.join(BENCH, "work", "faults", name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


class RecordingSink:
    """A smart host on loopback, in its own thread: records the Message-ID of every message it received,
    with what it did with it ("accepted" = answered 250, "dropped" = read it whole, then closed the
    connection without a reply). Misbehaviours, switchable at any time:
      down() / up()        stop / start listening (open connections are cut);
      drop_next = N        the next N messages are read and then the connection is closed, no reply;
      delay = S            wait S seconds before answering the final "." (a slow smart host).
    No PIPELINING, no TLS; answers any MAIL/RCPT with 250."""

    def __init__(self, name="sink"):
        self.name = name
        self.port = free_port()
        self.records = []  # (message_id, monotonic time, outcome)
        self.drop_next = 0
        self.delay = 0.0
        self._lock = threading.Lock()
        self._server = None
        self._writers = set()
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(30)

    def up(self):
        async def start():
            self._server = await asyncio.start_server(self._session, "127.0.0.1", self.port, reuse_address=True)
        self._call(start())
        return self

    def down(self):
        async def stop():
            if self._server:
                self._server.close()
                await self._server.wait_closed()
                self._server = None
            for w in list(self._writers):
                w.transport.abort()
        self._call(stop())

    def accepted(self):
        with self._lock:
            return [r[0] for r in self.records if r[2] == "accepted"]

    def received(self):
        with self._lock:
            return [r[0] for r in self.records]

    async def _session(self, reader, writer):
        self._writers.add(writer)
        try:
            writer.write(b"220 recording-sink ESMTP\r\n")
            while True:
                line = await reader.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb in (b"EHLO",):
                    writer.write(b"250-recording-sink\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n")
                elif verb == b"DATA":
                    writer.write(b"354 go ahead\r\n")
                    message_id = None
                    in_header = True
                    while True:
                        data = await reader.readline()
                        if not data:
                            return
                        if data == b".\r\n":
                            break
                        if in_header:
                            if data in (b"\r\n", b"\n"):
                                in_header = False
                            elif data[:11].lower() == b"message-id:":
                                message_id = data[11:].strip().strip(b"<>").decode("ascii", "replace")
                    with self._lock:
                        drop = self.drop_next > 0
                        if drop:
                            self.drop_next -= 1
                    if drop:
                        with self._lock:
                            self.records.append((message_id, time.monotonic(), "dropped"))
                        writer.transport.abort()
                        return
                    if self.delay:
                        await asyncio.sleep(self.delay)
                    with self._lock:
                        self.records.append((message_id, time.monotonic(), "accepted"))
                    writer.write(b"250 2.0.0 Ok: recorded\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 2.0.0 Bye\r\n")
                    await writer.drain()
                    return
                elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                    writer.write(b"250 2.0.0 Ok\r\n")
                else:
                    writer.write(b"502 5.5.2 not here\r\n")
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()


def gateway(work, sink_port, **extra_env):
    env = dict(FAST_RETRY)
    env.update(extra_env)
    return Gateway(work, sink_port, extra_env=env)


@contextlib.contextmanager
def running(gw, *sinks):
    """Starts the gateway (logging how long it took); on the way out, whatever happened, stops it and then
    the sinks."""
    try:
        log(f"gateway up after {gw.start():.1f} s")
        yield gw
    finally:
        gw.stop()
        for sink in sinks:
            sink.down()


def load(port, ledger, messages, sessions=10, size=1024, recipient="sink@example.net", trickle=0, wait=True):
    """bench/smtpload.py as a child process (returns the Popen when wait is False)."""
    cmd = [sys.executable, os.path.join(BENCH, "smtpload.py"), "--port", str(port), "--messages", str(messages),
           "--sessions", str(sessions), "--size", str(size), "--recipient", recipient, "--ledger", ledger,
           "--trickle", str(trickle)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if wait:
        out, _ = proc.communicate(timeout=1800)
        return out
    return proc


def read_ledger(path):
    """Message-ID → outcome of the client (accepted / refused / error)."""
    outcome = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 3:
                    outcome[parts[0]] = parts[2]
    return outcome


def acknowledged(path):
    """The Message-IDs the client got 250 for."""
    return {m for m, o in read_ledger(path).items() if o == "accepted"}


def ledger_replies(path):
    """(outcome, reply) of every line of a ledger."""
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 4:
                    rows.append((parts[2], parts[3]))
    return rows


def wait_until(predicate, timeout, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def verdict(name, ok, lines):
    print()
    print(f"{'PASS' if ok else 'FAIL'} {name}")
    for line in lines:
        print("   ", line)
    sys.exit(0 if ok else 1)
