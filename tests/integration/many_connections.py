#!/usr/bin/python3
"""Opens N keep-alive connections to a loopback HTTP server, holds them all open at once,
sends one GET on each, checks every answer is a 200 and the connection stays open, then
closes them all. Bounded: gives up after --deadline seconds. Exit 0 on success, 1 on failure.

Usage: many_connections.py PORT [--count 10000] [--deadline 60]
"""
import argparse
import errno
import resource
import selectors
import socket
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--deadline", type=float, default=60.0)
    parser.add_argument("--in-flight", type=int, default=512,
                        help="connects outstanding at once (keeps the listen backlog from overflowing)")
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "::1"):
        sys.exit("loopback only")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = args.count + 64
    if soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            print(f"SKIP: need {need} file descriptors, hard limit is {hard}")
            return 77
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))

    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    until = time.monotonic() + args.deadline
    sel = selectors.DefaultSelector()
    request = (f"GET / HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n\r\n").encode()

    # Phase 1: connect all, a bounded number in flight at a time.
    connected = []
    pending = 0
    started = 0
    errors = 0
    while len(connected) + errors < args.count:
        if time.monotonic() > until:
            print(f"FAIL: connected {len(connected)} of {args.count} before the deadline")
            return 1
        while started < args.count and pending < args.in_flight:
            s = socket.socket(family, socket.SOCK_STREAM)
            s.setblocking(False)
            rc = s.connect_ex((args.host, args.port))
            if rc not in (0, errno.EINPROGRESS):
                errors += 1
                s.close()
            else:
                sel.register(s, selectors.EVENT_WRITE)
                pending += 1
            started += 1
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            sel.unregister(s)
            pending -= 1
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                errors += 1
                s.close()
            else:
                connected.append(s)
    if errors:
        print(f"FAIL: {errors} connects failed")
        return 1
    print(f"holding {len(connected)} connections")

    # Phase 2: one request on every connection (all are open at the same time).
    for s in connected:
        s.sendall(request)
    # Phase 3: read every answer: a complete 200 response, and the connection still open.
    buffers = {}
    for s in connected:
        sel.register(s, selectors.EVENT_READ)
        buffers[s] = b""
    answered = 0
    bad = 0
    while answered + bad < len(connected):
        if time.monotonic() > until:
            print(f"FAIL: {answered} answered, {bad} bad, {len(connected) - answered - bad} "
                  f"still waiting at the deadline")
            return 1
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            try:
                data = s.recv(65536)
            except ConnectionError:
                data = b""
            if not data:
                bad += 1
                sel.unregister(s)
                continue
            buffers[s] += data
            head, sep, body = buffers[s].partition(b"\r\n\r\n")
            if not sep:
                continue
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(body) < length:
                continue
            sel.unregister(s)
            if head.startswith(b"HTTP/1.1 200") and b"connection: close" not in head.lower():
                answered += 1
            else:
                bad += 1
    # Still open? A closed connection would read as end of stream right away.
    closed = 0
    for s in connected:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except ConnectionError:
            closed += 1
    for s in connected:
        s.close()
    sel.close()
    print(f"answered {answered} of {len(connected)}, {bad} bad, {closed} closed by the server early")
    return 0 if answered == len(connected) and bad == 0 and closed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
