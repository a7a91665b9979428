#!/usr/bin/env bash
# One measurement of the full second step of a sign-in (POST /challenges, then POST /challenges/{id}/verify with the
# user's current TOTP code) against the platform that deploy/local/run.sh started, driven from a separate JVM by the
# generic closed-loop driver ../shared/peers/keycloak/LoadGen.java. Needs deploy/bench/seed.sh's users file.
#
#   deploy/bench/signin.sh [label]          env: CONC=16 WARMUP=20 DURATION=30 LOADGEN_SRC=... USERS_CSV=...
#
# Prints LoadGen's summary line (sign-ins/s, p50/p99, errors) and CPU seconds per 1000 sign-ins of every process
# of the platform over the measured window (utime+stime from /proc/<pid>/stat at its edges; PostgreSQL = the
# postmaster and all its backends). Appends both to deploy/bench/.out/results.txt.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUN="$ROOT/deploy/local/.run"
LABEL="${1:-platform}"
CONC="${CONC:-16}" WARMUP="${WARMUP:-20}" DURATION="${DURATION:-30}"
LOADGEN_SRC="${LOADGEN_SRC:-$ROOT/../shared/peers/keycloak/LoadGen.java}"
USERS_CSV="${USERS_CSV:-$HERE/.out/users.csv}"
BASE="${BASE:-http://127.0.0.1:8082}"
CLK="$(getconf CLK_TCK)"
[[ -r "$LOADGEN_SRC" ]] || { echo "signin.sh: LoadGen.java not found ($LOADGEN_SRC); set LOADGEN_SRC" >&2; exit 2; }
[[ -r "$USERS_CSV" ]] || { echo "signin.sh: no users file; run deploy/bench/seed.sh first" >&2; exit 2; }
CLS="$HERE/.out/loadgen-classes"
if [[ ! -f "$CLS/LoadGen.class" || "$LOADGEN_SRC" -nt "$CLS/LoadGen.class" ]]; then
  mkdir -p "$CLS" && javac -d "$CLS" "$LOADGEN_SRC"
fi

ticks() {   # utime+stime of one process, 0 when gone
  local s
  s="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  s="${s##*) }"
  awk '{ print $12 + $13 }' <<< "$s"
}
procs() {   # name pid... : every process the platform runs
  local f pm
  for f in "$RUN"/pids/*; do
    [[ -f "$f" ]] || continue
    echo "$(basename "$f" .pid) $(cat "$f")"
  done
  if [[ -f "$RUN/pg/postmaster.pid" ]]; then
    pm="$(head -1 "$RUN/pg/postmaster.pid")"
    echo "postgresql $pm $(pgrep -P "$pm" | tr '\n' ' ')"
    pg_by_database "$pm"
  fi
}
# The same PostgreSQL CPU split by database: a backend's title is "postgres: USER DATABASE HOST(PORT) STATE", so the
# backends of each service's pool are told apart (in production each service has its own server); the postmaster
# and its helpers (checkpointer, WAL writer, autovacuum, ...) are "pg-shared".
pg_by_database() {   # postmaster pid
  local p title db re='^postgres: [^ ]+ ([a-z_][a-z0-9_]*) [0-9.:a-f]*[(]'
  declare -A byDb=([pg-shared]="$1")
  for p in $(pgrep -P "$1"); do
    title="$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)" || continue
    db="pg-shared"
    if [[ "$title" =~ $re ]]; then db="pg:${BASH_REMATCH[1]}"; fi
    byDb[$db]="${byDb[$db]:-} $p"
  done
  for db in "${!byDb[@]}"; do echo "$db ${byDb[$db]}"; done
}
snapshot() {   # name ticks per line, plus the machine's busy ticks
  local name pids p sum
  while read -r name pids; do
    sum=0
    for p in $pids; do sum=$(( sum + $(ticks "$p") )); done
    echo "$name $sum"
  done < <(procs)
  awk '/^cpu / { print "machine", $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

mkdir -p "$HERE/.out"
OUT="$HERE/.out/results.txt"
LOG="$HERE/.out/loadgen-$$.txt"
echo "== $LABEL $(date -u +%FT%TZ) conc=$CONC warmup=$WARMUP duration=$DURATION; uptime: $(uptime)" | tee -a "$OUT"
# shellcheck disable=SC2016
java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$CLS" LoadGen --base="$BASE" --users="$USERS_CSV" \
  --mode=totp --pre-path=/api/v1/challenges --pre-header='Authorization: Bearer {token}' \
  --pre-id-regex='"challengeId"\s*:\s*"([^"]+)"' --path='/api/v1/challenges/{id}/verify' \
  --content-type=application/json --body='{"method":"TOTP","code":"{code}"}' --header='Authorization: Bearer {token}' \
  --ok-status=200,201 --concurrency="$CONC" --warmup="$WARMUP" --duration="$DURATION" --clk-tck="$CLK" \
  --label="$LABEL" --rate-name=signins_per_s > "$LOG" 2>&1 &
lg=$!
sleep "$WARMUP"
a="$(snapshot; echo "loadgen $(ticks $lg)")"
sleep "$DURATION"
b="$(snapshot; echo "loadgen $(ticks $lg)")"
wait "$lg" || true
cat "$LOG" | tee -a "$OUT"
ok="$(grep -o ' ok=[0-9]*' "$LOG" | head -1 | cut -d= -f2)"
[[ -n "$ok" && "$ok" -gt 0 ]] || { echo "signin.sh: no successful sign-in" | tee -a "$OUT"; rm -f "$LOG"; exit 1; }
awk -v ok="$ok" -v clk="$CLK" -v dur="$DURATION" 'NR == FNR { a[$1] = $2; next }
  { d = ($2 - a[$1]) / clk; printf "  %-22s cpu_s_per_1000=%6.2f cores=%5.2f\n", $1, d / ok * 1000, d / dur }' \
  <(echo "$a") <(echo "$b") | tee -a "$OUT"
rm -f "$LOG"
