#!/usr/bin/env bash
# deploy/local/run.sh — the whole MFA platform on one machine (CONTRACT §6). Needs only a JDK 17 and Maven.
#
#   deploy/local/run.sh             start everything, wait until ready, run until Ctrl-C (then stop everything)
#   deploy/local/run.sh --detach    start everything, return once ready, leave it running
#   deploy/local/run.sh --stop      stop what run.sh started (pids in deploy/local/.run/pids/)
#   deploy/local/run.sh --status    show what is running
#   deploy/local/run.sh --reset     stop, then wipe deploy/local/.run/ (database, broker log, logs); with --detach
#                                   it starts afresh afterwards
#
# Starts: PostgreSQL (embedded server, 55432) with the four databases, Kafka (KRaft single node, 9092) with every
# topic and its .dlq, the Vonage SMS stub (8089), the mail server (GreenMail: SMTP 2525, HTTP 8025, on 127.0.0.1),
# the four services (8081..8084), and the seed users
# (deploy/local/seed.json → identity.users, password hashes → .run/password-hashes.json).
# All state, logs (.run/logs/<name>.log) and pids live under deploy/local/.run/ (git-ignored).
#
# Settings (environment):
#   MFA_LOCAL_SERVICES=all|none|svc,svc   which services to start (none = infrastructure only; default all)
#   MFA_LOCAL_READY_TIMEOUT=120           seconds to wait for everything to be ready
#   MFA_LOCAL_PG_PORT=55432  MFA_LOCAL_KAFKA_PORT=9092  MFA_LOCAL_KAFKA_CONTROLLER_PORT=9093
#   MFA_LOCAL_VONAGE_STUB_PORT=8089  MFA_LOCAL_TOPIC_PARTITIONS=3  MFA_LOCAL_QUARKUS_PROFILE=local
#   MFA_LOCAL_PG_WORKING_DIR=dir          where the PostgreSQL binaries are unpacked (default: zonky's,
#                                         /tmp/embedded-pg, shared with the tests); CI points it at a fresh directory
#   MFA_LOCAL_MAIL_SMTP_PORT=2525  MFA_LOCAL_MAIL_HTTP_PORT=8025
#   MFA_LOCAL_KAFKA_JVM_OPTS, MFA_LOCAL_HELPER_JVM_OPTS, MFA_LOCAL_SERVICE_JVM_OPTS   JVM options
#   MFA_LOCAL_MALLOC_ARENA_MAX=2          glibc malloc arenas of the services' JVMs
#   MFA_LOCAL_STACK_CLASSPATH=cp          classpath of the stack's own JVMs (default: computed once with Maven, cached)
#   MFA_LOCAL_SNAPSHOT_APPS=false         true: run copies of the services' quarkus-app, taken at the first start after
#                                         --reset (.run/apps/), so that rebuilds do not change what runs (restarts too)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STACK_DIR="$HERE/stack"
RUN="$HERE/.run"
LOGS="$RUN/logs"
PIDS="$RUN/pids"

