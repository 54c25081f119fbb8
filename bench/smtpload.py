#!/usr/bin/env python3
"""SMTP load with per-message accept latency (smtp-source sends the same way but reports no latency).

    python3 bench/smtpload.py --port 2525 --sessions 10 --messages 1000 --size 1024 [--json]

N sessions (asyncio, one process) share a counter of messages to send. Each session connects once,
says EHLO, then sends message after message on the same connection (as `smtp-source -d` does):
MAIL FROM, RCPT TO (one recipient), DATA, the message, "." — one command at a time, never pipelined,
whether or not the server offers PIPELINING, so every relay gets the same dialogue — and QUIT at the end.

Accept latency of a message = from writing MAIL FROM to reading the reply to the final "." — what a
sending application waits for each message. Reported on stdout (JSON with --json):
  t_start (time.monotonic() before the first connection; CLOCK_MONOTONIC is the same clock in every
  process on the machine), t_last_accept, accepted, failed, latency percentiles, the replies of
  failures, and the client's own CPU seconds (to show whether the client was a bottleneck).

Messages are `size` bytes in total (headers + body, CRLF lines of 76 characters, none starting with "."),
each with its own Message-ID `<RUN.SEQ@bench.invalid>`. --ledger writes one line per message tried
(Message-ID, time, accepted | refused | error, the reply) for fault tests; --trickle makes a slow client.
"""
import argparse
import asyncio
import json
import os
import resource
import sys
import time


