#!/usr/bin/python3
"""`wirestep view FILE --svg OUT` without a display: runs a lesson to a saved trace, exports its
ladder, and checks the SVG parses as XML with one lane line per lane the trace has and one arrow
per matched send/recv (at least the TCP ones), and the same with one row per event (--spacing
sequence); an unwritable path and a missing file fail with exit 1 and a message.

Usage: export_svg_test.py --wirestep PATH --work DIR. Exit codes: 0 pass, 1 fail.
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def app_under_xvfb(command, env):
    """The app's own exit code and output under a virtual display. xvfb-run's exit code is not
    used: it can be its own (5 when another parallel run raced it cleaning up a temporary
    directory), which says nothing about the app."""
    shell = 'exec 2>&1; "$@"; echo "app-exit=$?"'
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "sh", "-c", shell, "sh"] + command,
                          env=env, capture_output=True, text=True, timeout=120)
    codes = [line for line in done.stdout.splitlines() if line.startswith("app-exit=")]
    assert codes, f"the app never ran (xvfb-run exit {done.returncode}): {done.stdout}{done.stderr}"
    return int(codes[-1].split("=", 1)[1]), done.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wirestep", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    env = dict(os.environ, WIRESTEP_STATE_DIR=os.path.join(args.work, "state"))
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    trace = os.path.join(args.work, "hello.json")
    subprocess.run([args.wirestep, "run", "tcp-vs-udp-hello", "--trace", trace], env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=120)

    svg = os.path.join(args.work, "hello.svg")
    done = subprocess.run([args.wirestep, "view", trace, "--svg", svg], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    root = ET.parse(svg).getroot()
    assert root.tag == NS + "svg", root.tag
    lanes = [e for e in root.iter(NS + "line") if e.get("class") == "lane"]
    arrows = [e for e in root.iter(NS + "line") if e.get("class") == "arrow"]
    packets = [e for e in root.iter(NS + "line") if e.get("class") == "packet"]
    texts = {e.text for e in root.iter(NS + "text")}
    assert {"client", "server"} <= texts, texts
    with open(trace) as f:
        events = json.load(f)["events"]
    lane_names = {e["lane"] for e in events if e["kind"] != "Note"}
    if any(e["kind"] == "Packet" for e in events):
        # Captured (root): the real segments replace the inferred arrows. The two sends ("hello ",
        # "world") are two data segments, then the UDP datagrams.
        assert len(packets) >= 5, f"{len(packets)} packet arrows"
        assert "ACK 1:7 (6 B)" in texts and "ACK 7:12 (5 B)" in texts, texts
        assert any(t and t.startswith("SYN") for t in texts), texts
    else:
        # Two TCP sends read by one recv: two arrows, each captioned with its bytes.
        assert len(arrows) >= 2, f"{len(arrows)} arrows"
        assert any(t and '"world"' in t for t in texts), texts
    assert len(lanes) <= len(lane_names) and len(lanes) >= 2, (len(lanes), lane_names)

    # One row per event (--spacing sequence): every arrow of the time-spaced page is there, each
    # row labelled with its time, and the page grows rather than squeezing the rows.
    seq_svg = os.path.join(args.work, "hello-sequence.svg")
    done = subprocess.run([args.wirestep, "view", trace, "--svg", seq_svg, "--spacing", "sequence"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    seq_root = ET.parse(seq_svg).getroot()
    seq_drawn = [e for e in seq_root.iter(NS + "line") if e.get("class") in ("arrow", "packet")]
    assert len(seq_drawn) >= len(arrows) + len(packets), (len(seq_drawn), len(arrows), len(packets))
    assert float(seq_root.get("height")) >= float(root.get("height")), (seq_root.get("height"), root.get("height"))
    seq_texts = [e.text or "" for e in seq_root.iter(NS + "text")]
    assert sum(1 for t in seq_texts if t.endswith(" s") or t.endswith(" ms")) >= 3, seq_texts

    bad = subprocess.run([args.wirestep, "view", trace, "--svg", "/nonexistent-dir/x.svg"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "cannot write /nonexistent-dir/x.svg" in bad.stderr, (bad.returncode, bad.stderr)
    missing = subprocess.run([args.wirestep, "view", os.path.join(args.work, "none.json"), "--svg", svg], env=env,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "none.json" in missing.stderr, (missing.returncode, missing.stderr)
    # The PNG export (File > Export ladder as PNG) reads back the timeline's rectangle only.
    if shutil.which("xvfb-run"):
        png = os.path.join(args.work, "ladder.png")
        gui_env = dict(env, ASAN_OPTIONS="detect_leaks=0")
        code, output = app_under_xvfb([args.wirestep, "view", trace, "--frames", "60", "--ladder-png", png], gui_env)
        assert code == 0, (code, output)
        with open(png, "rb") as f:
            head = f.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n", head
        width, height = struct.unpack(">II", head[16:24])
        assert 200 < width < 1600 and 200 < height < 1000, (width, height)
        code, output = app_under_xvfb([args.wirestep, "view", trace, "--frames", "30", "--ladder-png",
                                       "/nonexistent-dir/x.png"], gui_env)
        assert code == 1 and "/nonexistent-dir/x.png" in output, (code, output)
    print("ok:", len(lanes), "lanes,", len(arrows), "arrows,", len(packets), "packets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
