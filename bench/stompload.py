#!/usr/bin/env python3
"""Publishes simple-text mails to the gateway's JMS intake over STOMP (standard library only).

    python3 bench/stompload.py --port 61616 --user bench --password ... --messages 1000 --connections 4

Each connection sends SEND frames (persistent:true, a receipt requested on each) one after the other and
waits for each RECEIPT, which Artemis sends once the message is stored: a synchronous durable publish,
as an application that must know its mail is safe does it. The payload is the README's "simple text"
form: properties To, From, Subject and a text body of about --size bytes (no content-length header, so
the broker makes it a TextMessage). Prints JSON: t_start, t_last_receipt (time.monotonic()), published.
"""
import argparse
import asyncio
import json
import sys
import time


def frame(command, headers, body=b""):
    head = "\n".join([command] + [f"{k}:{v}" for k, v in headers.items()]) + "\n\n"
    return head.encode("utf-8") + body + b"\0"


async def read_frame(reader):
    data = await reader.readuntil(b"\0")
    text = data[:-1].lstrip(b"\r\n").decode("utf-8", "replace")
    command, _, rest = text.partition("\n")
    headers = {}
    for line in rest.split("\n\n", 1)[0].split("\n"):
        k, _, v = line.partition(":")
        headers[k] = v
    return command, headers, text


class Publisher:
    def __init__(self, a):
        self.a = a
        self.next = 0
        self.published = 0
        self.errors = []
        self.body = (("Published over STOMP by the benchmark. " * 40)[: a.size]).encode("ascii")

    def take(self):
        if self.next >= self.a.messages:
            return None
        self.next += 1
        return self.next

    async def connection(self, number):
        a = self.a
        reader, writer = await asyncio.open_connection(a.host, a.port)
        writer.write(frame("CONNECT", {"accept-version": "1.2", "host": "localhost",
                                       "login": a.user, "passcode": a.password}))
        command, _, text = await read_frame(reader)
        if command != "CONNECTED":
            self.errors.append(text[:300])
            writer.close()
            return
        while (seq := self.take()) is not None:
            writer.write(frame("SEND", {"destination": a.queue, "persistent": "true",
                                        "To": a.recipient, "From": a.sender,
                                        "Subject": f"jms bench {a.run} {seq}",
                                        "receipt": str(seq)}, self.body))
            command, headers, text = await read_frame(reader)
            if command == "RECEIPT" and headers.get("receipt-id") == str(seq):
                self.published += 1
                self.t_last = time.monotonic()
            else:
                self.errors.append(text[:300])
                break
        writer.write(frame("DISCONNECT", {}))
        writer.close()

    async def main(self):
        self.t_start = time.monotonic()
        self.t_last = None
        await asyncio.gather(*(self.connection(i) for i in range(self.a.connections)))


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--queue", default="mail.submit")
    p.add_argument("--messages", type=int, default=100)
    p.add_argument("--connections", type=int, default=4)
    p.add_argument("--size", type=int, default=1000)
    p.add_argument("--sender", default="bench@example.com")
    p.add_argument("--recipient", default="sink@example.net")
    p.add_argument("--run", default=str(int(time.time())))
    a = p.parse_args(argv)
    pub = Publisher(a)
    asyncio.run(pub.main())
    print(json.dumps({"published": pub.published, "errors": pub.errors[:5],
                      "t_start": pub.t_start, "t_last_receipt": pub.t_last}))


if __name__ == "__main__":
    main(sys.argv[1:])