PG_PORT="${MFA_LOCAL_PG_PORT:-55432}"
KAFKA_PORT="${MFA_LOCAL_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${MFA_LOCAL_KAFKA_CONTROLLER_PORT:-9093}"
STUB_PORT="${MFA_LOCAL_VONAGE_STUB_PORT:-8089}"
MAIL_SMTP_PORT="${MFA_LOCAL_MAIL_SMTP_PORT:-2525}"   # the local mail server (GreenMail), bound to 127.0.0.1
MAIL_HTTP_PORT="${MFA_LOCAL_MAIL_HTTP_PORT:-8025}"
READY_TIMEOUT="${MFA_LOCAL_READY_TIMEOUT:-120}"
TOPIC_PARTITIONS="${MFA_LOCAL_TOPIC_PARTITIONS:-3}"
SERVICES_SELECTION="${MFA_LOCAL_SERVICES:-all}"
QUARKUS_PROFILE_LOCAL="${MFA_LOCAL_QUARKUS_PROFILE:-local}"
# C1 only (TieredStopAtLevel=1) and the serial GC: about half the start-up time on a small machine; plenty for local use.
KAFKA_JVM_OPTS="${MFA_LOCAL_KAFKA_JVM_OPTS:--Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
HELPER_JVM_OPTS="${MFA_LOCAL_HELPER_JVM_OPTS:--Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}"
# Services: a 256 MiB heap is ample (they hold no caches); the serial GC has no per-region bookkeeping (G1's costs
# tens of MiB of RSS), and capped metaspace, code cache and 512 KiB thread stacks keep RSS near 300 MiB after load.
# C2 is kept (no TieredStopAtLevel=1): these JVMs run for long, and peak speed matters more than start-up here.
# glibc keeps freed native memory (C2's arenas, Netty's buffers) in up to 8 arenas per core: 2 arenas and a trim
# every 10 s give back ~30 MiB per service (issue 16). deploy/k8s/base/*/deployment.yaml use the same (JAVA_OPTS).
SERVICE_JVM_OPTS_DEFAULT="-Xms32m -Xmx256m -XX:+UseSerialGC -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=96m"
SERVICE_JVM_OPTS_DEFAULT+=" -Xss512k -XX:TrimNativeHeapInterval=10000"
SERVICE_JVM_OPTS="${MFA_LOCAL_SERVICE_JVM_OPTS:-$SERVICE_JVM_OPTS_DEFAULT}"
SERVICE_MALLOC_ARENA_MAX="${MFA_LOCAL_MALLOC_ARENA_MAX:-2}"
PG_WORKING_DIR="${MFA_LOCAL_PG_WORKING_DIR:-}"
STACK_CLASSPATH_GIVEN="${MFA_LOCAL_STACK_CLASSPATH:-}"
SNAPSHOT_APPS="${MFA_LOCAL_SNAPSHOT_APPS:-false}"

PG_USER=postgres
PG_PASSWORD=postgres
KAFKA_BOOTSTRAP="localhost:$KAFKA_PORT"
STUB_URL="http://localhost:$STUB_PORT"
STUB_API_KEY=local-key          # the stub accepts only this pair (LOCAL ONLY); notification-service gets the same
STUB_API_SECRET=local-secret
JWT_ISSUER="https://mfa.local/dev"

# service name → HTTP port and database (CONTRACT §1)
ALL_SERVICES=(enrollment-service verification-service notification-service deadline-scheduler mfa-web)
declare -A SERVICE_PORT=([enrollment-service]=8081 [verification-service]=8082 [notification-service]=8083 [deadline-scheduler]=8084 [mfa-web]=8080)
declare -A SERVICE_DB=([enrollment-service]=mfa_enrollment [verification-service]=mfa_verification [notification-service]=mfa_notification [deadline-scheduler]=mfa_scheduler)

# ================================= variables passed to the services (extend here) =================================
# One NAME=value per line. common_env goes to every service, then the service's own block. The services' defaults
# (application.properties) already point at this stack; these make the wiring explicit and survive a profile change.
common_env() {   # $1 = service
  if [[ "$1" == mfa-web ]]; then   # the web edge (CONTRACT §7): no database, no Kafka; only on this machine
    printf '%s\n' "QUARKUS_PROFILE=$QUARKUS_PROFILE_LOCAL" "QUARKUS_HTTP_PORT=${SERVICE_PORT[mfa-web]}" \
      QUARKUS_HTTP_HOST=127.0.0.1
    return
  fi
  local svc="$1" db="${SERVICE_DB[$1]}"
  cat <<EOF
QUARKUS_PROFILE=$QUARKUS_PROFILE_LOCAL
QUARKUS_HTTP_PORT=${SERVICE_PORT[$svc]}
QUARKUS_HTTP_HOST=127.0.0.1
QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://localhost:$PG_PORT/$db
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://localhost:$PG_PORT/$db
QUARKUS_DATASOURCE_USERNAME=$PG_USER
QUARKUS_DATASOURCE_PASSWORD=$PG_PASSWORD
MFA_DB_USERNAME=$PG_USER
MFA_DB_PASSWORD=$PG_PASSWORD
KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP
MP_JWT_VERIFY_ISSUER=$JWT_ISSUER
MP_JWT_VERIFY_PUBLICKEY_LOCATION=file:$HERE/dev-jwt-public.pem
MFA_JWT_ISSUER=$JWT_ISSUER
MFA_JWT_PUBLIC_KEY_LOCATION=file:$HERE/dev-jwt-public.pem
EOF
}
service_env() {  # $1 = service (names: the services' @ConfigMapping interfaces, env form of mfa.<area>.<key>)
  case "$1" in
    enrollment-service) cat <<EOF
