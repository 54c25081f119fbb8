#!/usr/bin/env python3
"""The gateway side by side with a private Postfix: SMTP relay workloads, start time, JMS and pickup intake.

Run it through bench/run-all.sh (which checks the prerequisites); the method is described there and in
the README's "Performance" section. Results: a Markdown table on stdout, and bench/results/<time>/
(results.json with every run, table.md).
"""
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time

import procstats
from relays import BENCH, Gateway, Postfix, Sink

PY = sys.executable
KB, MB = 1024, 1024 * 1024

# The rows, run in this order by one gateway JVM and one Postfix instance (started once, warmed up first):
# (size, sessions, messages in a full run, messages with QUICK=1 or None: row left out in QUICK)
ROWS = [
    (1 * KB, 1, 600, 150),
    (1 * KB, 10, 3000, 500),
    (1 * KB, 50, 5000, 800),
    (100 * KB, 1, 400, None),
    (100 * KB, 10, 1200, 300),
    (100 * KB, 50, 2000, None),
    (5 * MB, 1, 30, None),
    (5 * MB, 10, 80, 20),
]
# The warm-up through each relay before anything is measured (10 sessions): (size, full, QUICK). The JVM
# compiles its hot paths during roughly the first 15,000 messages (C2 compiler threads used more CPU than
# the mail itself before that), so a short warm-up would measure the JIT, not the gateway.
WARMUP = [(1 * KB, 12000, 4000), (100 * KB, 300, 100), (5 * MB, 10, 4)]
# Gateway starts measured for start-to-first-220 (the first on an empty data folder), each stopped again.
STARTS = int(os.environ.get("BENCH_STARTS", "3"))


def harness_cpu():
    """CPU seconds of this harness process (memory sampler, sink reader); the client is counted apart."""
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def size_label(size):
    return f"{size // MB} MB" if size >= MB else f"{size // KB} KB"


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


