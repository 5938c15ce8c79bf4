#!/usr/bin/env bash
# `npm run scale:demo` — two FUSE instances behind nginx on loopback, sharing PostgreSQL and Redis.
# Runs bench/scale-demo.ts through nginx: global rate limit, live change across instances, combined
# throughput, and the load test with one instance killed mid-load (nginx retries the other).
#
#   npm run scale:demo                 # short load profile (~30 s), data-set scale 0.01 database
#   npm run scale:demo -- --full       # the seed's 4-minute profile on the full scale-target database
#   BENCH_NO_BUILD=1 npm run scale:demo  # reuse the existing build in $FUSE_DIST_DIR as it is
#
# Env: BENCH_PG_SERVER (admin URL of the PostgreSQL server), REDIS_URL, FUSE_DIST_DIR (build dir).
# Everything it starts (nginx, two `next start`) is stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

FULL=0
for a in "$@"; do [[ "$a" == "--full" ]] && FULL=1; done
SCALE=$([[ $FULL == 1 ]] && echo 1 || echo 0.01)
DB=$([[ $FULL == 1 ]] && echo fuse_scale || echo fuse_scale_0_01)
export USER="${USER:-$(id -un)}"
export FUSE_DIST_DIR="${FUSE_DIST_DIR:-.next-bench}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export SESSION_SECRET="${SESSION_SECRET:-scale-demo-session-secret-that-is-long-enough-0123456789}"
PG_SERVER="${BENCH_PG_SERVER:-postgres://${USER}@127.0.0.1:5432/postgres}"
DATABASE_URL="${PG_SERVER%/*}/${DB}"
LIMIT=100
export METRICS_TOKEN="scale-demo-metrics-$$-$RANDOM$RANDOM"

if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
  echo "scale-demo: installing nginx (Debian package)"
  apt-get install -y nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# The database (created and seeded if missing) and the production build.
node --import tsx --input-type=module -e "
  const { ensureScaleDatabase, buildIfNeeded } = await import('./bench/lib.ts');
  await ensureScaleDatabase('${DB}', ${SCALE});
  buildIfNeeded();
"

WORK=$(mktemp -d /tmp/fuse-scale-demo.XXXXXX)
PIDS=()
cleanup() {
  [[ -f "$WORK/nginx.pid" ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
PORT_A=$(free_port); PORT_B=$(free_port); PORT_N=$(free_port)
while [[ "$PORT_B" == "$PORT_A" ]]; do PORT_B=$(free_port); done
while [[ "$PORT_N" == "$PORT_A" || "$PORT_N" == "$PORT_B" ]]; do PORT_N=$(free_port); done

start_instance() {
  # The real limits stay on (100 requests / 10 s per address, shared in Redis); nginx is the
  # trusted proxy whose X-Forwarded-For names the client.
  NODE_ENV=production DATABASE_URL="$DATABASE_URL" RATE_LIMIT_MAX=$LIMIT RATE_LIMIT_WINDOW_SECONDS=10 \
    TRUSTED_PROXIES=127.0.0.1 REDIS_PREFIX="fuse-scale-demo-$$:" LOG_LEVEL=warn METRICS_TOKEN="$METRICS_TOKEN" \
    node node_modules/next/dist/bin/next start -p "$1" -H 127.0.0.1 >"$WORK/app-$1.log" 2>&1 &
  PIDS+=($!)
}
start_instance "$PORT_A"; PID_A=$!
start_instance "$PORT_B"; PID_B=$!
for port in "$PORT_A" "$PORT_B"; do
  for _ in $(seq 1 240); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/health" || true)
    [[ "$code" != "000" ]] && break
    sleep 0.25
  done
done
echo "scale-demo: instance A :$PORT_A (pid $PID_A), instance B :$PORT_B (pid $PID_B)"

mkdir -p "$WORK/tmp"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/tmp/body;
  proxy_temp_path $WORK/tmp/proxy;
  fastcgi_temp_path $WORK/tmp/fastcgi;
  uwsgi_temp_path $WORK/tmp/uwsgi;
  scgi_temp_path $WORK/tmp/scgi;
  upstream fuse {
    # A refused connection marks an instance down for 5 s; an application answer (even a 503
    # from FUSE's fail-closed sign-in limiter) never does.
    server 127.0.0.1:$PORT_A max_fails=3 fail_timeout=5s;
    server 127.0.0.1:$PORT_B max_fails=3 fail_timeout=5s;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$PORT_N;
    # Inherited by both locations (neither sets its own headers).
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$host:\$server_port;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
    add_header X-Upstream \$upstream_addr always;
    location / {
      proxy_pass http://fuse;
      # A dead instance: retry the other one (sign-in POSTs included: they have no side effect
      # a retry could double).
      proxy_next_upstream error timeout http_502 non_idempotent;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 1s;
    }
    location = /api/live {
      proxy_pass http://fuse;
      # Live streams pass through unbuffered and stay open.
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
  }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK"
echo "scale-demo: nginx on :$PORT_N (pid $(cat "$WORK/nginx.pid"))"

ARGS=(--nginx "http://127.0.0.1:$PORT_N" --a "http://127.0.0.1:$PORT_A" --b "http://127.0.0.1:$PORT_B" --pid-a "$PID_A" --limit "$LIMIT")
[[ $FULL == 1 ]] && ARGS+=(--full)
node --import tsx bench/scale-demo.ts "${ARGS[@]}"
