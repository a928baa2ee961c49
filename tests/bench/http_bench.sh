#!/usr/bin/env bash
# HTTP server benchmark (not run by ctest): wirestep's three modes vs nginx (one worker),
# Python's ThreadingHTTPServer and aiohttp, on loopback, keep-alive, with wrk for a bounded
# time; tracing on vs off for the evented mode; and 10,000 concurrent connections.
#
# Usage: tests/bench/http_bench.sh [path/to/wirestep]     (DURATION=5 by default)
# Needs: wrk, nginx-light, python3-aiohttp, curl (Debian packages).
# With two or more CPUs the server runs on CPU 0 and wrk on CPU 1, so every server gets the
# same single core (as nginx with worker_processes 1 has) and the numbers are repeatable.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
wirestep=${1:-$root/build/default/app/wirestep}
duration=${DURATION:-5}
python=/usr/bin/python3

for tool in wrk /usr/sbin/nginx curl "$python" "$wirestep"; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install -y wrk nginx-light curl python3-aiohttp)" >&2; exit 1; }
done
"$python" -c 'import aiohttp' 2>/dev/null || { echo "missing: python3-aiohttp" >&2; exit 1; }

work=$(mktemp -d /tmp/wirestep-bench.XXXXXX)
chmod 755 "$work"  # nginx workers run as an unprivileged user and must read the page
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

server_cpu=(); client_cpu=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  server_cpu=(taskset -c 0); client_cpu=(taskset -c 1)
fi

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {  # wait (bounded) until something answers GET / on the port
  for _ in $(seq 1 100); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" && return 0
    sleep 0.05
  done
  echo "server on port $1 did not come up" >&2; return 1
}

# SIGTERM, not SIGINT: a non-interactive shell starts background jobs with SIGINT ignored,
# and Python keeps it ignored (wirestep and nginx handle both).
stop_server() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# start_* set $port and $pid.
start_wirestep() {  # mode [extra flags]
  local mode=$1; shift
  "${server_cpu[@]}" "$wirestep" serve --port 0 --mode "$mode" --quiet --idle-timeout 60 "$@" \
      >"$work/serve.out" 2>"$work/serve.err" &
  pid=$!; pids+=("$pid")
  for _ in $(seq 1 100); do
    port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.out")
    [ -n "$port" ] && return 0
    sleep 0.05
  done
  echo "wirestep serve did not start: $(cat "$work/serve.err")" >&2; return 1
}

start_nginx() {
  port=$(free_port)
  mkdir -p "$work/nginx/html"
  cp "$work/page.html" "$work/nginx/html/index.html"
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
worker_rlimit_nofile 20000;
daemon off;
error_log $work/nginx/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_requests 1000000;
  open_file_cache max=64;  # nginx at its best: no open()/stat() per request
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    root $work/nginx/html;
    location / { index index.html; }
  }
}
CONF
  "${server_cpu[@]}" /usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
  pid=$!; pids+=("$pid")
  wait_port "$port"
}

start_python_threading() {
  port=$(free_port)
  "${server_cpu[@]}" "$python" - "$port" "$work/page.html" <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
page = open(sys.argv[2], "rb").read()
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)
    def log_message(self, *args):
        pass
class Server(ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True
    def handle_error(self, request, client_address):
        pass  # wrk resets its connections at the end of a run: not worth a traceback each
Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY
  pid=$!; pids+=("$pid")
  wait_port "$port"
}

start_aiohttp() {
  port=$(free_port)
  "${server_cpu[@]}" "$python" - "$port" "$work/page.html" <<'PY' &
import sys
from aiohttp import web
page = open(sys.argv[2], "rb").read()
async def index(request):
    return web.Response(body=page, content_type="text/html", charset="utf-8")
app = web.Application()
app.router.add_get("/", index)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None, backlog=1024)
PY
  pid=$!; pids+=("$pid")
  wait_port "$port"
}

# run_wrk connections → prints "req/s errors"
run_wrk() {
  local out
  out=$("${client_cpu[@]}" wrk -t1 -c"$1" -d"${duration}s" --timeout 5s "http://127.0.0.1:$port/" 2>&1)
  local rps errors non2xx
  rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
  errors=$(awk '/Socket errors:/ {gsub(",", ""); print $4+$6+$8+$10}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "${rps:-0} $(( ${errors:-0} + ${non2xx:-0} ))"
}

declare -A rps errs
measure() {  # name start-command... ; measures c64 and c1000 (or only what $levels says)
  local name=$1; shift
  "$@"
  "${client_cpu[@]}" wrk -t1 -c16 -d1s "http://127.0.0.1:$port/" >/dev/null 2>&1 || true  # warm-up
  for c in ${levels:-64 1000}; do
    read -r r e < <(run_wrk "$c")
    rps[$name,$c]=$r; errs[$name,$c]=$e
    printf '  %-22s c%-5s %9s req/s  %s errors\n' "$name" "$c" "$r" "$e" >&2
  done
  stop_server "$pid"
}

# The page every server returns: wirestep's own (the same size for everyone).
start_wirestep evented --no-trace
curl -s "http://127.0.0.1:$port/" >"$work/page.html"
stop_server "$pid"

echo "wrk -t1, keep-alive, ${duration}s per run, GET / ($(wc -c <"$work/page.html") B body)," \
     "server on ${server_cpu[*]:-any CPU}, wrk on ${client_cpu[*]:-any CPU}" >&2
measure nginx-1-worker start_nginx
measure evented start_wirestep evented --no-trace
measure evented+trace start_wirestep evented
measure threaded start_wirestep threaded --no-trace
levels="1 64" measure blocking start_wirestep blocking --no-trace
measure python-threading start_python_threading
measure aiohttp start_aiohttp

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
printf '| %-18s | %12s | %8s | %7s | %12s | %8s | %7s |\n' server "c64 req/s" "vs nginx" errors "c1000 req/s" "vs nginx" errors
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "--------------------" "--------------" "----------" "---------" "--------------" "----------" "---------"
for name in nginx-1-worker evented evented+trace threaded blocking python-threading aiohttp; do
  printf '| %-18s | %12s | %8s | %7s | %12s | %8s | %7s |\n' "$name" \
    "${rps[$name,64]:--}" "$(ratio "${rps[$name,64]:-}" "${rps[nginx-1-worker,64]}")" "${errs[$name,64]:--}" \
    "${rps[$name,1000]:--}" "$(ratio "${rps[$name,1000]:-}" "${rps[nginx-1-worker,1000]}")" "${errs[$name,1000]:--}"
done
echo
echo "blocking at c1: ${rps[blocking,1]} req/s (${errs[blocking,1]} errors)"
echo "tracing cost (evented, c64): $(awk -v on="${rps[evented+trace,64]}" -v off="${rps[evented,64]}" \
  'BEGIN { printf "%.1f%%", (off - on) * 100 / off }') fewer req/s with tracing on"

# 10,000 concurrent keep-alive connections: all held open at once, one request each, all answered.
start_wirestep evented
echo
"$python" "$root/tests/integration/many_connections.py" "$port" --count 10000 --deadline 60 \
  && echo "10k connections (evented): PASS" || echo "10k connections (evented): FAIL"
stop_server "$pid"
