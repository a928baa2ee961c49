#!/usr/bin/python3
"""Integration tests: `wirestep serve --port 0` as a subprocess, driven by curl, requests and
aiohttp. Loopback only; every test stops its server and ends within its own deadline.

Usage: serve_test.py --wirestep PATH --mode MODE {curl,requests,aiohttp,many,cli}
Exit codes: 0 pass, 1 fail, 77 skipped (a client program or module is missing).
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

SKIP = 77
LISTENING = re.compile(r"^listening on http://127\.0\.0\.1:(\d+)/ \(mode (\w+)\)$")


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Server:
    """`wirestep serve` on a free port; stopped with SIGINT, which must exit 0."""

    def __init__(self, wirestep, mode, *extra):
        self.process = subprocess.Popen(
            [wirestep, "serve", "--port", "0", "--mode", mode, "--quiet", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.port = None
        until = time.monotonic() + 10
        lines = []
        while time.monotonic() < until:
            line = self.process.stdout.readline()
            if not line:
                break
            lines.append(line)
            match = LISTENING.match(line.rstrip("\n"))
            if match:
                check(match.group(2) == mode, f"listening line names mode {match.group(2)}")
                self.port = int(match.group(1))
                break
        if self.port is None:
            self.process.kill()
            raise Failure("no 'listening on' line: " + "".join(lines) + self.process.stderr.read())
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            out, err = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            raise Failure("the server did not stop within 10 s of SIGINT")
        check(self.process.returncode == 0,
              f"serve exited {self.process.returncode} after SIGINT: {err}")
        return out, err

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is None:
            self.stop()
        elif self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def run_curl(*args):
    result = subprocess.run(["curl", "--silent", "--show-error", "--max-time", "10", *args],
                            capture_output=True, timeout=20)
    check(result.returncode == 0, f"curl {args} failed: {result.stderr.decode()}")
    return result.stdout


def test_curl(wirestep, mode):
    if shutil.which("curl") is None:
        print("SKIP: curl is not installed (apt-get install -y curl)")
        return SKIP
    with Server(wirestep, mode) as server:
        page = run_curl(server.url + "/").decode()
        check(f"<strong>{mode}</strong>" in page, "GET / names the mode")
        status = run_curl("-o", "/dev/null", "-w", "%{http_code}", server.url + "/").decode()
        check(status == "200", f"GET / is {status}")
        head = run_curl("--head", server.url + "/").decode()
        check(head.startswith("HTTP/1.1 200 OK\r\n") and "Server: wirestep" in head, head)
        echo = run_curl("--data-binary", "hello from curl", server.url + "/echo").decode()
        check(echo == "hello from curl", f"echo: {echo!r}")
        # Chunked upload from stdin: curl sends it chunked when the size is unknown.
        result = subprocess.run(["curl", "--silent", "--max-time", "10", "-T", "-", "-X", "POST",
                                 "-H", "Transfer-Encoding: chunked", server.url + "/echo"],
                                input=b"chunk by chunk", capture_output=True, timeout=20)
        check(result.stdout == b"chunk by chunk", f"chunked echo: {result.stdout!r}")
        for path, method, want in (("/nope", "GET", "404"), ("/", "DELETE", "405"),
                                   ("/echo", "GET", "405"), ("/", "BREW", "501")):
            code = run_curl("-o", "/dev/null", "-w", "%{http_code}", "-X", method,
                            server.url + path).decode()
            check(code == want, f"{method} {path}: {code}, expected {want}")
        allow = run_curl("-s", "-D", "-", "-o", "/dev/null", "-X", "PUT", server.url + "/").decode()
        check("Allow: GET, HEAD" in allow, allow)
        old = run_curl("--http1.0", "-D", "-", server.url + "/").decode()
        check("Connection: close" in old, "HTTP/1.0 closes")
        # Keep-alive: curl reuses one connection for several URLs on one command line.
        verbose = subprocess.run(["curl", "-sv", "--max-time", "10", server.url + "/",
                                  server.url + "/"], capture_output=True, text=True, timeout=20)
        reused = "Re-using existing connection" in verbose.stderr
        check(reused == (mode != "blocking"),
              f"keep-alive reuse was {reused} in mode {mode}")
    return 0


def test_requests(wirestep, mode):
    try:
        import requests
    except ImportError:
        print("SKIP: python3-requests is not installed (apt-get install -y python3-requests)")
        return SKIP
    with Server(wirestep, mode) as server:
        with requests.Session() as session:
            for i in range(5):
                reply = session.get(server.url + "/", timeout=10)
                check(reply.status_code == 200 and mode in reply.text, "GET /")
                reply = session.post(server.url + "/echo", data=f"body {i}".encode(), timeout=10)
                check(reply.content == f"body {i}".encode(), f"echo {reply.content!r}")

            def pieces():
                yield b"gen"
                yield b"erated"
            reply = session.post(server.url + "/echo", data=pieces(), timeout=10)  # chunked
            check(reply.content == b"generated", f"chunked {reply.content!r}")
            reply = session.head(server.url + "/", timeout=10)
            check(reply.status_code == 200 and reply.content == b"", "HEAD")
            check(session.get(server.url + "/x", timeout=10).status_code == 404, "404")
            reply = session.put(server.url + "/", timeout=10)
            check(reply.status_code == 405 and reply.headers.get("Allow") == "GET, HEAD", "405")
            big = session.post(server.url + "/echo", data=b"x" * (2 * 1024 * 1024), timeout=10)
            check(big.status_code == 413, f"2 MiB body: {big.status_code}")
    return 0


def test_aiohttp(wirestep, mode):
    try:
        import asyncio
        import aiohttp
    except ImportError:
        print("SKIP: python3-aiohttp is not installed (apt-get install -y python3-aiohttp)")
        return SKIP

    async def main(url):
        timeout = aiohttp.ClientTimeout(total=20)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async def one(i):
                async with session.post(url + "/echo", data=f"n{i}".encode()) as reply:
                    return reply.status, await reply.read()
            results = await asyncio.gather(*(one(i) for i in range(50)))
            for i, (status, body) in enumerate(results):
                check(status == 200 and body == f"n{i}".encode(), f"aiohttp echo {i}: {status} {body!r}")
            async with session.get(url + "/") as reply:
                check(reply.status == 200 and mode in await reply.text(), "aiohttp GET /")

    with Server(wirestep, mode) as server:
        asyncio.run(main(server.url))
    return 0


def test_many(wirestep, mode):
    here = os.path.dirname(os.path.abspath(__file__))
    with Server(wirestep, mode) as server:
        result = subprocess.run([sys.executable, os.path.join(here, "many_connections.py"),
                                 str(server.port), "--count", "10000", "--deadline", "60"],
                                capture_output=True, text=True, timeout=90)
        print(result.stdout, end="")
        if result.returncode == SKIP:
            return SKIP
        check(result.returncode == 0, "10,000 connections: " + result.stdout + result.stderr)
    return 0


def test_cli(wirestep, mode):
    # A port in use: a clear message naming the port and suggesting --port 0, exit 1.
    with Server(wirestep, mode) as server:
        busy = subprocess.run([wirestep, "serve", "--port", str(server.port), "--mode", mode],
                              capture_output=True, text=True, timeout=20)
        check(busy.returncode == 1, f"port in use exited {busy.returncode}")
        check(f"port {server.port}" in busy.stderr and "--port 0" in busy.stderr, busy.stderr)
    # Not an IP address: a usage error, exit 2, before listening anywhere.
    bad = subprocess.run([wirestep, "serve", "--port", "0", "--bind", "localhost"],
                         capture_output=True, text=True, timeout=20)
    check(bad.returncode == 2 and "IP address" in bad.stderr, f"{bad.returncode} {bad.stderr}")
    # Not loopback: the warning comes first (this address is not ours, so it then fails).
    other = subprocess.run([wirestep, "serve", "--port", "0", "--bind", "192.0.2.1"],
                           capture_output=True, text=True, timeout=20)
    check("WARNING: serving on 192.0.2.1: other machines can reach this server" in other.stderr,
          other.stderr)
    check(other.returncode == 1, f"unavailable address exited {other.returncode}")
    # SIGTERM stops cleanly too, and without --quiet every call is printed.
    process = subprocess.Popen([wirestep, "serve", "--port", "0", "--mode", mode],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    port = None
    for _ in range(20):
        match = LISTENING.match(process.stdout.readline().rstrip("\n"))
        if match:
            port = int(match.group(1))
            break
    check(port is not None, "no listening line")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = b""
        while True:
            data = s.recv(65536)
            if not data:
                break
            reply += data
    check(reply.startswith(b"HTTP/1.1 200 OK"), reply[:40])
    # The server prints the close it made after its send before we stop it.
    until = time.monotonic() + 10
    seen = ""
    while time.monotonic() < until and "close(fd" not in seen:
        seen += process.stdout.readline()
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=10)
    seen += out
    check(process.returncode == 0, f"SIGTERM exit {process.returncode}: {err}")
    for call in ("accept(fd", "recv(fd", "send(fd", "close(fd"):
        check(call in seen, f"live lines lack {call}: {seen}")
    check("\"GET / HTTP/1.1\\r\\n" in seen, "the request bytes are printed")
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wirestep", required=True)
    parser.add_argument("--mode", default="evented")
    parser.add_argument("test", choices=["curl", "requests", "aiohttp", "many", "cli"])
    args = parser.parse_args()
    tests = {"curl": test_curl, "requests": test_requests, "aiohttp": test_aiohttp,
             "many": test_many, "cli": test_cli}
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
