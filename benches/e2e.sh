#!/usr/bin/env bash
# End to end: a one-thread hyper server on loopback under wrk, for scenarios
# (b) simple GET from an allowed origin and (d) allowed preflight, with no
# layer, tower-http's CorsLayer and tower-cors. Not run in CI.
#
# Needs wrk (Debian: apt-get install -y wrk). Bounded: ROUNDS x 2 scenarios x
# 3 contestants x DURATION seconds (default 2 x 2 x 3 x 4 s = 48 s).
#   bash benches/e2e.sh            # prints a Markdown table (best round per cell)
#
# Two readings per run: requests per second as wrk sees them, and the
# server's own CPU time per request (user + system, from /proc), which a
# busy neighbour on a shared machine disturbs far less than throughput.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-4}
ROUNDS=${ROUNDS:-2}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18080}
ORIGIN="https://admin.example.com"

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
bin=$(cargo bench --bench cors --no-run --message-format=json 2>/dev/null \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
[ -x "$bin" ] || { echo "could not build the bench binary" >&2; exit 1; }

lua=$(mktemp --suffix=.lua)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -f "$lua"
}
trap cleanup EXIT

# wrk script for a scenario: (b) GET with Origin; (d) the preflight.
script() {
  if [ "$1" = d ]; then
    cat >"$lua" <<EOF
wrk.method = "OPTIONS"
wrk.headers["Origin"] = "$ORIGIN"
wrk.headers["Access-Control-Request-Method"] = "PUT"
wrk.headers["Access-Control-Request-Headers"] = "content-type,x-requested-with"
EOF
  else
    cat >"$lua" <<EOF
wrk.method = "GET"
wrk.headers["Origin"] = "$ORIGIN"
EOF
  fi
}

# utime + stime of a process, in clock ticks.
cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

declare -A best cpu
for round in $(seq "$ROUNDS"); do
  for scenario in b d; do
    script "$scenario"
    for who in none tower-http ours; do
      taskset -c 0 "$bin" --serve "$scenario" "$who" "$PORT" &
      server=$!
      for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
        sleep 0.1
      done
      ticks_before=$(cpu_ticks "$server")
      out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$lua" \
        "http://127.0.0.1:$PORT/")
      ticks=$(( $(cpu_ticks "$server") - ticks_before ))
      rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
      requests=$(awk '/requests in/ {print $1}' <<<"$out")
      us=$(awk -v t="$ticks" -v r="$requests" -v hz="$(getconf CLK_TCK)" \
        'BEGIN {printf "%.3f", 1e6 * t / hz / r}')
      kill "$server"; wait "$server" 2>/dev/null || true; server=
      echo "round $round ($scenario) $who: $rps req/s, $us us CPU per request" >&2
      key="$scenario $who"
      if [ -z "${best[$key]:-}" ] || awk "BEGIN {exit !($rps > ${best[$key]})}"; then
        best[$key]=$rps
      fi
      if [ -z "${cpu[$key]:-}" ] || awk "BEGIN {exit !($us < ${cpu[$key]})}"; then
        cpu[$key]=$us
      fi
    done
  done
done

# One table: $1 names the cells (best or cpu), $2 the header, $3 the awk
# format of a row, $4 the contestants' share of "no layer".
table() {
  local -n cells=$1
  echo "$2"
  echo "|---|---:|---:|---:|"
  for scenario in b d; do
    awk -v s="$scenario" -v n="${cells["$scenario none"]}" \
      -v t="${cells["$scenario tower-http"]}" -v o="${cells["$scenario ours"]}" \
      "BEGIN { printf \"$3\\n\", s, n, t, $4 }"
  done
}

table best "| scenario | no layer req/s | tower-http req/s (% of no layer) | tower-cors req/s (% of no layer) |" \
  "| (%s) | %.0f | %.0f (%.1f %%) | %.0f (%.1f %%) |" "100*t/n, o, 100*o/n"
echo
table cpu "| scenario | no layer CPU µs/request | tower-http (no layer / it) | tower-cors (no layer / it) |" \
  "| (%s) | %.2f | %.2f (%.1f %%) | %.2f (%.1f %%) |" "100*n/t, o, 100*n/o"