MFA_REAUTH_VERIFIER=file
MFA_REAUTH_PASSWORD_FILE=$RUN/password-hashes.json
MFA_ASSERTION_PUBLIC_KEY_LOCATION=$HERE/dev-assertion-public.pem
EOF
      ;;
    verification-service) cat <<EOF
MFA_ASSERTION_PRIVATE_KEY_LOCATION=$HERE/dev-assertion-private.pem
EOF
      ;;
    notification-service) cat <<EOF
MFA_VONAGE_BASE_URI=$STUB_URL
MFA_VONAGE_API_KEY=$STUB_API_KEY
MFA_VONAGE_API_SECRET=$STUB_API_SECRET
MFA_VONAGE_FROM=MFA
QUARKUS_MAILER_HOST=127.0.0.1
QUARKUS_MAILER_PORT=$MAIL_SMTP_PORT
QUARKUS_MAILER_START_TLS=DISABLED
EOF
      ;;
    deadline-scheduler) : ;;
    mfa-web) cat <<EOF
MFA_WEB_ENROLLMENT_URL=http://localhost:${SERVICE_PORT[enrollment-service]}
MFA_WEB_VERIFICATION_URL=http://localhost:${SERVICE_PORT[verification-service]}
MFA_WEB_DEV_LOGIN_DIRECTORY=$HERE/seed.json
MFA_WEB_DEV_LOGIN_PASSWORD_FILE=$RUN/password-hashes.json
MFA_WEB_DEV_LOGIN_SIGNING_KEY=$HERE/dev-jwt-private.pem
EOF
      ;;
  esac
}
# ===================================================================================================================

# ------------------------------------------------------------------------------------------------------ helpers
say() { printf '%s\n' "$*"; }
rel() { local p="$1"; printf '%s' "${p#"$ROOT"/}"; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }
now_s() { date +%s; }

usage() { sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

# The pid of a component started by run.sh, if it is alive and really ours (its command line carries our marker).
alive_pid() {
  local name="$1" pidf="$PIDS/$1.pid" pid
  [[ -f "$pidf" ]] || return 1
  pid="$(cat "$pidf" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  local cmdline
  cmdline="$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null)" || return 1
  grep -qxF -- "-Dmfa.local.component=$name" <<< "$cmdline" || return 1
  printf '%s' "$pid"
}

port_in_use() {
  local port="$1"
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

select_services() {   # sets SERVICES from MFA_LOCAL_SERVICES
  SERVICES=()
  case "$SERVICES_SELECTION" in
    all) SERVICES=("${ALL_SERVICES[@]}") ;;
    none|"") ;;
    *) local s sel=()
       IFS=',' read -r -a sel <<< "$SERVICES_SELECTION"
       for s in "${sel[@]}"; do
         [[ -n "${SERVICE_PORT[$s]:-}" ]] || die "MFA_LOCAL_SERVICES: unknown service '$s' (known: ${ALL_SERVICES[*]}, or all/none)"
         SERVICES+=("$s")
       done ;;
  esac
}

# Starts a detached process (own session: a terminal's Ctrl-C does not reach it); the process writes its own pid.
launch() {   # name, working directory, command...
  local name="$1" cwd="$2"; shift 2
  local log="$LOGS/$name.log" pidf="$PIDS/$name.pid" i
  [[ -f "$log" ]] && mv -f "$log" "$log.1"
  rm -f "$pidf"
  printf '# %s started by run.sh at %s\n' "$name" "$(date -Is)" > "$log"
  STARTED+=("$name")
  setsid bash -c 'cd "$1" && echo $$ > "$0" && exec "${@:2}"' "$pidf" "$cwd" "$@" >> "$log" 2>&1 < /dev/null 9>&- &
  for i in $(seq 1 50); do [[ -s "$pidf" ]] && break; sleep 0.1; done
  [[ -s "$pidf" ]] || fail "$name" "did not start"
}

# A failure while starting: one clear line naming the log, stop what this run started, exit non-zero.
fail() {   # name, reason
  local name="$1" reason="$2"
  printf 'run.sh: %s %s — see %s\n' "$name" "$reason" "$(rel "$LOGS/$name.log")" >&2
  log_tail "$name"
  stop_started
  exit 1
}

