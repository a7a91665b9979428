#!/usr/bin/env bash
# A whole benchmark sitting under the ports lock: start the platform (deploy/local/run.sh --detach), seed the users,
# warm up, measure, stop the platform. See deploy/bench/README.md.
#
#   deploy/bench/run.sh [--users N] [--runs K] [--keycloak] [--jfr] [--soak MINUTES]
#     --users N       enrolled TOTP users to seed (default 20000: > rate x 30 s, so no code is reused within a step)
#     --runs K        measured runs after the warm-up (default 2)
#     --keycloak      after each of our runs, one run of ../shared/peers/keycloak/bench.sh (SCENARIOS=mfa, same
#                     CONC/WARMUP/DURATION; Keycloak must be set up and warm: its README) — interleaved, one sitting
#     --jfr           one more run with a JFR recording of verification-service (.out/verification.jfr)
#     --soak MINUTES  instead: light load (CONC=1) for MINUTES, then every process's RSS (VmRSS)
#   env: CONC=16 WARMUP=20 DURATION=30 (per run), BENCH_WARMUP_S=90 (JIT warm-up load before the first run),
#        PEERS_DIR (Keycloak's scratch directory), KEEP_UP=1 (leave the platform running)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
if [[ -z "${MFA_BENCH_LOCKED:-}" ]]; then   # the fixed ports are shared: hold the lock for start, measure and stop
  exec env MFA_BENCH_LOCKED=1 flock /tmp/mfa-ports.lock "$0" "$@"
fi
USERS=20000 RUNS=2 KC=0 JFR=0 SOAK=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --users) USERS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --keycloak) KC=1; shift ;;
    --jfr) JFR=1; shift ;;
    --soak) SOAK="$2"; shift 2 ;;
    *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
KC_DIR="${KC_DIR:-$ROOT/../shared/peers/keycloak}"
RUN="$ROOT/deploy/local/.run"
OUT="$HERE/.out"
mkdir -p "$OUT"
say() { echo "[bench $(date -u +%T)] $*" | tee -a "$OUT/results.txt"; }

stop_platform() { [[ "${KEEP_UP:-0}" == 1 ]] || "$ROOT/deploy/local/run.sh" --stop > /dev/null 2>&1 || true; }
trap stop_platform EXIT
say "starting the platform; uptime: $(uptime)"
"$ROOT/deploy/local/run.sh" --detach > "$OUT/platform-start.log" 2>&1 || { tail -20 "$OUT/platform-start.log"; exit 1; }
say "platform up ($(grep -o 'ready ([^)]*)' "$OUT/platform-start.log" | tail -1))"
"$HERE/seed.sh" "$USERS" | tee -a "$OUT/results.txt"

rss() {
  local f pid
  for f in "$RUN"/pids/*; do
    pid="$(cat "$f")"
    printf '  %-22s rss_mib=%d\n' "$(basename "$f" .pid)" "$(( $(awk '/VmRSS/ { print $2 }' "/proc/$pid/status") / 1024 ))"
  done
}

if [[ "$SOAK" -gt 0 ]]; then
  say "soak: CONC=1 for $SOAK min"
  CONC=1 WARMUP=5 DURATION=$(( SOAK * 60 - 5 )) "$HERE/signin.sh" "soak-${SOAK}min"
  say "RSS after the soak ($(grep -h '^SERVICE_JVM_OPTS_DEFAULT' "$ROOT/deploy/local/run.sh" | tr '\n' ' '))"
  rss | tee -a "$OUT/results.txt"
  for f in "$RUN"/pids/*-service.pid "$RUN"/pids/deadline-scheduler.pid "$RUN"/pids/mfa-web.pid; do
    echo "  $(basename "$f" .pid): $(jcmd "$(cat "$f")" GC.heap_info | grep -E 'total|Metaspace' | tr -s ' \n' ' ')"
  done | tee -a "$OUT/results.txt"
  exit 0
fi

say "JIT warm-up: ${BENCH_WARMUP_S:-90} s of load"
WARMUP=$(( ${BENCH_WARMUP_S:-90} - 10 )) DURATION=10 "$HERE/signin.sh" warmup > /dev/null
for i in $(seq 1 "$RUNS"); do
  "$HERE/signin.sh" "platform-$i"
  if [[ "$KC" == 1 ]]; then
    say "keycloak run $i; uptime: $(uptime)"
    SCENARIOS=mfa CONC="${CONC:-16}" WARMUP="${WARMUP:-20}" DURATION="${DURATION:-30}" "$KC_DIR/bench.sh" 2>&1 \
      | tee -a "$OUT/results.txt"
  fi
done
if [[ "$JFR" == 1 ]]; then
  vpid="$(cat "$RUN/pids/verification-service.pid")"
  rm -f "$OUT/verification.jfr"
  jcmd "$vpid" JFR.start name=bench settings=profile filename="$OUT/verification.jfr" > /dev/null
  "$HERE/signin.sh" platform-jfr
  jcmd "$vpid" JFR.stop name=bench > /dev/null
  say "JFR recording: $OUT/verification.jfr"
fi
say "RSS after the runs"
rss | tee -a "$OUT/results.txt"
