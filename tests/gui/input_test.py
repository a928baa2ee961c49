#!/usr/bin/python3
"""Drives the real WireStep window with synthetic key presses (xdotool) under Xvfb and checks
what they did through the app's --report: one Right press is one step, Space plays, Ctrl+O
opens a trace file typed into the dialog, Left steps back through it, Ctrl+Q quits; a trace
capped with --max-events keeps exactly that many and counts the rest.

Usage: input_test.py --wirestep PATH --work DIR {stepping,play,open-and-step-back,trace-full}
Run inside a display (xvfb-run). Exit codes: 0 pass, 1 fail, 77 skipped.
"""
import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time

SKIP = 77
DEADLINE = 60  # seconds for any one wait; only bounds a failing run


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def xdotool(*args):
    result = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=DEADLINE)
    check(result.returncode == 0, f"xdotool {' '.join(args)}: {result.stderr}")
    return result.stdout.strip()


class App:
    """The app in the test's display, with its stdout read on a thread."""

    def __init__(self, wirestep, work, *args):
        self.report = os.path.join(work, "report.json")
        env = dict(os.environ, WIRESTEP_STATE_DIR=os.path.join(work, "state"))
        # --no-checkpoints: the keys under test are steps; a lesson's question would hold the run.
        self.process = subprocess.Popen([wirestep, "--report", self.report, "--no-checkpoints", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, env=env)
        self.lines = queue.Queue()
        self.output = []
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for_line("ready")
        # The window the app opened; give it the keyboard (there is no window manager).
        self.window = xdotool("search", "--all", "--sync", "--pid", str(self.process.pid), "--name", "WireStep")
        self.window = self.window.split()[0]
        xdotool("windowfocus", "--sync", self.window)

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for_line(self, wanted, part=False):
        until = time.monotonic() + DEADLINE
        while time.monotonic() < until:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                check(self.process.poll() is None, "the app exited: " + "\n".join(self.output))
                continue
            self.output.append(line)
            if line == wanted or (part and wanted in line):
                return
        raise Failure(f"no '{wanted}' line: " + "\n".join(self.output))

    def drain(self):
        while True:
            try:
                self.output.append(self.lines.get_nowait())
            except queue.Empty:
                return

    def keys(self, *names):
        xdotool("key", "--clearmodifiers", *names)

    def wait_title(self, text):
        # The title names what is shown ("WireStep — trace: FILE"): a loaded file changes it.
        xdotool("search", "--all", "--sync", "--pid", str(self.process.pid), "--name", text)

    def quit(self):
        self.keys("ctrl+q")
        try:
            self.process.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.drain()
            raise Failure("Ctrl+Q did not close the app: " + "\n".join(self.output[-20:]))
        check(self.process.returncode == 0, f"the app exited {self.process.returncode}")
        with open(self.report) as f:
            return json.load(f)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def test_stepping(wirestep, work):
    app = App(wirestep, work, "--lesson", "http-is-text")
    try:
        app.keys("Right", "Right", "Right")
        report = app.quit()
    finally:
        app.kill()
    check(report.get("lesson") == "http-is-text", report)
    check(not report["playing"], f"still paused: {report}")
    given = report["released"] + report["pending_steps"]
    check(given == 3, f"three presses, three steps: {report}")


def test_play(wirestep, work):
    app = App(wirestep, work, "--lesson", "http-is-text")
    try:
        app.keys("space")
        app.keys("n")  # N steps too, and stepping pauses a playing lesson
        report = app.quit()
    finally:
        app.kill()
    check(not report["playing"], f"a step pauses: {report}")
    check(report["released"] + report["pending_steps"] >= 1, report)


def test_open_and_step_back(wirestep, work):
    trace = os.path.join(work, "hello.json")
    run = subprocess.run([wirestep, "run", "tcp-vs-udp-hello", "--speed", "0", "--tier", "sockets",
                          "--trace", trace], capture_output=True, text=True, timeout=DEADLINE)
    check(run.returncode == 0, run.stdout + run.stderr)
    app = App(wirestep, work)
    try:
        app.keys("ctrl+o")
        # Type only once the dialog has the keyboard: it opens on the next frame.
        app.wait_for_line("Open trace dialog: typing goes to the path field", part=True)
        xdotool("type", "--delay", "5", trace)
        app.keys("Return")
        app.wait_title("trace:")
        app.keys("Left", "Left")
        report = app.quit()
    finally:
        app.kill()
    check(report["source"].lower().startswith("trace:"), report)
    check(report["events"] > 20, report)
    check(0 < report["visible"] < report["events"], f"two steps back from the end: {report}")
    check(not report["errors"], report)


def test_trace_full(wirestep, work):
    # A trace capped at 15 events: the rest of the lesson is counted, not kept, and says so.
    app = App(wirestep, work, "--lesson", "http-is-text", "--autoplay", "--max-events", "15")
    try:
        app.wait_for_line("lesson http-is-text finished", part=True)
        report = app.quit()
    finally:
        app.kill()
    check(report["events"] == 15, f"the cap keeps exactly 15 events: {report}")
    check(report["dropped_events"] > 0, f"what did not fit is counted: {report}")
    check(not report["errors"], report)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wirestep", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("test", choices=["stepping", "play", "open-and-step-back", "trace-full"])
    args = parser.parse_args()
    if shutil.which("xdotool") is None:
        print("SKIP: xdotool is not installed (apt-get install xdotool)")
        return SKIP
    if not os.environ.get("DISPLAY"):
        print("SKIP: no display; run under xvfb-run")
        return SKIP
    work = os.path.join(args.work, args.test)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    tests = {"stepping": test_stepping, "play": test_play, "open-and-step-back": test_open_and_step_back,
             "trace-full": test_trace_full}
    try:
        tests[args.test](args.wirestep, work)
    except Failure as failure:
        print(f"FAIL: {failure}")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
