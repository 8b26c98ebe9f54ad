#!/usr/bin/env python3
"""Availability attacks on a real `stepyard serve` on loopback, each figure beside its bound.

    bench/abuse [--binary PATH] [--only N[,N]] [--quick] [--keep]

A temporary store is made from the bundled catalog/ (the first `serve` creates it) with an admin token. Each attack
then gets a fresh server process on a free 127.0.0.1 port (so one attack's leftovers, or its peak memory, are not
counted against the next), and a second, well-behaved client in a process of its own (so the harness's own work
does not delay it) GETs /healthz and /api/v1/search?q=go every 100 ms, each on a new connection, timing the answers.

  1  GET /api/v1/search with q= of 20 000, then 4 000, short words: a 4xx in under 1 s.
  2  100 PUTs without a token announcing Content-Length: 4194304 and sending the body at 4 KiB/s: each a 401 in
     under 1 s (so before the body is read); server peak RSS (VmHWM) under 200 MiB. Watched until the server closes
     them (at most the wait of attack 3): when, and whether the 401 said Connection: close.
  3  200 PUTs with an admin token, Content-Length 4 MiB, body at 1 KiB/s: each closed by the server within its
     request timeout (--request-timeout 5 when `serve --help` lists it, else the default 30 s) plus 1 s; peak RSS
     under 200 MiB.
  4  2 000 idle connections (connect, send nothing): each closed within the idle timeout (--idle-timeout 5 when
     listed, else 30 s) plus 1 s; with --max-connections 1000 (when listed), never more than that held open at
     once (past it the server closes the longest idle, or the newcomer).
  5  200 slowloris connections (a request line, then one header byte a second): each closed within the idle
     timeout plus 1 s.
  6  15 000 connections (fewer when the fd limit says so), held 2 s, then closed at once.
  7  PUT (admin) of a Task with a 28 000-digit integer as a param default, and POST .../task/go/1.0.0/validate
     (anonymous) with a 28 000-digit integer in JSON: a 4xx in under 1 s each.
  8  GET /api/v1/resources/tekton/task/go/1.0.0%ff, ...%zz, ...%: 400 each.
  9  a 100 KiB header: 431 with a JSON body; a 100 KiB URL: 414 with a JSON body.

Every attack also reports the second client's latency during it (attack 6: during, and in the 3 s after the close),
max and p99 per path: under 100 ms; a probe that fails, answers other than 200, or waits 3 s counts against it.

Prints one line per figure, `attack | figure | bound | meets/MISSES` ("-" for a figure without a bound), then
`N of M bounds met`; exit status 0 when all are met, 1 otherwise, 2 when the harness cannot run. --quick uses
smaller counts (20 slow PUTs, 200 idle connections, 1 500 in the flood, --max-connections 100). The whole run stays
under about five minutes: every socket operation has a timeout, every wait a cap (35 s for a server timeout the
server has no flag for), and an attack that no longer fits in the budget is reported as not run. Servers and the
temporary directory are removed at the end, also on Ctrl-C or SIGTERM (--keep keeps the directory and its logs).
Nothing is built: the binary is --binary, else .build/release/stepyard, else .build/debug/stepyard, copied into the
temporary directory first (so a rebuild during the run changes nothing).
"""
import argparse
import contextlib
import errno
import http.client
import json
import os
import re
import resource
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST = "127.0.0.1"
MIB = 1 << 20

LATENCY_BOUND_MS = 100.0      # the second client, every attack
RSS_BOUND_MIB = 200           # attacks 2 and 3
PROMPT_S = 1.0                # "answered at once", "closed at once"
SLACK_S = 1.0                 # allowed past a server timeout before a connection counts as not closed by it
TIMEOUT_FLAG_S = 5            # passed as --request-timeout and --idle-timeout when the server lists them
DEFAULT_TIMEOUT_S = 30        # the server's default for both
NO_FLAG_CAP_S = 35.0          # how long to wait for a timeout the server has no flag for
PROBE_PATHS = ("/healthz", "/api/v1/search?q=go")
PROBE_INTERVAL_S = 0.1
PROBE_TIMEOUT_S = 3.0
MIN_WINDOW_S = 1.0            # the shortest window the second client is judged over
BUDGET_S = 290.0              # the whole run, setup included
FD_RESERVE = 256              # descriptors kept free for everything but the attack's own connections

COUNTS = {
    "full": {"unauthenticated": 100, "slow_bodies": 200, "idle": 2000, "max_connections": 1000,
             "slowloris": 200, "flood": 15000},
    "quick": {"unauthenticated": 20, "slow_bodies": 20, "idle": 200, "max_connections": 100,
              "slowloris": 20, "flood": 1500},
}
BIG_BODY = 4 * MIB
DIGITS = 28000
LONG = 100 * 1024


# ---------------------------------------------------------------------------------------------------------------
# The report