def make_body(size, header_len):
    line = b"The quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRST\r\n"  # 78 bytes
    remaining = max(size - header_len, len(line))
    body = line * (remaining // len(line))
    tail = remaining - len(body)
    if tail >= 3:
        body += b"x" * (tail - 2) + b"\r\n"
    return body


def header(run, seq, sender, recipient):
    return (f"From: Bench <{sender}>\r\n"
            f"To: <{recipient}>\r\n"
            f"Subject: bench {run} {seq}\r\n"
            f"Message-ID: <{run}.{seq}@bench.invalid>\r\n"
            f"Date: Thu, 1 Jan 2026 00:00:00 +0000\r\n"
            f"MIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=us-ascii\r\n"
            f"\r\n").encode("ascii")


class SmtpError(Exception):
    pass


async def reply(reader):
    """One SMTP reply (possibly multi-line): (code, text of the last line)."""
    while True:
        line = await reader.readline()
        if not line:
            raise SmtpError("connection closed")
        if len(line) < 4 or line[3:4] != b"-":
            return int(line[:3]), line.decode("ascii", "replace").strip()


class Load:
    def __init__(self, args):
        self.args = args
        self.run = args.run or f"r{os.getpid()}x{int(time.time())}"
        self.next_seq = 0
        self.latencies = []
        self.accepted = 0
        self.failed = 0
        self.failures = []
        self.t_last_accept = None
        self.body = make_body(args.size, len(header(self.run, 0, args.sender, args.recipient)))
        self.ledger = open(args.ledger, "a", buffering=1) if args.ledger else None

    def take(self):
        if self.next_seq >= self.args.messages:
            return None
        self.next_seq += 1
        return self.next_seq

    def note(self, seq, t, outcome, text):
        """One ledger line: Message-ID, time, accepted | refused | error, the reply or the error."""
        if self.ledger:
            self.ledger.write(f"{self.run}.{seq}@bench.invalid\t{t:.6f}\t{outcome}\t{text}\n")

    def refused(self, seq, command, code, text):
        """A refusal before the message was sent: ledger line; True when the session must end. A 421 means
        the server closes the connection (RFC 5321 §3.8: e.g. it is shutting down), so nothing more is sent
        on it; sending the next message there would only meet a closed socket."""
        self.fail(f"{command} {text}")
        self.note(seq, time.monotonic(), "refused", text)
        return code == 421

    def fail(self, what):
        self.failed += 1
        if len(self.failures) < 20:
            self.failures.append(what)

    async def trickle(self, reader, writer):
        """A slow client: the body in 20 pieces spread over --trickle seconds. A reply the server sends in
        the middle (421 when it shuts down) is read, not lost in a failed write."""
        answer = asyncio.ensure_future(reply(reader))
        step = -(-len(self.body) // 20)
        try:
            for i in range(0, len(self.body), step):
                if answer.done():
                    break
                writer.write(self.body[i:i + step])
                await writer.drain()
                await asyncio.sleep(self.args.trickle / 20)
            if not answer.done():
                writer.write(b".\r\n")
                await writer.drain()
        except OSError:
            pass  # the server closed; what it said before, if anything, is in answer
        try:
            return await asyncio.wait_for(answer, 30)
        except asyncio.TimeoutError:
            raise SmtpError("no reply to the end of DATA")

    async def session(self, number):
        a = self.args
        try:
            reader, writer = await asyncio.open_connection(a.host, a.port, limit=1 << 16)
        except OSError as e:
            self.fail(f"session {number}: connect: {e}")
            return
        seq = None
        try:
            code, text = await reply(reader)
            if code != 220:
                self.fail(f"session {number}: greeting {text}")
                return
            writer.write(b"EHLO bench.invalid\r\n")
            code, text = await reply(reader)
            if code != 250:
                self.fail(f"session {number}: EHLO {text}")
                return
            while (seq := self.take()) is not None:
                head = header(self.run, seq, a.sender, a.recipient)
                t0 = time.monotonic()
                writer.write(f"MAIL FROM:<{a.sender}>\r\n".encode("ascii"))
                code, text = await reply(reader)
                if code != 250:
                    if self.refused(seq, "MAIL", code, text):
                        return
                    continue
                writer.write(f"RCPT TO:<{a.recipient}>\r\n".encode("ascii"))
                code, text = await reply(reader)
                if code not in (250, 251):
                    if self.refused(seq, "RCPT", code, text):
                        return
                    writer.write(b"RSET\r\n")
                    await reply(reader)
                    continue
                writer.write(b"DATA\r\n")
                code, text = await reply(reader)
                if code != 354:
                    if self.refused(seq, "DATA", code, text):
                        return
                    continue
                writer.write(head)
                if a.trickle > 0:
                    code, text = await self.trickle(reader, writer)
                else:
                    writer.write(self.body)
                    writer.write(b".\r\n")
                    await writer.drain()
                    code, text = await reply(reader)
                t1 = time.monotonic()
                if code == 250:
                    self.accepted += 1
                    self.latencies.append(t1 - t0)
                    self.t_last_accept = t1
                    self.note(seq, t1, "accepted", text)
                else:
                    self.fail(f"end of DATA {text}")
                    self.note(seq, t1, "refused", text)
                    if code == 421:
                        return
            writer.write(b"QUIT\r\n")
            await writer.drain()
            try:
                await asyncio.wait_for(reply(reader), 5)
            except (asyncio.TimeoutError, SmtpError):
                pass
        except (OSError, SmtpError) as e:
            self.fail(f"session {number}: {e}")
            if seq is not None:
                self.note(seq, time.monotonic(), "error", str(e))
        finally:
            writer.close()

    async def main(self):
        self.t_start = time.monotonic()
        await asyncio.gather(*(self.session(i) for i in range(self.args.sessions)))
        self.t_end = time.monotonic()


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * p // 100))  # ceil(n * p / 100)
    return sorted_values[int(rank) - 1]


def run(args):
    load = Load(args)
    asyncio.run(load.main())
    lat = sorted(load.latencies)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "run": load.run,
        "sessions": args.sessions, "messages": args.messages, "size": args.size,
        "message_bytes": len(header(load.run, 1, args.sender, args.recipient)) + len(load.body),
        "accepted": load.accepted, "failed": load.failed, "failures": load.failures,
        "t_start": load.t_start, "t_last_accept": load.t_last_accept, "t_end": load.t_end,
        "latency_p50": percentile(lat, 50), "latency_p99": percentile(lat, 99),
        "latency_max": lat[-1] if lat else None,
        "client_cpu_s": usage.ru_utime + usage.ru_stime,
    }


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--sessions", type=int, default=1)
    p.add_argument("--messages", type=int, default=100)
    p.add_argument("--size", type=int, default=1024, help="bytes per message, headers included")
    p.add_argument("--sender", default="bench@example.com")
    p.add_argument("--recipient", default="sink@example.net")
    p.add_argument("--run", help="run id used in Message-IDs (default: pid and time)")
    p.add_argument("--ledger", help="append one line per message tried: Message-ID, time, "
                                    "accepted/refused/error, the reply")
    p.add_argument("--trickle", type=float, default=0, help="spread each message body over this many seconds")
    p.add_argument("--json", action="store_true")
    return p.parse_args(argv)


if __name__ == "__main__":
    a = parse(sys.argv[1:])
    result = run(a)
    if a.json:
        print(json.dumps(result))
    else:
        took = (result["t_last_accept"] or result["t_end"]) - result["t_start"]
        print(f"accepted {result['accepted']} failed {result['failed']} in {took:.2f}s = "
              f"{result['accepted'] / took:.1f} msg/s; latency p50 {result['latency_p50']} "
              f"p99 {result['latency_p99']}; client CPU {result['client_cpu_s']:.2f}s")
        for f in result["failures"]:
            print("  ", f)