# The end of a component's log on stderr, so that the reason of a failed start is on screen (and in a CI log).
log_tail() {   # name
  local log="$LOGS/$1.log"
  [[ -f "$log" ]] || return 0
  printf 'run.sh: the last lines of %s:\n' "$(rel "$log")" >&2
  tail -n "${MFA_LOCAL_FAIL_LOG_LINES:-25}" "$log" | cut -c1-300 | sed 's/^/  | /' >&2
}

# Stops only what this invocation started (services first, then the stub, Kafka, PostgreSQL).
stop_started() {
  [[ "${#STARTED[@]}" -gt 0 ]] || return 0
  say "run.sh: stopping what this run started (${STARTED[*]})" >&2
  local c svcs=()
  for c in "${ALL_SERVICES[@]}"; do [[ " ${STARTED[*]} " == *" $c "* ]] && svcs+=("$c"); done
  [[ "${#svcs[@]}" -gt 0 ]] && stop_components 30 "${svcs[@]}"
  for c in mail-server vonage-stub kafka postgres; do
    [[ " ${STARTED[*]} " == *" $c "* ]] && stop_components 60 "$c"
  done
  [[ " ${STARTED[*]} " == *" postgres "* ]] && stop_orphan_postmaster
  STARTED=()
}

# Waits until the component's log has a "READY <name>" line (printed by the stack's main classes).
wait_ready_line() {   # name, marker
  local name="$1" marker="$2"
  while :; do
    grep -q "^READY $marker" "$LOGS/$name.log" 2>/dev/null && return 0
    alive_pid "$name" >/dev/null || fail "$name" "exited before becoming ready"
    (( $(now_s) < DEADLINE )) || fail "$name" "not ready after ${READY_TIMEOUT}s"
    sleep 0.2
  done
}

wait_port() {   # name, port
  local name="$1" port="$2"
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    alive_pid "$name" >/dev/null || fail "$name" "exited before listening on $port"
    (( $(now_s) < DEADLINE )) || fail "$name" "not listening on $port after ${READY_TIMEOUT}s"
    sleep 0.2
  done
}

http_status() { curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null || true; }

# Runs a helper JVM to completion (TopicCreator, SeedLoader, StorageTool); its output goes to its log.
run_helper() {   # name, timeout-seconds, [JVM options] main-class args...
  local name="$1" timeout="$2"; shift 2
  local log="$LOGS/$name.log"
  printf '# %s run by run.sh at %s\n' "$name" "$(date -Is)" > "$log"
  if ! timeout "$timeout" java $HELPER_JVM_OPTS "-Dmfa.local.component=$name" -cp "$STACK_CP" "$@" >> "$log" 2>&1 9>&-; then
    fail "$name" "failed"
  fi
}

# --------------------------------------------------------------------------------------------- build & classpath
ensure_built() {
  local need=() svc c
  for c in LocalPostgres AuthenticatorApp; do
    [[ -f "$STACK_DIR/target/classes/dev/mfa/localstack/$c.class" ]] || { need+=("deploy/local/stack"); break; }
  done
  for svc in "${SERVICES[@]}"; do
    [[ -f "$ROOT/$svc/target/quarkus-app/quarkus-run.jar" ]] || need+=("$svc")
  done
  [[ "${#need[@]}" -eq 0 ]] && return 0
  build "${need[*]}"
}

build() {   # reason
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed to build: $1)"
  # package, not install: nothing in the user's ~/.m2 is replaced. The same Maven run writes every module's runtime
  # classpath (a relative outputFile is per module), mfa-core as the jar of this reactor: one Maven start, not two.
  local log="$LOGS/build.log"
  local args=(-B -q -DskipTests package "$DEPENDENCY_PLUGIN:build-classpath" -Dmdep.outputFile="$CLASSPATH_NAME"
              -DincludeScope=runtime)
  [[ "${#SERVICES[@]}" -eq 0 ]] && args+=(-pl deploy/local/stack -am)
  say "Building ($1 missing): mvn -B -q -DskipTests package  (log: $(rel "$log"))"
  if ! (cd "$ROOT" && mvn "${args[@]}") > "$log" 2>&1; then
    die "build failed — see $(rel "$log")"
  fi
  [[ -s "$STACK_DIR/$CLASSPATH_NAME" ]] && touch "$STACK_DIR/$CLASSPATH_NAME"
  return 0
}

DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.9.0
# The cached classpath lives with the build output (mvn clean drops it), not in .run/: --reset keeps it.
CLASSPATH_NAME=target/mfa-runtime.classpath
ensure_classpath() {
  local cpfile="$STACK_DIR/$CLASSPATH_NAME"
  if [[ -n "$STACK_CLASSPATH_GIVEN" ]]; then   # the caller has it (e.g. the system tests): no Maven call
    STACK_CP="$STACK_DIR/target/classes:$STACK_CLASSPATH_GIVEN"
    return 0
  fi
  if [[ ! -s "$cpfile" || "$STACK_DIR/pom.xml" -nt "$cpfile" || "$ROOT/pom.xml" -nt "$cpfile" \
        || "${BASH_SOURCE[0]}" -nt "$cpfile" ]]; then
    command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed once to compute the stack classpath)"
    # -am with compile: mfa-core resolves to its target/classes in this reactor, not to a jar in ~/.m2 (which a
    # fresh machine does not have). The goal runs in mfa-core first, then in the stack, whose list is what stays.
    (cd "$ROOT" && mvn -B -q -pl deploy/local/stack -am compile "$DEPENDENCY_PLUGIN:build-classpath" \
          -Dmdep.outputFile="$cpfile" -DincludeScope=runtime) > "$LOGS/classpath.log" 2>&1 \
      || die "cannot compute the stack classpath — see $(rel "$LOGS/classpath.log")"
    touch "$cpfile"   # the plugin leaves an unchanged file untouched; the cache is fresh now
  fi
  STACK_CP="$STACK_DIR/target/classes:$(cat "$cpfile")"
}

# ------------------------------------------------------------------------------------------------------- start
start_postgres() {
  alive_pid postgres >/dev/null && return 0
  local wd=()
  [[ -n "$PG_WORKING_DIR" ]] && wd=(--working-dir "$PG_WORKING_DIR")
  # 256 MiB: the first start unpacks the binaries, and zonky holds the whole archive twice (15 MB each) plus the
  # files it writes asynchronously (60 MB unpacked) in the heap at once; 64 MiB ran out (OutOfMemoryError).
  launch postgres "$RUN" java $HELPER_JVM_OPTS -Xmx256m -Dmfa.local.component=postgres -cp "$STACK_CP" \
    dev.mfa.localstack.LocalPostgres --port "$PG_PORT" --data-dir "$RUN/pg" "${wd[@]}" \
    --databases "$(IFS=,; echo "${SERVICE_DB[*]}")"
}

# PostgreSQL gets three tries: a CI run saw a fresh first start never answer (LocalPostgres gave up after 90 s)
# while every other start of the same code, before and after, was ready in seconds. Each try's log is kept
# (postgres.log, then postgres.log.1 for the try before), and a failed start prints the end of it.
wait_postgres() {
  local try
  for try in 1 2 3; do
    while :; do
      grep -q "^READY postgres" "$LOGS/postgres.log" 2>/dev/null && return 0
      alive_pid postgres >/dev/null || break
      (( $(now_s) < DEADLINE )) || fail postgres "not ready after ${READY_TIMEOUT}s"
      sleep 0.2
    done
    (( try < 3 )) || fail postgres "exited before becoming ready (3 tries)"
    say "run.sh: PostgreSQL exited before becoming ready (try $try of 3); the end of its log:" >&2
    log_tail postgres
    stop_orphan_postmaster
    start_postgres
  done
}

write_kafka_properties() {
  cat > "$RUN/kafka.properties" <<EOF
# Generated by deploy/local/run.sh — KRaft combined mode, single node, local only.
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
log.dirs=$RUN/kafka
num.partitions=$TOPIC_PARTITIONS
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
background.threads=4
EOF
}

start_kafka() {
  alive_pid kafka >/dev/null && return 0
  write_kafka_properties
  if [[ ! -f "$RUN/kafka/meta.properties" ]]; then
    local cid
    if [[ -s "$RUN/kafka-cluster-id" ]]; then cid="$(cat "$RUN/kafka-cluster-id")"; else
      cid="-"; while [[ "$cid" == -* ]]; do cid="$(openssl rand 16 | base64 | tr '+/' '-_' | tr -d '=\n')"; done
      printf '%s' "$cid" > "$RUN/kafka-cluster-id"
    fi
    run_helper kafka-format 120 kafka.tools.StorageTool format --standalone -t "$cid" -c "$RUN/kafka.properties"
  fi
  launch kafka "$RUN" java $KAFKA_JVM_OPTS -Dmfa.local.component=kafka \
    -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS \
    -Dorg.slf4j.simpleLogger.log.kafka.coordinator=warn -Dorg.slf4j.simpleLogger.log.state.change.logger=warn \
    -cp "$STACK_CP" kafka.Kafka "$RUN/kafka.properties"
}