class Bench:
    def __init__(self):
        self.quick = os.environ.get("QUICK") == "1"
        self.reps = int(os.environ.get("BENCH_REPS", "3"))
        self.scale = float(os.environ.get("BENCH_SCALE", "1"))
        only = os.environ.get("BENCH_ONLY", "")  # e.g. "1KBx10,5MBx10"
        self.only = {o.strip().replace(" ", "").upper() for o in only.split(",") if o.strip()}
        self.extras = os.environ.get("BENCH_EXTRAS", "1") == "1"
        self.java_opts = os.environ.get("BENCH_JAVA_OPTS", "").split()
        self.work = os.path.join(BENCH, "work")
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.out = os.path.join(BENCH, "results", stamp)
        self.results = {"started": stamp, "quick": self.quick, "reps": self.reps, "machine": machine(),
                        "gateway_env": {k: v for k, v in os.environ.items() if k.startswith("GATEWAY_")},
                        "java_opts": self.java_opts, "workloads": [], "starts": [], "direct": []}

    # ---------------------------------------------------------------- lifecycle

    def prepare(self):
        Gateway.kill_stale(self.work)
        stale = Postfix(self.work, 0)
        stale.stop_stale()
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        os.makedirs(self.out)
        self.sink = Sink(os.path.join(self.work, "sink.log")).start()
        self.gateway = Gateway(self.work, self.sink.port, self.java_opts)
        self.postfix = Postfix(self.work, self.sink.port)
        self.postfix.setup()
        log(f"work folder {self.work}, sink smtp-sink on 127.0.0.1:{self.sink.port}")

    def shutdown(self):
        for part in (getattr(self, "gateway", None), getattr(self, "postfix", None), getattr(self, "sink", None)):
            if part is not None:
                try:
                    part.stop()
                except Exception as e:  # keep stopping the others
                    log("stop failed:", e)

    def start_gateway(self):
        """Starts the gateway; records wall seconds to the first 220, the CPU seconds the JVM used until
        then (the start's work, independent of how busy the machine is) and how busy the rest was."""
        first = not any(s["relay"] == "gateway" for s in self.results["starts"])
        busy0 = procstats.system_busy_seconds()
        t = self.gateway.start()
        cpu = procstats.cpu_seconds(self.gateway.pid)
        others = max(0.0, procstats.system_busy_seconds() - busy0 - cpu) / t
        self.results["starts"].append({"relay": "gateway", "seconds": t, "cpu_s": cpu, "first": first,
                                       "others_cores": others})
        log(f"gateway up: first 220 after {t:.2f} s, {cpu:.1f} s CPU, others busy {others:.2f} cores "
            f"(pid {self.gateway.pid}, port {self.gateway.port})")

    def start_times(self):
        """STARTS gateway starts (and Postfix starts), each stopped again: start to first 220."""
        for i in range(STARTS):
            self.start_gateway()
            self.gateway.stop()
            self.start_postfix()
            self.postfix.stop()
            time.sleep(1)

    def start_postfix(self):
        t = self.postfix.start()
        self.results["starts"].append({"relay": "postfix", "seconds": t, "first": False})
        log(f"postfix up: first 220 after {t:.2f} s (master pid {self.postfix.pid}, port {self.postfix.port})")

    # ---------------------------------------------------------------- one SMTP run

    def client(self, port, sessions, messages, size):
        out = subprocess.run([PY, os.path.join(BENCH, "smtpload.py"), "--port", str(port), "--sessions",
                              str(sessions), "--messages", str(messages), "--size", str(size), "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=1800)
        if out.returncode != 0:
            raise RuntimeError(f"smtpload failed: {out.stderr[-2000:]}")
        return json.loads(out.stdout)

    def smtp_run(self, relay, size, sessions, messages, measure=True):
        """One run: the client sends `messages` through relay; waits until the sink has them all."""
        base = self.sink.count
        cpu = procstats.CpuMeter(relay.pid, [self.sink.pid]).start() if measure else None
        load = procstats.loadavg()
        sampler = procstats.MemorySampler(relay.pid) if measure else None
        harness0 = harness_cpu()
        if sampler:
            sampler.__enter__()
        try:
            c = self.client(relay.port, sessions, messages, size)
            expected = base + c["accepted"]
            complete = self.sink.wait_for(expected, stall_timeout=60, overall_timeout=900)
        finally:
            if sampler:
                sampler.__exit__(None, None, None)
        if not measure:
            return c
        cpu.stop()
        n = c["accepted"]
        t_last_delivery = self.sink.times[expected - 1] if complete and n else None
        harness = harness_cpu() - harness0
        other_cpu = cpu.system - cpu.relay - c["client_cpu_s"] - sum(cpu.other_pids.values()) - harness
        run = {
            "relay": relay.name, "messages": messages, "accepted": n, "failed": c["failed"],
            "failures": c["failures"], "complete": complete,
            "delivered": self.sink.count - base,
            "accepted_per_s": n / (c["t_last_accept"] - c["t_start"]) if n else 0,
            "delivered_per_s": n / (t_last_delivery - c["t_start"]) if t_last_delivery else None,
            "p50_ms": c["latency_p50"] * 1000 if n else None,
            "p99_ms": c["latency_p99"] * 1000 if n else None,
            "max_ms": c["latency_max"] * 1000 if n else None,
            "peak_rss_mb": sampler.peak_rss_kb / 1024, "peak_pss_mb": sampler.peak_pss_kb / 1024,
            "memory_samples": sampler.samples,
            "cpu_ms_per_msg": cpu.relay * 1000 / n if n else None,
            "relay_cpu_s": cpu.relay, "client_cpu_s": c["client_cpu_s"],
            "sink_cpu_s": sum(cpu.other_pids.values()), "harness_cpu_s": harness, "wall_s": cpu.wall,
            "others_cores": max(0.0, other_cpu) / cpu.wall, "loadavg": load,
        }
        if relay.name == "gateway":
            run["vm_hwm_mb"] = procstats.vm_hwm_kb(relay.pid) / 1024
        log(f"  {relay.name:8} {n}/{messages} accepted {run['accepted_per_s']:.1f}/s, delivered "
            f"{fmt(run['delivered_per_s'])}/s, p50 {fmt(run['p50_ms'])} ms, p99 {fmt(run['p99_ms'])} ms, "
            f"CPU {fmt(run['cpu_ms_per_msg'])} ms/msg, RSS {run['peak_rss_mb']:.0f} MB, PSS "
            f"{run['peak_pss_mb']:.0f} MB, others busy {run['others_cores']:.2f} cores"
            + ("" if complete and not c["failed"] else f"  INCOMPLETE/FAILED {c['failures'][:3]}"))
        return run

    def idle_cpu(self, relay, seconds=5):
        """CPU the relay uses doing nothing (after the warm-up, queue empty): cores busy on average."""
        time.sleep(1)
        cpu = procstats.CpuMeter(relay.pid).start()
        time.sleep(seconds)
        cpu.stop()
        self.results.setdefault("idle", []).append({"relay": relay.name, "cores": cpu.relay / cpu.wall})
        log(f"  {relay.name} idle: {cpu.relay / cpu.wall:.3f} cores")

    def direct(self, label, size, sessions, messages):
        """The load client straight into the sink: what client and sink manage without a relay."""
        d = self.client(self.sink.port, sessions, messages, size)
        self.results["direct"].append({"workload": label, "accepted_per_s": d["accepted"] / (d["t_last_accept"] - d["t_start"]),
                                       "p50_ms": d["latency_p50"] * 1000, "p99_ms": d["latency_p99"] * 1000,
                                       "client_cpu_s": d["client_cpu_s"]})

    def warm_up(self):
        for size, full, quick in WARMUP:
            n = max(10, int((quick if self.quick else full) * self.scale))
            for relay in (self.gateway, self.postfix):
                t0 = time.monotonic()
                self.smtp_run(relay, size, 10, n, measure=False)
                log(f"  warm-up {relay.name}: {n} x {size_label(size)} in {time.monotonic() - t0:.1f} s")

    def row(self, size, sessions, messages):
        """One row: the client straight into the sink once, then G P, P G, G P, ... (median of reps)."""
        label = f"{size_label(size)} x {sessions}"
        log(f"workload {label} sessions, {messages} messages, {self.reps} runs per relay")
        self.direct(label, size, sessions, messages)
        runs = []
        for rep in range(self.reps):
            order = (self.gateway, self.postfix) if rep % 2 == 0 else (self.postfix, self.gateway)
            for relay in order:
                time.sleep(1)
                runs.append(self.smtp_run(relay, size, sessions, messages))
        self.results["workloads"].append({"label": label, "size": size, "sessions": sessions,
                                          "messages": messages, "runs": runs})
        self.save()

    # ---------------------------------------------------------------- JMS and pickup intake

    def jms_run(self, messages, connections=4):
        base = self.sink.count
        out = subprocess.run([PY, os.path.join(BENCH, "stompload.py"), "--port", str(self.gateway.jms_port),
                              "--user", self.gateway.jms_user, "--password", self.gateway.jms_password,
                              "--messages", str(messages), "--connections", str(connections)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=1800)
        if out.returncode != 0:
            raise RuntimeError(f"stompload failed: {out.stderr[-2000:]}")
        p = json.loads(out.stdout)
        n = p["published"]
        complete = self.sink.wait_for(base + n, stall_timeout=60, overall_timeout=900)
        t_last = self.sink.times[base + n - 1] if complete and n else None
        run = {"messages": messages, "published": n, "errors": p["errors"], "complete": complete,
               "published_per_s": n / (p["t_last_receipt"] - p["t_start"]) if n else 0,
               "delivered_per_s": n / (t_last - p["t_start"]) if t_last else None}
        log(f"  jms: {n}/{messages} published {run['published_per_s']:.1f}/s, published→delivered "
            f"{fmt(run['delivered_per_s'])}/s" + ("" if complete and not p["errors"] else f" FAILED {p['errors']}"))
        return run

    def pickup_run(self, files, size=1 * KB):
        base = self.sink.count
        folder = self.gateway.pickup_dir
        os.makedirs(folder, exist_ok=True)
        stamp = f"{int(time.time() * 1000)}"
        body = ("Dropped into the pickup folder by the benchmark.\r\n" * (size // 50)).encode("ascii")
        t0 = time.monotonic()
        for i in range(files):
            name = os.path.join(folder, f"bench-{stamp}-{i}.eml")
            with open(name + ".tmp", "wb") as f:  # *.tmp is skipped; renamed when complete
                f.write((f"From: <bench@example.com>\r\nTo: <sink@example.net>\r\n"
                         f"Subject: pickup bench {stamp} {i}\r\nMessage-ID: <pickup.{stamp}.{i}@bench.invalid>\r\n"
                         f"\r\n").encode("ascii") + body)
            os.rename(name + ".tmp", name)
        t_dropped = time.monotonic()
        complete = self.sink.wait_for(base + files, stall_timeout=60, overall_timeout=900)
        n = self.sink.count - base
        t_first = self.sink.times[base] if n else None
        t_last = self.sink.times[base + files - 1] if complete else None
        run = {"files": files, "delivered": n, "complete": complete, "drop_s": t_dropped - t0,
               "files_per_s": files / (t_last - t0) if t_last else None,
               "first_delivery_after_s": t_first - t0 if t_first else None,
               "first_to_last_per_s": (files - 1) / (t_last - t_first) if t_last and files > 1 and t_last > t_first else None}
        log(f"  pickup: {n}/{files} delivered, {fmt(run['files_per_s'])} files/s drop→delivered, first after "
            f"{fmt(run['first_delivery_after_s'])} s, {fmt(run['first_to_last_per_s'])}/s first→last")
        return run

    def intake_extras(self):
        """JMS and pickup intake through the running (warm) gateway, each warmed up first."""
        jms_n = int((500 if self.quick else 2000) * self.scale)
        pickup_n = int((300 if self.quick else 1000) * self.scale)
        log(f"JMS intake ({jms_n} messages) and pickup intake ({pickup_n} files), {self.reps} runs each")
        self.jms_run(max(100, jms_n // 2))  # warm-up
        self.results["jms"] = [self.jms_run(jms_n) for _ in range(self.reps)]
        self.pickup_run(max(50, pickup_n // 2))  # warm-up
        self.results["pickup"] = [self.pickup_run(pickup_n) for _ in range(self.reps)]
        self.save()

    # ---------------------------------------------------------------- output

    def save(self):
        with open(os.path.join(self.out, "results.json"), "w") as f:
            json.dump(self.results, f, indent=1)

    def main(self):
        self.prepare()
        try:
            self.start_times()
            rows = []
            for size, sessions, full, quick in ROWS:
                messages = quick if self.quick else full
                label = f"{size_label(size)}x{sessions}".replace(" ", "").upper()
                if messages is not None and (not self.only or label in self.only):
                    rows.append((size, sessions, max(sessions, int(messages * self.scale))))
            self.start_gateway()
            self.start_postfix()
            self.warm_up()
            for relay in (self.gateway, self.postfix):
                self.idle_cpu(relay)
            for size, sessions, messages in rows:
                self.row(size, sessions, messages)
            self.results["gateway_vm_hwm_mb"] = procstats.vm_hwm_kb(self.gateway.pid) / 1024
            self.postfix.stop()
            if self.extras:
                self.intake_extras()
        finally:
            self.shutdown()
            self.results["finished"] = time.strftime("%Y%m%d-%H%M%S")
            self.save()
        table = render(self.results)
        with open(os.path.join(self.out, "table.md"), "w") as f:
            f.write(table)
        print(table)
        log(f"results in {self.out}")


# -------------------------------------------------------------------- table

def fmt(v, digits=None):
    if v is None:
        return "–"
    if digits is None:
        digits = 0 if abs(v) >= 100 else 1 if abs(v) >= 10 else 2
    return f"{v:.{digits}f}"


def med(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def ratio(a, b):
    return f"{a / b:.2f}×" if a is not None and b not in (None, 0) else "–"


def render(results):
    m = results["machine"]
    lines = [f"Machine: {m['cpu']}, {m['nproc']} cores, {m['ram_gb']:.0f} GB RAM, Linux {m['kernel']}; {m['postfix']}; {m['java']}.",
             f"Gateway settings: {gateway_settings(results)}. Postfix: defaults (relayhost = the sink).",
             f"Each relay runs all rows in one process lifetime after a warm-up; median of {results['reps']} runs per "
             f"relay and row (alternating G P, P G, G P); peak memory = highest sample during the row's runs "
             f"(RSS every 100 ms, PSS every second, summed over the relay's processes). \"others busy\" = CPU "
             f"used by other processes on the machine during the run (not the relay, client, sink or harness).",
             ""]
    head = ["workload", "relay", "accepted msg/s", "delivered msg/s", "accept p50 ms", "accept p99 ms",
            "peak RSS MB", "peak PSS MB", "CPU ms/msg", "others busy (cores)"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    direct = {d["workload"]: d for d in results["direct"]}
    for w in results["workloads"]:
        per = {}
        for name in ("gateway", "postfix"):
            runs = [r for r in w["runs"] if r["relay"] == name]
            bad = sum(1 for r in runs if not r["complete"] or r["failed"])
            per[name] = {
                "acc": med(runs, "accepted_per_s"), "del": med(runs, "delivered_per_s"),
                "p50": med(runs, "p50_ms"), "p99": med(runs, "p99_ms"),
                "rss": max((r["peak_rss_mb"] for r in runs), default=None),
                "pss": max((r["peak_pss_mb"] for r in runs), default=None),
                "cpu": med(runs, "cpu_ms_per_msg"), "others": med(runs, "others_cores"), "bad": bad,
            }
        title = f"{size_label(w['size'])}, {w['sessions']} session{'s' if w['sessions'] > 1 else ''}, {w['messages']} msgs"
        for name in ("gateway", "postfix"):
            p = per[name]
            flag = f" ({p['bad']} of {len([r for r in w['runs'] if r['relay'] == name])} runs: mail refused or not delivered)" if p["bad"] else ""
            lines.append(f"| {title if name == 'gateway' else ''} | {name}{flag} | {fmt(p['acc'])} | {fmt(p['del'])} | "
                         f"{fmt(p['p50'])} | {fmt(p['p99'])} | {fmt(p['rss'], 0)} | {fmt(p['pss'], 0)} | "
                         f"{fmt(p['cpu'])} | {fmt(p['others'])} |")
        g, p = per["gateway"], per["postfix"]
        lines.append(f"| | **gateway / postfix** | **{ratio(g['acc'], p['acc'])}** | **{ratio(g['del'], p['del'])}** | "
                     f"{ratio(g['p50'], p['p50'])} | **{ratio(g['p99'], p['p99'])}** | {ratio(g['rss'], p['rss'])} | "
                     f"{ratio(g['pss'], p['pss'])} | {ratio(g['cpu'], p['cpu'])} | |")
        d = direct.get(w["label"])
        if d:
            lines.append(f"| | *client → sink, no relay* | *{fmt(d['accepted_per_s'])}* | | *{fmt(d['p50_ms'])}* | "
                         f"*{fmt(d['p99_ms'])}* | | | | |")
    lines.append("")
    starts = results["starts"]
    gw = [s for s in starts if s["relay"] == "gateway"]
    pf = [s["seconds"] for s in starts if s["relay"] == "postfix"]
    if gw:
        each = ", ".join(f"{s['seconds']:.1f}" + (" (first, empty data folder)" if s["first"] else "") for s in gw)
        lines.append(f"Start to first 220, gateway (`bin/mail-gateway`, exec to the first 220 greeting): {each} s; median "
                     f"{fmt(statistics.median(s['seconds'] for s in gw))} s, using {fmt(statistics.median(s['cpu_s'] for s in gw))} s "
                     f"of CPU while other work kept {fmt(statistics.median(s['others_cores'] for s in gw))} of "
                     f"{results['machine']['nproc']} cores busy. Postfix (`postfix start`): median "
                     f"{fmt(statistics.median(pf) if pf else None)} s.")
    if results.get("gateway_vm_hwm_mb"):
        lines.append(f"Gateway peak RSS over all SMTP rows (VmHWM): {results['gateway_vm_hwm_mb']:.0f} MB.")
    idle = results.get("idle", [])
    if idle:
        g = [i["cores"] * 1000 for i in idle if i["relay"] == "gateway"]
        p = [i["cores"] * 1000 for i in idle if i["relay"] == "postfix"]
        lines.append(f"Idle CPU (5 s after the warm-up, queue empty; ms of CPU per second): gateway "
                     f"{fmt(statistics.median(g))}, Postfix {fmt(statistics.median(p))} (median of {len(g)}).")
    if results.get("jms"):
        j = results["jms"]
        lines.append(f"JMS intake (STOMP, 4 connections, persistent SEND with a receipt each, {j[0]['messages']} msgs): "
                     f"published {fmt(med(j, 'published_per_s'))} msg/s, published → delivered "
                     f"{fmt(med(j, 'delivered_per_s'))} msg/s (median of {len(j)}).")
    if results.get("pickup"):
        pk = results["pickup"]
        lines.append(f"Pickup intake ({pk[0]['files']} .eml files of 1 KB): {fmt(med(pk, 'files_per_s'))} files/s from "
                     f"dropping the first file to the last delivery; first delivery after "
                     f"{fmt(med(pk, 'first_delivery_after_s'))} s (stable-time 2 s + poll 2 s), then "
                     f"{fmt(med(pk, 'first_to_last_per_s'))} files/s (median of {len(pk)}).")
    return "\n".join(lines) + "\n"


def gateway_settings(results):
    env = results.get("gateway_env") or {}
    parts = [f"{k}={v}" for k, v in sorted(env.items())] or ["defaults (delivery concurrency 4)"]
    parts.append("JVM options: " + (" ".join(results.get("java_opts") or []) or "the defaults of bin/mail-gateway"))
    return ", ".join(parts) + "; max-connections-per-client raised to 100"


def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        ram_kb = int(f.readline().split()[1])
    java = subprocess.run(["java", "-version"], stderr=subprocess.PIPE, text=True).stderr.splitlines()
    postfix = subprocess.run(["postconf", "-h", "mail_version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    return {"cpu": cpu, "nproc": os.cpu_count(), "ram_gb": ram_kb / 1024 / 1024,
            "java": java[1].strip() if len(java) > 1 else "?", "postfix": f"Postfix {postfix}",
            "kernel": os.uname().release}


if __name__ == "__main__":
    def terminate(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, terminate)
    if len(sys.argv) > 1 and sys.argv[1] == "--render":
        print(render(json.load(open(sys.argv[2]))))
    else:
        Bench().main()
