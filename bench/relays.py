"""The processes of a benchmark: the sink (smtp-sink), the gateway and a private Postfix instance.

Each is started and stopped by the harness, by process id. Ports are picked free at start.
"""
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_220(port, deadline, alive=lambda: True):
    """Polls 127.0.0.1:port every 20 ms until a server greets with 220; returns the monotonic time of it."""
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError("process exited before it greeted")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.settimeout(10)
                line = s.makefile("rb").readline()
                if line.startswith(b"220"):
                    t = time.monotonic()
                    try:
                        s.sendall(b"QUIT\r\n")
                    except OSError:
                        pass
                    return t
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"nothing greeted with 220 on port {port} in time")


class Sink:
    """smtp-sink on loopback; a thread reads its running counter (-c) and timestamps each delivery.

    smtp-sink prints "sess=N quit=N mesg=N" followed by a carriage return whenever a "." is received (and
    when a session ends), unbuffered. times[i] is the time.monotonic() at which message i+1 was counted.
    """

    MESG = re.compile(rb"mesg=(\d+)")

    def __init__(self, log):
        self.log = log
        self.port = free_port()
        self.times = []
        self._cond = threading.Condition()

    def start(self):
        # -u nobody: smtp-sink refuses to keep root privileges; backlog 1024
        self.proc = subprocess.Popen(
            ["smtp-sink", "-c", "-u", "nobody", f"127.0.0.1:{self.port}", "1024"],
            stdout=subprocess.PIPE, stderr=open(self.log, "ab"), bufsize=0)
        self.pid = self.proc.pid
        threading.Thread(target=self._read, daemon=True).start()
        wait_for_220(self.port, time.monotonic() + 10, lambda: self.proc.poll() is None)
        return self

    def _read(self):
        pending = b""
        while True:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                return
            now = time.monotonic()
            pending += chunk
            *records, pending = pending.split(b"\r")
            count = None
            for record in records:
                m = self.MESG.search(record)
                if m:
                    count = int(m.group(1))
            if count is not None and count > len(self.times):
                with self._cond:
                    self.times.extend([now] * (count - len(self.times)))
                    self._cond.notify_all()

    @property
    def count(self):
        return len(self.times)

    def wait_for(self, count, stall_timeout, overall_timeout):
        """Waits until count messages arrived in total. Gives up when nothing arrives for stall_timeout
        seconds or after overall_timeout; returns whether count was reached."""
        deadline = time.monotonic() + overall_timeout
        with self._cond:
            last, last_change = len(self.times), time.monotonic()
            while len(self.times) < count:
                now = time.monotonic()
                if now > deadline or now - last_change > stall_timeout:
                    return False
                self._cond.wait(0.5)
                if len(self.times) != last:
                    last, last_change = len(self.times), time.monotonic()
            return True

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


class Relay:
    name = "?"
    port = None
    pid = None

    def stop(self):
        raise NotImplementedError


