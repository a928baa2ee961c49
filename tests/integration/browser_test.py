#!/usr/bin/python3
"""A real browser against `wirestep serve`: headless Chromium loads the page from
http://127.0.0.1:PORT/, and the server's live output shows the browser's own request.

Usage: browser_test.py --wirestep PATH --mode MODE
Exit codes: 0 pass, 1 fail, 77 skipped (no chromium on this machine).
"""
import argparse
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_test import LISTENING, SKIP, Failure, check  # noqa: E402

# Flags that keep Chromium off every network but the page we give it: no background
# updates, sync or component downloads, which would try hosts beyond this machine.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--no-proxy-server",
]


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_browser(wirestep, mode):
    chromium = find_chromium()
    if chromium is None:
        print("SKIP: no chromium (apt-get install chromium)")
        return SKIP
    server = subprocess.Popen([wirestep, "serve", "--port", "0", "--mode", mode],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        until = time.monotonic() + 10
        while time.monotonic() < until and port is None:
            match = LISTENING.match(server.stdout.readline().rstrip("\n"))
            if match:
                port = int(match.group(1))
        check(port is not None, "no listening line")
        with tempfile.TemporaryDirectory() as profile:
            page = subprocess.run(
                [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                 f"http://127.0.0.1:{port}/"],
                capture_output=True, text=True, timeout=60)
        check(page.returncode == 0, f"chromium exited {page.returncode}: {page.stderr[-2000:]}")
        check("<title>" in page.stdout and "WireStep" in page.stdout,
              "the browser rendered the server's page: " + page.stdout[:500])
        # The live lines show the request the browser itself wrote. Read them on a thread:
        # a readline() that waits for a line that never comes must not outlive the deadline.
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in server.stdout], daemon=True).start()
        wanted = f"\"GET / HTTP/1.1\\r\\nHost: 127.0.0.1:{port}\\r\\n"
        seen = ""
        until = time.monotonic() + 10
        while time.monotonic() < until and (wanted not in seen or "send(fd" not in seen):
            try:
                seen += lines.get(timeout=0.5)
            except queue.Empty:
                pass
        check(wanted in seen, "the browser's request is printed live: " + seen[-2000:])
        check("accept(fd" in seen and "send(fd" in seen, "its accept and the answer are printed")
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=10)
    check(server.returncode == 0, f"serve exited {server.returncode} after SIGTERM")
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wirestep", required=True)
    parser.add_argument("--mode", default="evented")
    args = parser.parse_args()
    try:
        code = test_browser(args.wirestep, args.mode)
    except Failure as failure:
        print(f"FAIL: {failure}")
        return 1
    if code == 0:
        print("PASS")
    return code


if __name__ == "__main__":
    sys.exit(main())