create_topics() {
  run_helper topics 90 dev.mfa.localstack.TopicCreator --bootstrap "$KAFKA_BOOTSTRAP" \
    --partitions "$TOPIC_PARTITIONS" --timeout 60
}

start_stub() {
  alive_pid vonage-stub >/dev/null && return 0
  launch vonage-stub "$RUN" java $HELPER_JVM_OPTS -Xmx64m -Dmfa.local.component=vonage-stub -cp "$STACK_CP" \
    dev.mfa.localstack.VonageStub --port "$STUB_PORT" --api-key "$STUB_API_KEY" --api-secret "$STUB_API_SECRET" \
    --receipt-url "http://localhost:${SERVICE_PORT[notification-service]}/webhooks/vonage/delivery-receipt"
}

start_mail() {
  alive_pid mail-server >/dev/null && return 0
  launch mail-server "$RUN" java $HELPER_JVM_OPTS -Xmx64m -Dmfa.local.component=mail-server -cp "$STACK_CP" \
    dev.mfa.localstack.MailServer --bind 127.0.0.1 --smtp-port "$MAIL_SMTP_PORT" --http-port "$MAIL_HTTP_PORT"
}

start_service() {   # name
  local svc="$1" envs=()
  alive_pid "$svc" >/dev/null && return 0
  local app="$ROOT/$svc/target/quarkus-app"
  if [[ "$SNAPSHOT_APPS" == true ]]; then
    if [[ ! -f "$RUN/apps/$svc/quarkus-run.jar" ]]; then
      rm -rf "$RUN/apps/$svc.tmp"
      mkdir -p "$RUN/apps"
      cp -a "$app" "$RUN/apps/$svc.tmp" && mv "$RUN/apps/$svc.tmp" "$RUN/apps/$svc"
    fi
    app="$RUN/apps/$svc"
  fi
  mapfile -t envs < <(common_env "$svc"; service_env "$svc")
  launch "$svc" "$ROOT" env "${envs[@]}" "MALLOC_ARENA_MAX=$SERVICE_MALLOC_ARENA_MAX" java $SERVICE_JVM_OPTS \
      "-Dmfa.local.component=$svc" \
      -jar "$app/quarkus-run.jar"
}

wait_service_ready() {   # name
  local svc="$1" url="http://localhost:${SERVICE_PORT[$1]}/q/health/ready"
  until [[ "$(http_status "$url")" == 200 ]]; do
    alive_pid "$svc" >/dev/null || fail "$svc" "exited before becoming ready"
    (( $(now_s) < DEADLINE )) || fail "$svc" "not ready after ${READY_TIMEOUT}s ($url does not answer 200)"
    sleep 0.5
  done
}

# Components to run, in start order.
components() {
  printf '%s\n' postgres kafka vonage-stub mail-server
  local s; for s in "${SERVICES[@]}"; do printf '%s\n' "$s"; done
}

component_port() {
  case "$1" in
    postgres) echo "$PG_PORT" ;;
    kafka) echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" ;;
    vonage-stub) echo "$STUB_PORT" ;;
    mail-server) echo "$MAIL_SMTP_PORT $MAIL_HTTP_PORT" ;;
    *) echo "${SERVICE_PORT[$1]}" ;;
  esac
}

preflight() {
  command -v java >/dev/null 2>&1 || die "java not found on PATH (a JDK 17 is needed)"
  command -v curl >/dev/null 2>&1 || die "curl not found on PATH (needed to check the services' health)"
  command -v openssl >/dev/null 2>&1 || die "openssl not found on PATH (needed for the Kafka cluster id and token.sh)"
  local c p
  # A postmaster whose LocalPostgres JVM was killed still holds our data directory and port: stop it first.
  alive_pid postgres >/dev/null || stop_orphan_postmaster
  for c in $(components); do
    alive_pid "$c" >/dev/null && continue
    for p in $(component_port "$c"); do
      port_in_use "$p" && die "port $p ($c) is already in use by another process — stop it or change the port (see the settings at the top of deploy/local/run.sh)"
    done
  done
  return 0
}