class Gateway(Relay):
    """target/mail-gateway.jar started by bin/mail-gateway (the launcher's default JVM options) from the
    repository folder (routes/, artemis-config/), smart host mode to the sink, configured by environment
    variables only."""

    name = "gateway"

    def __init__(self, work, sink_port, java_opts=(), extra_env=None):
        self.work = work
        self.extra_env = dict(extra_env or {})
        self.data = os.path.join(work, "gateway-data")
        self.log = os.path.join(work, "gateway.log")
        self.sink_port = sink_port
        self.java_opts = list(java_opts)
        self.jms_user = "bench"
        self.jms_password = secrets.token_urlsafe(12)
        self.pidfile = os.path.join(work, "gateway.pid")

    def environment(self):
        env = dict(os.environ)
        env.update({
            "GATEWAY_DATA_DIR": self.data,
            "GATEWAY_SMTP_RELAY_PORT": str(self.port),
            "GATEWAY_SMTP_SUBMISSION_PORT": "0",
            "GATEWAY_SMTP_SMTPS_PORT": "0",
            "GATEWAY_JMS_PORT": str(self.jms_port),
            "SERVER_PORT": "0",
            "GATEWAY_DELIVERY_SMARTHOST_HOST": "127.0.0.1",
            "GATEWAY_DELIVERY_SMARTHOST_PORT": str(self.sink_port),
            "GATEWAY_DELIVERY_SMARTHOST_TLS": "none",
            # 50 sessions come from one address (the default allows 20 per client)
            "GATEWAY_SMTP_MAX_CONNECTIONS_PER_CLIENT": "100",
            "GATEWAY_JMS_USERNAME": self.jms_user,
            "GATEWAY_JMS_PASSWORD": self.jms_password,
            "GATEWAY_CONSOLE_PASSWORD": secrets.token_urlsafe(12),
        })
        env.update(self.extra_env)
        return env

    @property
    def pickup_dir(self):
        return os.path.join(self.data, "pickup")

    def start(self, timeout=180, keep_ports=False):
        """Starts the JVM; returns seconds from exec to the first 220 on the relay port."""
        if not (keep_ports and self.port):
            self.port = free_port()
            self.jms_port = free_port()
        os.makedirs(self.data, exist_ok=True)
        with open(self.log, "ab") as log:
            log.write(f"\n===== start {time.strftime('%H:%M:%S')} port {self.port}\n".encode())
            log.flush()
            t0 = time.monotonic()
            # as the README runs it: the launcher with its default JVM options (it execs java, so the pid is
            # the JVM's); java_opts come after the defaults and win
            env = self.environment()
            env["MAIL_GATEWAY_JAVA_OPTS"] = " ".join(self.java_opts)
            self.proc = subprocess.Popen([os.path.join(REPO, "bin", "mail-gateway")],
                                         cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        self.pid = self.proc.pid
        with open(self.pidfile, "w") as f:
            f.write(str(self.pid))
        t1 = wait_for_220(self.port, t0 + timeout, lambda: self.proc.poll() is None)
        return t1 - t0

    def kill(self):
        """SIGKILL: no shutdown hook, what a power cut looks like to the journal."""
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        if getattr(self, "proc", None) and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if os.path.exists(self.pidfile):
            os.unlink(self.pidfile)

    @staticmethod
    def kill_stale(work):
        """A gateway left running by an interrupted run of this harness (pid file in work/)."""
        pidfile = os.path.join(work, "gateway.pid")
        try:
            pid = int(open(pidfile).read())
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
            if b"mail-gateway.jar" in cmdline:
                os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError):
            pass


class Postfix(Relay):
    """A private Postfix instance: its own config_directory, queue_directory and data_directory under
    work/postfix, smtpd on its own loopback port, relayhost = the sink. Never the system instance."""

    name = "postfix"

    def __init__(self, work, sink_port):
        self.root = os.path.join(work, "postfix")
        self.etc = os.path.join(self.root, "etc")
        self.queue = os.path.join(self.root, "spool")
        self.data = os.path.join(self.root, "data")
        self.sink_port = sink_port

    def setup(self):
        self.port = free_port()
        for d in (self.etc, self.queue, self.data):
            os.makedirs(d, exist_ok=True)
        shutil.chown(self.data, "postfix", "postfix")
        values = {"@QUEUE@": self.queue, "@DATA@": self.data, "@WORK@": self.root,
                  "@SMTPD_PORT@": str(self.port), "@SINK_PORT@": str(self.sink_port)}
        for name in ("main.cf", "master.cf"):
            with open(os.path.join(BENCH, "postfix", name)) as f:
                text = f.read()
            for k, v in values.items():
                text = text.replace(k, v)
            with open(os.path.join(self.etc, name), "w") as f:
                f.write(text)

    def postfix(self, *args, check=True):
        return subprocess.run(["postfix", "-c", self.etc, *args], check=check,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def master_pid(self):
        try:
            return int(open(os.path.join(self.queue, "pid", "master.pid")).read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def start(self, timeout=60):
        """Starts the master; returns seconds from `postfix start` to the first 220."""
        t0 = time.monotonic()
        out = self.postfix("start", check=False)
        if out.returncode != 0:
            raise RuntimeError(f"postfix -c {self.etc} start failed: {out.stdout}")
        deadline = t0 + timeout
        while self.master_pid() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        self.pid = self.master_pid()
        t1 = wait_for_220(self.port, deadline)
        return t1 - t0

    def queued_files(self):
        n = 0
        for q in ("maildrop", "incoming", "active", "deferred", "hold"):
            for _, _, files in os.walk(os.path.join(self.queue, q)):
                n += len(files)
        return n

    def stop(self):
        pid = self.master_pid()
        if pid is None:
            return
        self.postfix("stop", check=False)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except OSError:
                break
            time.sleep(0.1)
        else:
            self.postfix("abort", check=False)

    def stop_stale(self):
        if os.path.exists(os.path.join(self.etc, "main.cf")) and self.master_pid():
            self.postfix("stop", check=False)
