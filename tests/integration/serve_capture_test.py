#!/usr/bin/python3
"""Integration tests for `wirestep serve --capture`: packets printed live next to the socket
calls when libpcap may capture on lo; a clear reason, and serving anyway, when it may not;
no packet socket at all without --capture. Loopback only; every server runs on port 0, is
stopped with SIGINT and every wait has a deadline.

Usage: serve_capture_test.py --wirestep PATH [--mode MODE] {live,refused,off,flags}
Exit codes: 0 pass, 1 fail, 77 skipped (with the reason printed).
"""
import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

SKIP = 77
NOBODY = 65534
LISTENING = re.compile(r"^listening on http://127\.0\.0\.1:(\d+)/ \(mode (\w+)\)$")
CAPTURING = re.compile(r"^capturing packets on lo: tcp port (\d+) or udp port (\d+)$")
# A packet line: "  0.138  wire  packet client -> server  TCP a:p → b:q [SYN] seq=… len=0 …".
PACKET = re.compile(r"^\s*\d+\.\d+\s+wire\s+packet (\S+) -> (\S+)\s+TCP \S+ → \S+ \[([A-Z, ]+)\].* len=(\d+)")


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def become_nobody():
    os.setgroups([])
    os.setresgid(NOBODY, NOBODY, NOBODY)
    os.setresuid(NOBODY, NOBODY, NOBODY)