all_running() {
  local c
  for c in $(components); do alive_pid "$c" >/dev/null || return 1; done
}

print_table() {
  local c where
  say ""
  printf '  %-22s %-48s %s\n' "COMPONENT" "LISTENS ON" "LOG"
  for c in $(components); do
    case "$c" in
      postgres) where="localhost:$PG_PORT  (user $PG_USER/$PG_PASSWORD, db mfa_*)" ;;
      kafka) where="localhost:$KAFKA_PORT  (controller $KAFKA_CONTROLLER_PORT)" ;;
      vonage-stub) where="$STUB_URL  (GET $STUB_URL/_stub/messages)" ;;
      mail-server) where="smtp 127.0.0.1:$MAIL_SMTP_PORT  (GET http://127.0.0.1:$MAIL_HTTP_PORT/_stub/mails)" ;;
      *) where="http://localhost:${SERVICE_PORT[$c]}  (/q/health, /q/openapi)" ;;
    esac
    printf '  %-22s %-48s %s\n' "$c" "$where" "$(rel "$LOGS/$c.log")"
  done
  say ""
  say "  Seed users (LOCAL passwords in deploy/local/seed.json): acme: acme-admin (org-admin), alice, bob, carol, paula (Pay payee)"
  say "                                                          globex: globex-admin (org-admin), dave, erin, frank (Pay user), peter (Pay payee)"
  say "  Get a token:  TOKEN=\$(deploy/local/token.sh --sub alice --org acme)"
  say "                (org admin: deploy/local/token.sh --sub acme-admin --org acme --groups user,org-admin)"
  say "  First call:   curl -H \"Authorization: Bearer \$TOKEN\" http://localhost:8081/api/v1/me/mfa"
  say "  Web app:      open http://localhost:${SERVICE_PORT[mfa-web]}  (sign in as a seed user)"
  say "  SMS sent:     curl $STUB_URL/_stub/messages"
  say "  E-mail sent:  curl http://127.0.0.1:$MAIL_HTTP_PORT/_stub/mails"
  say "  Stop:         deploy/local/run.sh --stop"
}

start_all() {
  local detach="$1" t0 svc
  t0=$(now_s)
  mkdir -p "$LOGS" "$PIDS"
  exec 9>"$RUN/.lock"
  flock -n 9 || die "another run.sh is starting or stopping the stack right now"

  if all_running; then
    say "MFA local stack is already running (started earlier; stop it with deploy/local/run.sh --stop)."
    print_table
    exit 0
  fi

  preflight
  ensure_built
  ensure_classpath
  local t_start; t_start=$(now_s)
  DEADLINE=$(( $(now_s) + READY_TIMEOUT ))
  STARTED=()

  # Independent start-ups overlap: PostgreSQL, Kafka and the stub boot while the seed hashes are computed.
  say "Starting PostgreSQL ($PG_PORT), Kafka ($KAFKA_PORT) and the Vonage stub ($STUB_PORT) ..."
  start_postgres
  start_kafka
  start_stub
  start_mail
  # PBKDF2 (210 000 iterations per user) needs the optimising compiler: TieredStopAtLevel=4 overrides the helper default.
  run_helper seed-hashes 120 -XX:TieredStopAtLevel=4 dev.mfa.localstack.SeedLoader --seed "$HERE/seed.json" \
    --hashes "$RUN/password-hashes.json" --no-publish
  wait_postgres
  wait_ready_line vonage-stub vonage-stub
  wait_ready_line mail-server mail-server
  wait_port kafka "$KAFKA_PORT"
  say "Creating topics ..."
  create_topics
  [[ "${#SERVICES[@]}" -gt 0 ]] && say "Starting ${SERVICES[*]} ..."
  for svc in "${SERVICES[@]}"; do start_service "$svc"; done
  # While the services boot: enrollment-service reads identity.users from the earliest offset, so the users it
  # finds there when its consumer joins are the same as if they were published after it became ready.
  say "Publishing seed users to identity.users ..."
  run_helper seed 120 dev.mfa.localstack.SeedLoader --seed "$HERE/seed.json" --bootstrap "$KAFKA_BOOTSTRAP" --no-hashes
  for svc in "${SERVICES[@]}"; do wait_service_ready "$svc"; done
  flock -u 9

  say ""
  local took="$(( $(now_s) - t0 ))s"
  (( t_start - t0 > 2 )) && took+=": build and classpath $(( t_start - t0 ))s, start $(( $(now_s) - t_start ))s"
  say "MFA local stack is ready ($took)."
  print_table
}

