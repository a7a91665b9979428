#!/usr/bin/env bash
# Seeds N enrolled TOTP users (default 20000) into the verification-service database of the platform started by
# deploy/local/run.sh, and writes the load driver's users file deploy/bench/.out/users.csv (userId,token,secret).
#
#   deploy/bench/seed.sh [N]
#
# Straight into the database, set-based (Seed.java: one COPY per table; 20,000 users took 100 s on a loaded machine,
# most of it compiling Seed.java and signing the users' RS256 dev tokens): verification-service's projection rows, as the mfa.factors and
# mfa.user-requirements events would have written them. Needs the platform's PostgreSQL (55432) up and
# verification-service built (its quarkus-app supplies FieldKeys, Factor and the JDBC driver).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${1:-20000}"
APP="$ROOT/verification-service/target/quarkus-app"
[[ -f "$APP/quarkus-run.jar" ]] || { echo "seed.sh: build verification-service first" >&2; exit 2; }
mkdir -p "$HERE/.out"
# The local profile's TOTP key set (verification-service application.properties, %dev,test,local).
TOTP_KEYS="$(sed -n 's/^%dev,test,local\.mfa\.crypto\.totp-keys=//p' \
  "$ROOT/verification-service/src/main/resources/application.properties")"
CP="$(ls "$APP"/app/*.jar | tr '\n' ':')$APP/lib/main/*"
java -Xmx1g -cp "$CP" "$HERE/Seed.java" "$N" "$HERE/.out/users.csv" \
  "jdbc:postgresql://localhost:${MFA_LOCAL_PG_PORT:-55432}/mfa_verification" "$TOTP_KEYS" \
  "$ROOT/deploy/local/dev-jwt-private.pem" "${MFA_BENCH_TOKEN_TTL:-21600}"
