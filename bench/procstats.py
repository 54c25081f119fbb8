"""What a relay costs, read from /proc: CPU time and memory of a process tree.

A relay is a set of processes: the gateway is one JVM; Postfix is its master and every daemon the master
forked (smtpd, cleanup, qmgr, smtp, trivial-rewrite, postlogd, ...). Daemons come and go during a run
(cleanup exits after max_use requests), so CPU is counted as

    master's utime + stime + cutime + cstime   (cutime/cstime: children the master has reaped)
  + utime + stime of every descendant alive now

which keeps the CPU of daemons that exited in between. Memory is sampled by a background thread (sum of VmRSS over
the tree every 100 ms; sum of Pss from smaps_rollup, which is costlier to read, every second); Pss divides shared pages (libc, Postfix's shared
libraries) among the processes that map them, so for a multi-process relay it is the fairer figure.
"""
import os
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    """Fields of /proc/PID/stat after the command name (index 0 = state, field 3 of the file)."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        data = f.read()
    return data[data.rindex(b")") + 2:].split()


def tree(root):
    """root and all its descendants alive now, from the kernel's children lists of each main thread
    (Postfix's daemons are single-threaded; the gateway forks nothing)."""
    result, todo = [], [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/task/{pid}/children", "rb") as f:
                children = [int(c) for c in f.read().split()]
        except OSError:
            continue  # exited
        result.append(pid)
        todo.extend(children)
    return result


def cpu_seconds(root):
    """CPU seconds (user + system) the tree under root has used so far, reaped children included."""
    total = 0
    for pid in tree(root):
        try:
            f = _stat_fields(pid)
        except OSError:
            continue  # exited between the listing and now
        # fields 14-17 of the file: utime stime cutime cstime (index 11-14 here)
        total += int(f[11]) + int(f[12])
        if pid == root:
            total += int(f[13]) + int(f[14])
    return total / CLK_TCK


def rss_kb(pids):
    """Sum of VmRSS over pids (from /proc/PID/status: cheap, kernel counters)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status", "rb") as f:
                for line in f:
                    if line.startswith(b"VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def pss_kb(pids):
    """Sum of Pss over pids (from smaps_rollup: the kernel walks the page tables, ~10 ms for a JVM)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def vm_hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def system_busy_seconds():
    """CPU seconds all cores spent not idle (user, nice, system, irq, softirq, steal) since boot."""
    with open("/proc/stat", "rb") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


class MemorySampler:
    """Samples a process tree's memory until stopped and keeps the peaks: RSS every interval seconds,
    PSS (costlier to read) every pss_every-th sample and at the end."""

    def __init__(self, root, interval=0.1, pss_every=10):
        self.root = root
        self.interval = interval
        self.pss_every = pss_every
        self.peak_rss_kb = 0
        self.peak_pss_kb = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, with_pss):
        pids = tree(self.root)
        self.peak_rss_kb = max(self.peak_rss_kb, rss_kb(pids))
        if with_pss:
            self.peak_pss_kb = max(self.peak_pss_kb, pss_kb(pids))
        self.samples += 1

    def _run(self):
        while not self._stop.is_set():
            self._sample(self.samples % self.pss_every == 0)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample(True)
        return False


class CpuMeter:
    """CPU seconds of a tree, of the whole machine, and wall time between start() and stop()."""

    def __init__(self, root, others=()):
        self.root = root
        self.others = others  # pids (single processes) also measured, e.g. the sink

    def start(self):
        self._wall = time.monotonic()
        self._relay = cpu_seconds(self.root)
        self._others = {pid: cpu_seconds(pid) for pid in self.others}
        self._system = system_busy_seconds()
        return self

    def stop(self):
        self.wall = time.monotonic() - self._wall
        self.relay = cpu_seconds(self.root) - self._relay
        self.other_pids = {pid: cpu_seconds(pid) - before for pid, before in self._others.items()}
        self.system = system_busy_seconds() - self._system
        return self