# -------------------------------------------------------------------------------------------------------- stop
# Sends SIGTERM to the named components at once, waits up to $1 seconds, then SIGKILLs what is left.
stop_components() {   # timeout, names...
  local timeout="$1"; shift
  local name pid pids=() names=() i
  for name in "$@"; do
    if pid="$(alive_pid "$name")"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$name")
    fi
  done
  for i in $(seq 1 $(( timeout * 5 ))); do
    local left=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
    [[ "$left" == 0 ]] && break
    sleep 0.2
  done
  for i in "${!pids[@]}"; do
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      say "run.sh: ${names[$i]} did not stop within ${timeout}s; killing it" >&2
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
  done
  for name in "$@"; do rm -f "$PIDS/$name.pid"; done
}

# A postmaster left behind (its JVM was killed): fast shutdown through SIGINT.
stop_orphan_postmaster() {
  local pmfile="$RUN/pg/postmaster.pid" pid i
  [[ -f "$pmfile" ]] || return 0
  pid="$(head -1 "$pmfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 0
  local cmdline
  cmdline="$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null)" || return 0
  grep -qF -- "$RUN/pg" <<< "$cmdline" || return 0
  kill -INT "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

stop_all() {
  local quiet="${1:-}"
  local any=false c
  for c in "${ALL_SERVICES[@]}" vonage-stub mail-server kafka postgres; do alive_pid "$c" >/dev/null && any=true; done
  if [[ "$any" == false ]]; then
    stop_orphan_postmaster
    [[ -n "$quiet" ]] || say "Nothing is running."
    rm -f "$PIDS"/*.pid
    return 0
  fi
  [[ -n "$quiet" ]] || say "Stopping services ..."
  stop_components 30 "${ALL_SERVICES[@]}"
  stop_components 10 vonage-stub mail-server
  [[ -n "$quiet" ]] || say "Stopping Kafka ..."
  stop_components 60 kafka
  [[ -n "$quiet" ]] || say "Stopping PostgreSQL ..."
  stop_components 60 postgres
  stop_orphan_postmaster
  rm -f "$PIDS"/*.pid
  [[ -n "$quiet" ]] || say "Stopped."
}

status() {
  local c pid any=false
  for c in postgres kafka vonage-stub mail-server "${ALL_SERVICES[@]}"; do
    if pid="$(alive_pid "$c")"; then printf '  %-22s running (pid %s)\n' "$c" "$pid"; any=true
    else printf '  %-22s stopped\n' "$c"; fi
  done
  [[ "$any" == true ]]
}

# -------------------------------------------------------------------------------------------------------- main
MODE=foreground RESET=false
for arg in "$@"; do
  case "$arg" in
    --detach|-d) MODE=detach ;;
    --stop) MODE=stop ;;
    --status) MODE=status ;;
    --reset) RESET=true ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $arg (try --help)" ;;
  esac
done
select_services
STARTED=()

if [[ "$RESET" == true ]]; then
  stop_all quiet
  rm -rf "$RUN"
  say "Wiped $(rel "$RUN")."
  [[ "$MODE" == foreground && "$#" -eq 1 ]] && exit 0
fi

case "$MODE" in
  stop) stop_all; exit 0 ;;
  status) status; exit $? ;;
  detach)
    trap 'say ""; say "Interrupted while starting."; stop_started; exit 130' INT TERM
    start_all true
    exit 0 ;;
  foreground)
    trap 'say ""; say "Interrupted: stopping ..."; stop_all; exit 0' INT TERM
    start_all false
    say ""
    say "Running until Ctrl-C."
    declare -A REPORTED=()
    while :; do
      for c in $(components); do
        if [[ -z "${REPORTED[$c]:-}" ]] && ! alive_pid "$c" >/dev/null; then
          say "run.sh: $c exited — see $(rel "$LOGS/$c.log")" >&2
          REPORTED[$c]=1
        fi
      done
      sleep 2 & wait $! || true
    done
    ;;
esac