class Report:
    """The rows of the final table; a row without a bound is information, not counted."""

    def __init__(self):
        self.rows = []

    def add(self, attack, figure, bound=None, met=None):
        verdict = "-" if met is None else ("meets" if met else "MISSES")
        self.rows.append((attack, figure, bound or "-", verdict))
        log(f"  {attack} | {figure} | {bound or '-'} | {verdict}")

    def print(self):
        header = ("attack", "figure", "bound", "verdict")
        widths = [max(len(row[i]) for row in [header, *self.rows]) for i in range(3)]
        for row in [header, *self.rows]:
            print(" | ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)))
        bounded = [row for row in self.rows if row[3] != "-"]
        met = sum(row[3] == "meets" for row in bounded)
        print(f"{met} of {len(bounded)} bounds met")
        return met == len(bounded)


def log(message):
    print(message, file=sys.stderr, flush=True)


def seconds(value):
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def tally(values):
    """`401 ×98, no answer ×2`: how often each value occurs, most frequent first."""
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return ", ".join(f"{value} ×{n}" for value, n in sorted(counts.items(), key=lambda item: -item[1])) or "none"


# ---------------------------------------------------------------------------------------------------------------
# The server, its memory, and the second client

class Server:
    """One `stepyard serve` on a free loopback port, its output in a log file; `stop()` ends it."""
    running = set()

    def __init__(self, binary, store, flags, log_path):
        self.port = free_port()
        self.log_path = log_path
        with open(log_path, "ab") as output:
            self.proc = subprocess.Popen(
                [binary, "serve", "--store", store, "--host", HOST, "--port", str(self.port),
                 "--catalog", os.path.join(ROOT, "catalog"), *flags],
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        Server.running.add(self)

    @property
    def pid(self):
        return self.proc.pid

    def wait_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"stepyard serve exited with {self.proc.returncode}:\n{self.log_tail()}")
            if get_status(self.port, "/healthz", 2.0) == 200:
                return
            time.sleep(0.1)
        raise RuntimeError(f"stepyard serve did not answer /healthz within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self):
        """SIGTERM, then SIGKILL after 10 s; says so when the graceful shutdown took that long."""
        Server.running.discard(self)
        if self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            log(f"  note: stepyard serve (pid {self.pid}) still running 10 s after SIGTERM; killed")
            self.proc.kill()
            self.proc.wait(5)

    def log_tail(self, lines=15):
        try:
            with open(self.log_path, "rb") as f:
                return b"".join(f.readlines()[-lines:]).decode(errors="replace")
        except OSError:
            return ""

    def open_files_limit(self):
        try:
            with open(f"/proc/{self.pid}/limits") as f:
                for line in f:
                    if line.startswith("Max open files"):
                        return line.split()[3]
        except OSError:
            pass
        return "?"


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get_status(port, path, timeout):
    """The status of a GET, or None when there is no answer."""
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()
    except (OSError, http.client.HTTPException):
        return None


def rss_mib(pid):
    """VmRSS and VmHWM (the peak) of a process in MiB, from /proc/PID/status; {} once it has exited."""
    values = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, kib = line.split()[:2]
                    values[key.rstrip(":")] = int(kib) / 1024
    except OSError:
        pass
    return values


def open_sockets(pid):
    """The sockets a process holds open (its accepted connections and listeners), from /proc/PID/fd."""
    count = 0
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
            except OSError:
                pass
    except OSError:
        pass
    return count


class RssSampler:
    """Samples a process's VmRSS and the sockets it holds every 50 ms in a thread; `stop()` returns (largest sample,
    VmHWM) in MiB; `sockets` is the most sockets seen open at once."""

    def __init__(self, pid):
        self.pid, self.peak, self.hwm, self.sockets = pid, 0.0, 0.0, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done.is_set():
            now = rss_mib(self.pid)
            self.peak = max(self.peak, now.get("VmRSS", 0.0))
            self.hwm = max(self.hwm, now.get("VmHWM", 0.0))
            self.sockets = max(self.sockets, open_sockets(self.pid))
            self.done.wait(0.05)

    def stop(self):
        if not self.done.is_set():
            self.hwm = max(self.hwm, rss_mib(self.pid).get("VmHWM", 0.0))
            self.done.set()
            self.thread.join(2)
        return self.peak, self.hwm


class Prober:
    """The well-behaved second client: `bench/abuse.py --probe PORT` in its own process (so the harness's own work
    does not delay it), one JSON line per GET ({"t": monotonic start, "path", "ms", "status"}); it ends when its
    stdin closes."""

    def __init__(self, port):
        self.samples, self.lock = [], threading.Lock()
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--probe", str(port)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        deadline = time.monotonic() + 10
        while not self.samples and time.monotonic() < deadline and self.proc.poll() is None:
            time.sleep(0.02)

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.samples.append(json.loads(line))

    def window(self, path, start, end):
        """(milliseconds, answered 200) of the probes of `path` that began between start and end."""
        with self.lock:
            return [(s["ms"], s["status"] == 200) for s in self.samples if s["path"] == path and start <= s["t"] <= end]

    def wait_past(self, moment):
        """Waits (PROBE_TIMEOUT_S at most) until each path has a probe begun after `moment`, so that every probe
        begun before it has reported."""
        deadline = time.monotonic() + PROBE_TIMEOUT_S + 0.5
        while time.monotonic() < deadline and self.proc.poll() is None:
            with self.lock:
                begun = {s["path"] for s in self.samples if s["t"] > moment}
            if begun >= set(PROBE_PATHS):
                return
            time.sleep(0.02)

    def stop(self):
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(PROBE_TIMEOUT_S + 3)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.reader.join(2)


def probe_main(port):
    """The prober's process: one thread per probe path, each a GET on a new connection every PROBE_INTERVAL_S
    (or right after the previous one when that took longer), each GET cut off after PROBE_TIMEOUT_S in all;
    ends when stdin closes."""
    lock = threading.Lock()

    def probe(path):
        next_round = time.monotonic()
        while True:
            start = time.monotonic()
            try:
                status = exchange(port, request_bytes("GET", path), PROBE_TIMEOUT_S).status
            except Exception:  # a probe that fails in any way is a failed probe, never the prober's end
                status = None
            line = json.dumps({"t": start, "path": path, "ms": (time.monotonic() - start) * 1000, "status": status})
            with lock:
                print(line, flush=True)
            next_round = max(next_round + PROBE_INTERVAL_S, time.monotonic())
            time.sleep(max(0.0, next_round - time.monotonic()))

    for path in PROBE_PATHS:
        threading.Thread(target=probe, args=(path,), daemon=True).start()
    sys.stdin.buffer.read()


def latency_rows(report, attack, prober, start, end, phase="during"):
    """One row per probe path: the second client's max and p99 latency over the probes begun between start and
    end; a window shorter than MIN_WINDOW_S is stretched to it (the aftermath of a quick attack counts too)."""
    bound = f"max < {LATENCY_BOUND_MS:.0f} ms"
    if end - start < MIN_WINDOW_S:
        time.sleep(max(0.0, start + MIN_WINDOW_S - time.monotonic()))
        end = start + MIN_WINDOW_S
    prober.wait_past(end)
    for path in PROBE_PATHS:
        samples = prober.window(path, start, end)
        if not samples:
            report.add(attack, f"second client GET {path} {phase}: no probe answered or began", bound, False)
            continue
        latencies = sorted(ms for ms, _ in samples)
        failed = sum(not ok for _, ok in samples)
        p99 = latencies[max(0, -(-len(latencies) * 99 // 100) - 1)]
        figure = (f"second client GET {path} {phase}: max {latencies[-1]:.1f} ms, p99 {p99:.1f} ms, "
                  f"{len(samples)} probes" + (f", {failed} failed or not 200" if failed else ""))
        report.add(attack, figure, bound, failed == 0 and latencies[-1] < LATENCY_BOUND_MS)


def rss_row(report, attack, rss, bounded=True):
    peak, hwm = rss.stop()
    figure = f"server peak RSS (VmHWM) {hwm:.0f} MiB; largest VmRSS sampled during the attack {peak:.0f} MiB"
    if bounded:
        report.add(attack, figure, f"< {RSS_BOUND_MIB} MiB", 0 < hwm < RSS_BOUND_MIB)
    else:
        report.add(attack, figure)


# ---------------------------------------------------------------------------------------------------------------
# One request on a raw socket

class Answer:
    """What one raw request got: status, headers, body, time from the first byte sent to the answer's end."""

    def __init__(self):
        self.status, self.headers, self.body = None, {}, b""
        self.elapsed, self.problem = 0.0, None

    @property
    def is_4xx(self):
        return self.status is not None and 400 <= self.status < 500

    def json_body(self):
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def __str__(self):
        if self.status is None:
            return f"no answer ({self.problem}) after {seconds(self.elapsed)}"
        return f"{self.status} in {seconds(self.elapsed)}"


def request_bytes(method, target, headers=(), body=b""):
    lines = [f"{method} {target} HTTP/1.1", f"Host: {HOST}", "Connection: close", *headers]
    if body or method in ("PUT", "POST"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def exchange(port, request, timeout):
    """Sends one request on a new connection and reads its answer; never waits longer than `timeout` in all."""
    answer, start = Answer(), time.monotonic()
    deadline = start + timeout
    buffer = b""
    try:
        with socket.create_connection((HOST, port), timeout=min(timeout, 3.0)) as s:
            try:
                s.settimeout(max(0.01, deadline - time.monotonic()))
                s.sendall(request)
            except OSError as e:  # an early answer may still be waiting to be read
                answer.problem = f"send: {error_name(e)}"
            while not response_complete(buffer):
                s.settimeout(max(0.01, deadline - time.monotonic()))
                data = s.recv(65536)
                if not data:
                    answer.problem = answer.problem or "closed without an answer"
                    break
                buffer += data
    except socket.timeout:
        answer.problem = f"nothing within {timeout:.0f} s"
    except OSError as e:
        answer.problem = error_name(e)
    answer.elapsed = time.monotonic() - start
    parse_response(buffer, answer)
    return answer


def split_head(buffer):
    """(status, lowercased headers, the bytes after the head), or None while the head is incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = buffer[:end].decode("latin-1").split("\r\n")
    match = re.match(r"HTTP/1\.[01] (\d{3})", lines[0])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return (int(match.group(1)) if match else None), headers, buffer[end + 4:]


def response_complete(buffer):
    head = split_head(buffer)
    if head is None:
        return False
    _, headers, rest = head
    if "content-length" in headers:
        return len(rest) >= int(headers["content-length"])
    if "chunked" in headers.get("transfer-encoding", ""):
        return rest.endswith(b"0\r\n\r\n")
    return False  # read until the server closes


def parse_response(buffer, answer):
    head = split_head(buffer)
    if head is None:
        return
    answer.status, answer.headers, rest = head
    if "chunked" in answer.headers.get("transfer-encoding", ""):
        body = b""
        while True:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0] or b"0", 16)
            if size == 0:
                break
            body, rest = body + rest[:size], rest[size + 2:]
        answer.body = body
    else:
        answer.body = rest


def error_name(e):
    if isinstance(e, socket.timeout):
        return "timed out"
    return errno.errorcode.get(e.errno, type(e).__name__) if getattr(e, "errno", None) else type(e).__name__


# ---------------------------------------------------------------------------------------------------------------
# Many connections at once

class Conn:
    """One of many attacking connections, non-blocking, and what the server did with it (monotonic times)."""

    def __init__(self, sock, opened):
        self.sock, self.opened = sock, opened
        self.started = None            # when the request head was sent
        self.status, self.answered = None, None
        self.closed, self.how = None, None   # when the server's FIN or RST was seen, and which
        self.head, self.sent, self.send_failed = b"", 0, False

    def send(self, data):
        """Sends what the socket takes now (at most `data`); a failed send stops further ones."""
        if self.send_failed or self.closed is not None:
            return
        try:
            self.sent += self.sock.send(data)
        except BlockingIOError:
            pass
        except OSError:
            self.send_failed = True

    def send_head(self, head):
        self.started = time.monotonic()
        try:
            self.sock.settimeout(2.0)
            self.sock.sendall(head)
        except OSError:
            self.send_failed = True
        finally:
            self.sock.setblocking(False)

    def close(self):
        with contextlib.suppress(OSError):
            self.sock.close()


def connect_many(port, count, deadline, in_flight=256, connect_timeout=3.0):
    """Opens up to `count` connections, `in_flight` handshakes at a time, until `deadline`.
    Returns (connections, failures as [(reason, seconds it took)])."""
    conns, failures, pending = [], [], {}
    selector = selectors.DefaultSelector()
    launched, can_launch = 0, True
    try:
        while ((can_launch and launched < count) or pending) and time.monotonic() < deadline:
            while can_launch and launched < count and len(pending) < in_flight:
                try:
                    s = socket.socket()
                except OSError as e:  # EMFILE: the harness's own fd limit
                    failures.append((f"socket(): {error_name(e)}", 0.0))
                    can_launch = False
                    break
                s.setblocking(False)
                launched += 1
                started = time.monotonic()
                code = s.connect_ex((HOST, port))
                if code == 0:
                    conns.append(Conn(s, started))
                elif code in (errno.EINPROGRESS, errno.EAGAIN):
                    pending[s] = started
                    selector.register(s, selectors.EVENT_WRITE)
                else:
                    failures.append((errno.errorcode.get(code, str(code)), 0.0))
                    s.close()
            for key, _ in selector.select(timeout=0.05):
                s = key.fileobj
                selector.unregister(s)
                started = pending.pop(s)
                code = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code:
                    failures.append((errno.errorcode.get(code, str(code)), time.monotonic() - started))
                    s.close()
                else:
                    conns.append(Conn(s, time.monotonic()))
            now = time.monotonic()
            for s, started in list(pending.items()):
                if now - started > connect_timeout:
                    selector.unregister(s)
                    del pending[s]
                    failures.append(("connect timed out", now - started))
                    s.close()
    finally:
        for s, started in pending.items():
            failures.append(("not connected by the deadline", time.monotonic() - started))
            s.close()
        selector.close()
    failures += [("not tried" if can_launch else "not tried: no fd", 0.0)] * (count - launched)
    return conns, failures


REFUSALS = ("ECONNREFUSED", "ECONNRESET")  # a connect the server refused


def watch(conns, until, tick=None, every=1.0):
    """Reads from every open connection until each is closed by the server or `until`, noting the status line and
    the close of each; calls tick() every `every` seconds (a slow sender's next bytes)."""
    selector = selectors.DefaultSelector()
    for c in conns:
        if c.closed is None:
            selector.register(c.sock, selectors.EVENT_READ, c)
    next_tick = time.monotonic()
    try:
        while selector.get_map() and time.monotonic() < until:
            if tick and time.monotonic() >= next_tick:
                tick()
                next_tick += every
            wait = min(until, next_tick if tick else until) - time.monotonic()
            for key, _ in selector.select(timeout=max(0.0, min(wait, 0.25))):
                c = key.data
                try:
                    data = c.sock.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = None
                now = time.monotonic()
                if data:
                    if c.answered is None:
                        c.head = (c.head + data)[:4096]
                        match = re.match(rb"HTTP/1\.[01] (\d{3})", c.head)
                        if match:
                            c.status, c.answered = int(match.group(1)), now
                    continue
                c.closed, c.how = now, ("FIN" if data == b"" else "RST")
                selector.unregister(c.sock)
    finally:
        selector.close()


def open_note(conns, asked, failures, fd_limited):
    note = f"{len(conns)} of {asked} connections opened"
    if fd_limited:
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        note += f" (not the {fd_limited} the attack asks for: the fd limit is {soft})"
    if failures:
        note += f"; failed: {tally(reason for reason, _ in failures)}"
    return note


def closing(delays, limit, total, waited):
    """(how many closed within `limit`, `18/20 closed in time; 20 closed in all, first after 5.0 s, last after
    5.1 s; 0 still open after 9 s`) for the delays from each connection's start to the server's close."""
    delays = sorted(delays)
    in_time = sum(t <= limit for t in delays)
    text = f"{in_time}/{total} closed in time; {len(delays)} closed in all"
    if delays:
        text += f", first after {seconds(delays[0])}, last after {seconds(delays[-1])}"
    return in_time, text + f"; {total - len(delays)} still open after {waited:.0f} s"


def put_head(name, length, token=None):
    headers = ["Content-Type: application/yaml", f"Content-Length: {length}"]
    if token:
        headers.append(f"Authorization: Bearer {token}")
    lines = [f"PUT /api/v1/resources/tekton/task/{name}/1.0.0 HTTP/1.1", f"Host: {HOST}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


# ---------------------------------------------------------------------------------------------------------------
# The attacks

class Run:
    """What every attack needs: the binary, the store and its admin token, the server's flags, counts, the budget."""

    def __init__(self, binary, work, quick, report):
        self.binary, self.work, self.report = binary, work, report
        self.store = os.path.join(work, "store")
        self.counts = COUNTS["quick" if quick else "full"]
        self.started = time.monotonic()
        self.token = None
        self.servers = 0
        help_text = serve_help(binary)
        self.request_timeout = TIMEOUT_FLAG_S if "--request-timeout" in help_text else None
        self.idle_timeout = TIMEOUT_FLAG_S if "--idle-timeout" in help_text else None
        self.max_connections = self.counts["max_connections"] if "--max-connections" in help_text else None
        self.flags = []
        for flag, value in (("--request-timeout", self.request_timeout), ("--idle-timeout", self.idle_timeout),
                            ("--max-connections", self.max_connections)):
            if value is not None:
                self.flags += [flag, str(value)]

    def remaining(self):
        return BUDGET_S - (time.monotonic() - self.started)

    def timeout_wait(self, value):
        """How long to watch for a server timeout: the flag's value plus margin, else NO_FLAG_CAP_S."""
        return value + SLACK_S + 3 if value is not None else NO_FLAG_CAP_S

    def timeout_bound(self, value, flag):
        limit = (value if value is not None else DEFAULT_TIMEOUT_S) + SLACK_S
        how = f"{flag} {value}" if value is not None else f"no {flag} flag: default {DEFAULT_TIMEOUT_S} s"
        return limit, f"each closed ≤ {limit:g} s ({how})"

    def start_server(self, timeout=60):
        self.servers += 1
        server = Server(self.binary, self.store, self.flags, os.path.join(self.work, f"serve-{self.servers}.log"))
        try:
            server.wait_healthy(timeout)
        except BaseException:
            server.stop()
            raise
        return server

    def setup(self):
        """The first `serve` creates the store from catalog/; then an admin token."""
        log(f"creating the store in {self.store} (first start of stepyard serve)")
        server = self.start_server(timeout=180)
        print(f"server fd limit: {server.open_files_limit()} (inherited from the harness)", flush=True)
        server.stop()
        created = subprocess.run([self.binary, "token", "create", "--store", self.store, "--role", "admin",
                                  "--name", "bench"], capture_output=True, text=True, timeout=60)
        match = re.search(r"sy_[A-Za-z0-9_\-]+", created.stdout)
        if created.returncode != 0 or not match:
            raise RuntimeError(f"token create failed ({created.returncode}): {created.stdout}{created.stderr}")
        self.token = match.group(0)

    @contextlib.contextmanager
    def session(self, attack):
        """A fresh server, the second client and an RSS sampler for one attack; reports a server that died."""
        server = self.start_server()
        prober = Prober(server.port)
        rss = RssSampler(server.pid)
        try:
            yield server, prober, rss
        finally:
            rss.stop()
            prober.stop()
            if server.proc.poll() is not None:
                self.report.add(attack, f"the server exited with status {server.proc.returncode} during the attack",
                                "keeps running", False)
                log(server.log_tail())
            server.stop()


def short_word(i):
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[i % 26] + letters[i // 26 % 26] + letters[i // 676 % 26]


def attack_long_search(run):
    """1: GET /api/v1/search?q= with 20 000, then 4 000, short words."""
    for words in (20000, 4000):
        attack = f"1 search q= of {words} words"
        with run.session(attack) as (server, prober, _):
            query = "+".join(short_word(i) for i in range(words))
            start = time.monotonic()
            answer = exchange(server.port, request_bytes("GET", f"/api/v1/search?q={query}"), timeout=20)
            run.report.add(attack, f"answer: {answer} (a {len(query) // 1024} KiB query)", "4xx in < 1 s",
                           answer.is_4xx and answer.elapsed < PROMPT_S)
            latency_rows(run.report, attack, prober, start, time.monotonic())


def attack_unauthenticated_bodies(run):
    """2: PUTs without a token announcing 4 MiB, the body sent at 4 KiB/s: a 401 at once, memory bounded."""
    count = run.counts["unauthenticated"]
    attack = f"2 {count} PUTs, no token, 4 MiB at 4 KiB/s"
    with run.session(attack) as (server, prober, rss):
        start = time.monotonic()
        conns, failures = connect_many(server.port, count, start + 10)
        try:
            for i, c in enumerate(conns):
                c.send_head(put_head(f"abuse-anonymous-{i}", BIG_BODY))
            chunk = b"x" * 1024

            def tick():
                for c in conns:
                    if c.answered is None:
                        c.send(chunk)
            # until every connection is closed: how long does a refused request keep its connection?
            wait = min(run.timeout_wait(run.request_timeout), run.remaining() - 20)
            watch(conns, time.monotonic() + wait, tick, 0.25)
            end = time.monotonic()
            answered = [c for c in conns if c.answered is not None]
            prompt = [c for c in answered if c.status == 401 and c.answered - c.started < PROMPT_S]
            slowest = max((c.answered - c.started for c in answered), default=None)
            figure = f"{len(prompt)}/{count} got 401 within 1 s; answers: {tally(c.status or 'none' for c in conns)}"
            if answered:
                most = max(c.sent for c in answered)
                figure += f"; slowest after {seconds(slowest)}, with ≤ {most} body bytes sent"
                saying = sum(b"\r\nconnection: close\r\n" in c.head.lower() for c in answered)
                kept = sorted(c.closed - c.answered for c in answered if c.closed is not None)
                figure += f"; {saying} answers said Connection: close; the server closed {len(kept)} of them"
                if kept:
                    figure += f" {seconds(kept[0])} to {seconds(kept[-1])} after answering"
                if len(kept) < len(answered):
                    figure += f", {len(answered) - len(kept)} still open after {wait:.0f} s"
            else:
                most = max((c.sent for c in conns), default=0)
                figure += f" within {end - start:.0f} s, while each sent up to {most} body bytes"
            if len(conns) < count:
                figure += f" ({open_note(conns, count, failures, None)})"
            run.report.add(attack, figure, "each 401 in < 1 s", len(prompt) == count)
            rss_row(run.report, attack, rss)
            latency_rows(run.report, attack, prober, start, end)
        finally:
            for c in conns:
                c.close()


def attack_slow_bodies(run):
    """3: PUTs with an admin token announcing 4 MiB, the body sent at 1 KiB/s: closed within the request timeout."""
    count = run.counts["slow_bodies"]
    attack = f"3 {count} PUTs, admin token, 4 MiB at 1 KiB/s"
    limit, bound = run.timeout_bound(run.request_timeout, "--request-timeout")
    with run.session(attack) as (server, prober, rss):
        start = time.monotonic()
        conns, failures = connect_many(server.port, count, start + 10)
        try:
            for i, c in enumerate(conns):
                c.send_head(put_head(f"abuse-slow-{i}", BIG_BODY, run.token))
            chunk = b"x" * 1024

            def tick():
                for c in conns:
                    if c.answered is None:
                        c.send(chunk)
            wait = min(run.timeout_wait(run.request_timeout), run.remaining() - 20)
            watch(conns, time.monotonic() + wait, tick, 1.0)
            end = time.monotonic()
            in_time, figure = closing([c.closed - c.started for c in conns if c.closed is not None], limit, count, wait)
            figure += f"; answers: {tally(c.status or 'none' for c in conns)}"
            if len(conns) < count:
                figure += f" ({open_note(conns, count, failures, None)})"
            run.report.add(attack, figure, bound, in_time == count)
            rss_row(run.report, attack, rss)
            latency_rows(run.report, attack, prober, start, end)
        finally:
            for c in conns:
                c.close()


def attack_idle_connections(run):
    """4: connections that send nothing: closed within the idle timeout; never more than --max-connections held."""
    count = run.counts["idle"]
    attack = f"4 {count} idle connections"
    limit, bound = run.timeout_bound(run.idle_timeout, "--idle-timeout")
    count, fd_limited = fd_capped(count)
    with run.session(attack) as (server, prober, rss):
        start = time.monotonic()
        conns, failures = connect_many(server.port, count, start + 20)
        try:
            wait = run.timeout_wait(run.idle_timeout)
            if run.idle_timeout is not None and run.max_connections is not None and count > run.max_connections:
                wait += run.idle_timeout  # those that waited for a slot: when are they closed?
            wait = min(wait, run.remaining() - 20)
            watch(conns, time.monotonic() + wait)
            end = time.monotonic()
            lives = [c.closed - c.opened for c in conns if c.closed is not None]
            in_time, figure = closing(lives, limit, len(conns), wait)
            figure += f"; closed by {tally(c.how for c in conns if c.how)}"
            figure += f"; {open_note(conns, count, failures, fd_limited)}"
            run.report.add(attack, figure, bound, in_time == len(conns) and len(conns) > 0)

            if run.max_connections is None:
                run.report.add(attack, "connections beyond --max-connections: no --max-connections flag",
                               "refused or closed in < 1 s", False)
            else:
                # The server keeps at most --max-connections: past it, each newcomer closes the longest idle one (or
                # is closed itself). The figure: the most sockets the server process held open at once, sampled from
                # /proc every 50 ms (connections still in the kernel's accept queue are not the server's yet); the
                # allowance covers its listeners, the store's files and closes under way.
                peak = rss.sockets
                allowance = max(10, run.max_connections // 50)
                run.report.add(attack, f"at most {peak} sockets held open at once by the server (--max-connections "
                                       f"{run.max_connections}, {count - run.max_connections} beyond it)",
                               f"≤ {run.max_connections} + {allowance}", peak <= run.max_connections + allowance)
            rss_row(run.report, attack, rss, bounded=False)
            latency_rows(run.report, attack, prober, start, end)
        finally:
            for c in conns:
                c.close()


def attack_slowloris(run):
    """5: a request line, then one header byte a second: closed within the idle timeout."""
    count = run.counts["slowloris"]
    attack = f"5 {count} slowloris connections"
    limit, bound = run.timeout_bound(run.idle_timeout, "--idle-timeout")
    with run.session(attack) as (server, prober, _):
        start = time.monotonic()
        conns, failures = connect_many(server.port, count, start + 10)
        try:
            for c in conns:
                c.send_head(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\nX-Slowloris: ".encode())

            def tick():
                for c in conns:
                    c.send(b"a")
            wait = min(run.timeout_wait(run.idle_timeout), run.remaining() - 20)
            watch(conns, time.monotonic() + wait, tick, 1.0)
            end = time.monotonic()
            in_time, figure = closing([c.closed - c.started for c in conns if c.closed is not None], limit, count, wait)
            figure += (f"; header bytes sent, one a second: up to {max((c.sent for c in conns), default=0)}; "
                       f"answers: {tally(c.status or 'none' for c in conns)}")
            if len(conns) < count:
                figure += f" ({open_note(conns, count, failures, None)})"
            run.report.add(attack, figure, bound, in_time == count)
            latency_rows(run.report, attack, prober, start, end)
        finally:
            for c in conns:
                c.close()


def attack_connection_flood(run):
    """6: as many connections as the fd limit allows (15 000 asked), held 2 s, then all closed at once."""
    asked = run.counts["flood"]
    count, fd_limited = fd_capped(asked)
    attack = f"6 flood of {count} connections"
    with run.session(attack) as (server, prober, rss):
        start = time.monotonic()
        conns, failures = connect_many(server.port, count, start + min(30, run.remaining() - 20), in_flight=1000)
        try:
            all_open = time.monotonic()
            watch(conns, all_open + 2.0)
            release = time.monotonic()
            for c in conns:
                c.close()
            released = time.monotonic()
            time.sleep(3.0)
            by_server = sum(c.closed is not None for c in conns)
            note = open_note(conns, count, failures, asked if fd_limited else None)
            run.report.add(attack, f"{note} in {seconds(all_open - start)}; {by_server} closed by the server before "
                                   f"the harness closed them; the harness closed all in {seconds(released - release)}")
            rss_row(run.report, attack, rss, bounded=False)
            latency_rows(run.report, attack, prober, start, release, "while opening and holding")
            latency_rows(run.report, attack, prober, release, time.monotonic(), "in the 3 s after closing")
        finally:
            for c in conns:
                c.close()


def big_integer_task():
    """catalog/task/notify/1.0.0 renamed, its first param default a bare 28 000-digit integer (~30 KB)."""
    with open(os.path.join(ROOT, "catalog", "task", "notify", "1.0.0", "notify.yaml")) as f:
        text = f.read()
    text = text.replace("name: notify\n", "name: abuse-big-integer\n", 1)
    text = text.replace('default: "Unknown"', "default: " + big_integer(), 1)
    assert big_integer() in text, "catalog/task/notify/1.0.0/notify.yaml changed: no default \"Unknown\""
    return text.encode()


def big_integer():
    return ("1234567890" * (DIGITS // 10 + 1))[:DIGITS]


def attack_big_integers(run):
    """7: a 28 000-digit integer in a published Task's YAML, and in the JSON of a validate call."""
    attack = "7 28 000-digit integer"
    with run.session(attack) as (server, prober, _):
        body = big_integer_task()
        start = time.monotonic()
        answer = exchange(server.port, request_bytes(
            "PUT", "/api/v1/resources/tekton/task/abuse-big-integer/1.0.0",
            ["Content-Type: application/yaml", f"Authorization: Bearer {run.token}"], body), timeout=30)
        run.report.add(f"{attack}, PUT YAML", f"answer: {answer} (a {len(body) // 1000} KB Task)", "4xx in < 1 s",
                       answer.is_4xx and answer.elapsed < PROMPT_S)
        latency_rows(run.report, f"{attack}, PUT YAML", prober, start, time.monotonic())

        body = ('{"go-version": ' + big_integer() + "}").encode()
        start = time.monotonic()
        answer = exchange(server.port, request_bytes(
            "POST", "/api/v1/resources/tekton/task/go/1.0.0/validate", ["Content-Type: application/json"], body),
            timeout=30)
        run.report.add(f"{attack}, POST validate JSON", f"answer: {answer}", "4xx in < 1 s",
                       answer.is_4xx and answer.elapsed < PROMPT_S)
        latency_rows(run.report, f"{attack}, POST validate JSON", prober, start, time.monotonic())


def attack_bad_percent_encoding(run):
    """8: malformed percent-encoding in the version segment."""
    attack = "8 bad percent-encoding"
    with run.session(attack) as (server, prober, _):
        start = time.monotonic()
        for suffix in ("%ff", "%zz", "%"):
            path = f"/api/v1/resources/tekton/task/go/1.0.0{suffix}"
            answer = exchange(server.port, request_bytes("GET", path), timeout=10)
            run.report.add(attack, f"GET …/go/1.0.0{suffix}: {answer}", "400", answer.status == 400)
        latency_rows(run.report, attack, prober, start, time.monotonic())


def attack_oversized_head(run):
    """9: a 100 KiB header field and a 100 KiB request target."""
    attack = "9 oversized request head"
    with run.session(attack) as (server, prober, _):
        start = time.monotonic()
        cases = (
            ("100 KiB header", 431, request_bytes("GET", "/healthz", ["X-Padding: " + "a" * LONG])),
            ("100 KiB URL", 414, request_bytes("GET", "/api/v1/search?q=" + "a" * LONG)),
        )
        for name, expected, request in cases:
            answer = exchange(server.port, request, timeout=10)
            document = answer.json_body()
            body = ("a JSON body" + (" with an error object" if isinstance(document, dict) and "error" in document
                                     else "") if document is not None
                    else f"body not JSON: {answer.body[:60]!r}")
            run.report.add(attack, f"{name}: {answer}, {body}", f"{expected} with a JSON body",
                           answer.status == expected and document is not None)
        latency_rows(run.report, attack, prober, start, time.monotonic())


ATTACKS = {  # number: (title, function, seconds it needs at most, None: its server timeout's wait plus 10)
    1: ("long search query", attack_long_search, 10),
    2: ("slow bodies without a token", attack_unauthenticated_bodies, None),
    3: ("slow bodies with a token", attack_slow_bodies, None),
    4: ("idle connections", attack_idle_connections, None),
    5: ("slowloris", attack_slowloris, None),
    6: ("connection flood", attack_connection_flood, 45),
    7: ("28 000-digit integers", attack_big_integers, 10),
    8: ("bad percent-encoding", attack_bad_percent_encoding, 6),
    9: ("oversized request head", attack_oversized_head, 6),
}


def estimated_seconds(run, number):
    _, _, estimate = ATTACKS[number]
    if estimate is not None:
        return estimate
    value = run.request_timeout if number in (2, 3) else run.idle_timeout
    return run.timeout_wait(value) + (value or 0 if number == 4 else 0) + 10


# ---------------------------------------------------------------------------------------------------------------
# Setup and the run

def raise_fd_limit():
    """Raises RLIMIT_NOFILE's soft limit to the hard one (capped by fs.nr_open); returns (before, after)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard
    if hard == resource.RLIM_INFINITY:
        try:
            with open("/proc/sys/fs/nr_open") as f:
                target = int(f.read())
        except OSError:
            target = 1 << 20
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return soft, resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def fd_capped(count):
    """(connections the fd limit allows, the count asked when that is fewer, else None)."""
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY or count <= soft - FD_RESERVE:
        return count, None
    return max(0, soft - FD_RESERVE), count


def serve_help(binary):
    result = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True, timeout=30)
    return result.stdout + result.stderr


def snapshot_binary(binary, work):
    """A copy of the binary in `work`, so that a rebuild during the run changes nothing; copied again (up to 12
    times, 5 s apart) while the file changes under the copy or the copy does not run (a link in progress)."""
    copy = os.path.join(work, "stepyard")
    for _ in range(12):
        before = os.stat(binary)
        shutil.copy2(binary, copy)
        after = os.stat(binary)
        if (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns):
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                if subprocess.run([copy, "version"], capture_output=True, timeout=30).returncode == 0:
                    return copy
        log(f"{binary} is changing (a build in progress?); copying it again in 5 s")
        time.sleep(5)
    raise RuntimeError(f"{binary} kept changing or does not run")


def default_binary():
    for build in ("release", "debug"):
        path = os.path.join(ROOT, ".build", build, "stepyard")
        if os.access(path, os.X_OK):
            return path
    return None


def parse_arguments():
    parser = argparse.ArgumentParser(description="Availability attacks on stepyard serve, each figure beside its "
                                                 "bound.")
    parser.add_argument("--binary", help="the stepyard binary (default .build/release/stepyard, else .build/debug)")
    parser.add_argument("--only", help="comma-separated attack numbers, 1-9 (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller counts, for a smoke run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary store and the servers' logs")
    parser.add_argument("--probe", type=int, help=argparse.SUPPRESS)  # the second client's own process
    args = parser.parse_args()
    try:
        args.only = sorted({int(n) for n in args.only.split(",")}) if args.only else sorted(ATTACKS)
    except ValueError:
        parser.error("--only takes attack numbers, e.g. --only 1,4")
    if not set(args.only) <= set(ATTACKS):
        parser.error("--only takes attack numbers from 1 to 9")
    return args


def interrupted(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    args = parse_arguments()
    if args.probe:
        probe_main(args.probe)
        return 0
    binary = os.path.abspath(args.binary) if args.binary else default_binary()
    if not binary or not os.access(binary, os.X_OK):
        log(f"no stepyard binary ({args.binary or '.build/release/stepyard or .build/debug/stepyard'}); "
            "build it first, or pass --binary PATH")
        return 2
    for signum in (signal.SIGINT, signal.SIGTERM):  # SIGINT too: a background job inherits it ignored
        signal.signal(signum, interrupted)
    before, after = raise_fd_limit()
    work = tempfile.mkdtemp(prefix="stepyard-abuse-")
    report = Report()
    try:
        shown = binary
        binary = snapshot_binary(binary, work)
        run = Run(binary, work, args.quick, report)
        version = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=30).stdout.strip()
        print(f"binary: {shown} ({version.splitlines()[0] if version else 'version unknown'}), run from a copy")
        flags = " ".join(run.flags) or "none (serve --help lists none of --request-timeout, --idle-timeout, " \
                                       "--max-connections)"
        print(f"server flags passed: {flags}")
        print(f"harness fd limit: {after} (was {before}); counts: {'quick' if args.quick else 'full'}")
        sys.stdout.flush()
        run.setup()
        for number in args.only:
            title, function, _ = ATTACKS[number]
            if run.remaining() < estimated_seconds(run, number):
                report.add(f"{number} {title}", f"not run: it would pass the {BUDGET_S:.0f} s budget", "runs", False)
                continue
            log(f"attack {number}: {title}")
            try:
                function(run)
            except KeyboardInterrupt:
                raise
            except Exception as e:  # one attack's failure is reported and the others still run
                traceback.print_exc()
                report.add(f"{number} {title}", f"harness error: {type(e).__name__}: {e}", "runs", False)
        all_met = report.print()
        print(f"({time.monotonic() - run.started:.0f} s, {run.servers} server starts)")
        return 0 if all_met else 1
    except KeyboardInterrupt:
        log("interrupted; stopping the servers and removing the temporary store")
        return 130
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        log(f"cannot run: {e}")
        return 2
    finally:
        for server in list(Server.running):
            server.stop()
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