class Serve:
    """`wirestep serve --port 0` reading stdout line by line; stopped with SIGINT.

    stdout is only ever read through one buffered reader (readline, then read to the end):
    communicate() would read the pipe underneath it and lose lines readline had buffered.
    A watchdog kills the server at DEADLINE so that no read can block forever."""

    DEADLINE = 40

    def __init__(self, wirestep, mode, *extra, as_nobody=False):
        self.process = subprocess.Popen(
            [wirestep, "serve", "--port", "0", "--mode", mode, *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=become_nobody if as_nobody else None)
        self.watchdog = threading.Timer(self.DEADLINE, self.process.kill)
        self.watchdog.start()
        self.lines = []
        self.port = None
        line = self.read_until(lambda l: LISTENING.match(l), 10)
        if line is None:
            self.kill()
            raise Failure("no 'listening on' line: " + "".join(self.lines) + self.process.stderr.read())
        self.port = int(LISTENING.match(line).group(1))

    def read_until(self, predicate, seconds):
        """Reads stdout lines until one satisfies predicate; None at the deadline or EOF.
        The server prints at least every 50 ms while running, so readline() returns in time."""
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            line = self.process.stdout.readline()
            if not line:
                return None
            line = line.rstrip("\n")
            self.lines.append(line)
            if predicate(line):
                return line
        return None

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        stopped = threading.Timer(10, self.process.kill)
        stopped.start()
        self.lines += self.process.stdout.read().splitlines()
        err = self.process.stderr.read()
        code = self.process.wait()
        killed = not stopped.is_alive()
        stopped.cancel()
        self.watchdog.cancel()
        check(not killed, "the server did not stop within 10 s of SIGINT")
        check(code == 0, f"serve exited {code}: {err}")
        return err

    def kill(self):
        self.watchdog.cancel()
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is not None:
            self.kill()


def http_get(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = b""
        while True:
            data = s.recv(65536)
            if not data:
                return reply
            reply += data


def packet_sockets(pid):
    """How many AF_PACKET sockets the process holds: /proc/net/packet lists every packet
    socket of the network namespace by inode; the process's fds name their socket inodes."""
    with open(f"/proc/{pid}/net/packet") as table:
        rows = table.read().splitlines()[1:]
    inodes = {row.split()[-1] for row in rows if row.split()}
    held = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        match = re.match(r"socket:\[(\d+)\]", target)
        if match and match.group(1) in inodes:
            held += 1
    return held


def test_live(wirestep, mode):
    if os.geteuid() != 0:
        print("SKIP: not root: libpcap on lo needs CAP_NET_RAW (the 'refused' test covers this user)")
        return SKIP
    with Serve(wirestep, mode, "--capture") as server:
        capturing = [l for l in server.lines if CAPTURING.match(l)]
        check(capturing, "no 'capturing packets on lo' line before listening: " + "\n".join(server.lines))
        check(int(CAPTURING.match(capturing[0]).group(1)) == server.port,
              f"capture filter port differs from the listening port {server.port}: {capturing[0]}")
        check(packet_sockets(server.process.pid) == 1, "serve --capture holds no packet socket")
        reply = http_get(server.port)
        check(reply.startswith(b"HTTP/1.1 200 OK"), reply[:40])
        # The server's close and the client's last ACK come after the reply: wait for the
        # printed close, then stop (the observer records what was captured before it stops).
        check(server.read_until(lambda l: "close(fd" in l, 10) is not None, "no close line")
        server.stop()
    packets = [PACKET.match(l) for l in server.lines if PACKET.match(l)]
    check(len(packets) >= 7, f"expected the handshake, request, reply and teardown as packet lines, "
                             f"got {len(packets)}:\n" + "\n".join(server.lines))
    directions = [(m.group(1), m.group(2)) for m in packets]
    check(directions[0] == ("client", "server"), f"the first packet (SYN) is {directions[0]}")
    check(directions[1] == ("server", "client"), f"the second packet (SYN-ACK) is {directions[1]}")
    flags = [m.group(3) for m in packets]
    check(flags[:3] == ["SYN", "SYN, ACK", "ACK"], f"the handshake's flags are {flags[:3]}")
    check(any("FIN" in f for f in flags), f"no FIN among {flags}")
    check(set(directions) == {("client", "server"), ("server", "client")}, str(set(directions)))
    # One client packet carries exactly the request's bytes as its TCP payload.
    request_length = len(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    sizes = [int(m.group(4)) for m in packets if m.group(1) == "client"]
    check(request_length in sizes, f"no client packet carries the {request_length}-byte request: {sizes}")
    calls = [l for l in server.lines if "accept(fd" in l or "recv(fd" in l or "send(fd" in l]
    check(calls, "socket calls are still printed")
    return 0


def test_refused(wirestep, mode):
    as_nobody = os.geteuid() == 0  # root drops to nobody in the child: CAP_NET_RAW goes with it
    try:
        server = Serve(wirestep, mode, "--capture", as_nobody=as_nobody)
    except PermissionError as error:
        print(f"SKIP: cannot run {wirestep} as nobody: {error}")
        return SKIP
    with server:
        reply = http_get(server.port)
        check(reply.startswith(b"HTTP/1.1 200 OK"), f"still serves: {reply[:40]!r}")
        check(server.read_until(lambda l: "close(fd" in l, 10) is not None, "no close line")
        err = server.stop()
    if not as_nobody and "packet capture unavailable" not in err:
        print("SKIP: this user may capture on lo (CAP_NET_RAW), nothing refuses")
        return SKIP
    lines = [l for l in err.splitlines() if l.startswith("packet capture unavailable: ")]
    check(len(lines) == 1, f"stderr: {err}")
    reason, _, hint = lines[0][len("packet capture unavailable: "):].partition("; to enable: ")
    check(reason and hint, f"reason and hint: {lines[0]}")
    # libpcap's own words: 1.10.3 says "socket: Operation not permitted", later ones name CAP_NET_RAW.
    check("Operation not permitted" in reason or "CAP_NET_RAW" in reason or "ermission" in reason,
          f"not libpcap's permission message: {reason}")
    check("CAP_NET_RAW" in hint and "setcap" in hint, f"hint: {hint}")
    check(not any(PACKET.match(l) for l in server.lines), "packets printed without capture")
    check(any("accept(fd" in l for l in server.lines), "socket calls are recorded")
    return 0


def test_off(wirestep, mode):
    # Without --capture pcap is never opened: no packet socket, no capture line.
    with Serve(wirestep, mode) as server:
        check(packet_sockets(server.process.pid) == 0, "serve without --capture holds a packet socket")
        http_get(server.port)
        server.read_until(lambda l: "close(fd" in l, 10)
        check(packet_sockets(server.process.pid) == 0, "a packet socket appeared while serving")
        err = server.stop()
    check(not any(CAPTURING.match(l) or PACKET.match(l) for l in server.lines),
          "capture output without --capture")
    check("packet capture" not in err, err)
    return 0


def test_flags(wirestep, mode):
    # --capture records into the trace: with --no-trace it is a usage error, before listening.
    result = subprocess.run([wirestep, "serve", "--port", "0", "--mode", mode, "--capture", "--no-trace"],
                            capture_output=True, text=True, timeout=20)
    check(result.returncode == 2, f"exit {result.returncode}: {result.stderr}")
    check("--capture" in result.stderr and "--no-trace" in result.stderr, result.stderr)
    check("listening" not in result.stdout, result.stdout)
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wirestep", required=True)
    parser.add_argument("--mode", default="evented")
    parser.add_argument("test", choices=["live", "refused", "off", "flags"])
    args = parser.parse_args()
    tests = {"live": test_live, "refused": test_refused, "off": test_off, "flags": test_flags}
    try:
        code = tests[args.test](args.wirestep, args.mode)
    except Failure as failure:
        print(f"FAIL: {failure}")
        return 1
    if code == 0:
        print("PASS")
    return code


if __name__ == "__main__":
    sys.exit(main())
