#!/usr/bin/env bash
# deploy/local/walkthrough.sh — the README's walkthrough, run against a running local stack (deploy/local/run.sh).
#
#   deploy/local/run.sh --detach && deploy/local/walkthrough.sh
#
# As the seed users of org acme: the org admin turns MFA on (deadline 30 days ahead); alice re-enters her password,
# starts an authenticator-app enrollment, reads the QR image like her app does, confirms with the app's code, signs
# in (a challenge, then the app's next code) and sees the same code refused a second time; bob enrolls a phone and
# the SMS reaches the Vonage stub, whose code confirms it.
# One line per step; at the first failing step it says what was expected and exits 1. It changes the stack's state
# (alice and bob get factors), so a second run needs a fresh stack: deploy/local/run.sh --reset --detach.
# Needs bash, curl and java (the AuthenticatorApp helper of deploy/local/stack plays alice's authenticator app).
# Settings (environment): MFA_WALKTHROUGH_TIMEOUT=60 (seconds to wait for an event to travel),
#   MFA_LOCAL_STACK_CLASSPATH (as for run.sh), MFA_LOCAL_VONAGE_STUB_PORT=8089.
# Other users (the system tests run this script for users of their own, on a stack whose seed users they use too):
#   MFA_WALKTHROUGH_ORG=acme, MFA_WALKTHROUGH_ADMIN=acme-admin, MFA_WALKTHROUGH_USER_A=alice (password
#   MFA_WALKTHROUGH_USER_A_PASSWORD=alice-pw), MFA_WALKTHROUGH_USER_B=bob (MFA_WALKTHROUGH_USER_B_PASSWORD=bob-pw),
#   MFA_WALKTHROUGH_PHONE=2015550123 (user B's US number, national digits).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
E=http://localhost:8081/api/v1
V=http://localhost:8082/api/v1
STUB="http://localhost:${MFA_LOCAL_VONAGE_STUB_PORT:-8089}"
TIMEOUT="${MFA_WALKTHROUGH_TIMEOUT:-60}"
ORG="${MFA_WALKTHROUGH_ORG:-acme}"
ADMIN_ID="${MFA_WALKTHROUGH_ADMIN:-acme-admin}"
A="${MFA_WALKTHROUGH_USER_A:-alice}"
A_PW="${MFA_WALKTHROUGH_USER_A_PASSWORD:-alice-pw}"
B="${MFA_WALKTHROUGH_USER_B:-bob}"
B_PW="${MFA_WALKTHROUGH_USER_B_PASSWORD:-bob-pw}"
PHONE_NATIONAL="${MFA_WALKTHROUGH_PHONE:-2015550123}"   # libphonenumber's example US mobile number: valid, and nobody's
PHONE_DIGITS="1$PHONE_NATIONAL"                          # as the stub records it (E.164 without the plus)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
STEP=0

ok() { STEP=$((STEP + 1)); printf 'ok   %2d  %s\n' "$STEP" "$*"; }
fail() {
  printf 'FAIL %2d  %s\n' "$((STEP + 1))" "$*" >&2
  printf 'walkthrough.sh: stopped at step %d; service logs: deploy/local/.run/logs/\n' "$((STEP + 1))" >&2
  exit 1
}

# call METHOD URL [curl options...]: sets CODE (HTTP status), BODY and CTYPE. Never prints the body (it may hold a
# secret); see problem() for errors.
call() {
  local method="$1" url="$2"; shift 2
  local out
  out="$(curl -s -m 15 -X "$method" -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$@" "$url")" || out=000
  CODE="$out"
  CTYPE="$(sed -n 's/^[Cc]ontent-[Tt]ype: *\([^;[:space:]]*\).*/\1/p' "$WORK/headers" 2>/dev/null | tail -1)"
  BODY=""   # an image stays in $WORK/body only
  [[ "$CTYPE" == image/* ]] || BODY="$(cat "$WORK/body" 2>/dev/null || true)"
}
# What an error answer says: a problem's title and detail (no secrets there by the platform's rules), else nothing.
problem() {
  [[ "$CTYPE" == application/problem+json ]] || { printf '(HTTP %s)' "$CODE"; return; }
  printf '(HTTP %s: %s — %s)' "$CODE" "$(field title)" "$(field detail)"
}
expect() {   # status, what
  [[ "$CODE" == "$1" ]] || fail "$2: expected HTTP $1, got $(problem)"
}
# A string (or number/boolean) field of the flat JSON BODY; enough for these answers, whose values hold no quotes.
field() {
  local v
  v="$(printf '%s' "$BODY" | grep -o "\"$1\" *: *\(\"[^\"]*\"\|[^,}\"]*\)" | head -1 \
       | sed -E 's/^"[^"]*" *: *//; s/^"(.*)"$/\1/')"
  printf '%s' "$v"
}
json_h=(-H 'Content-Type: application/json')
auth() { printf 'Authorization: Bearer %s' "$1"; }
deadline_of() { echo $(( $(date +%s) + TIMEOUT )); }

# ------------------------------------------------------------------------------------------------ preflight
command -v curl >/dev/null || fail "curl not found on PATH"
command -v java >/dev/null || fail "java not found on PATH"
if [[ -n "${MFA_LOCAL_STACK_CLASSPATH:-}" ]]; then
  CP="$HERE/stack/target/classes:$MFA_LOCAL_STACK_CLASSPATH"
elif [[ -s "$HERE/stack/target/mfa-runtime.classpath" ]]; then   # written by run.sh
  CP="$HERE/stack/target/classes:$(cat "$HERE/stack/target/mfa-runtime.classpath")"
else
  fail "no stack classpath (deploy/local/stack/target/mfa-runtime.classpath): start the stack with deploy/local/run.sh"
fi
[[ -f "$HERE/stack/target/classes/dev/mfa/localstack/AuthenticatorApp.class" ]] \
  || fail "deploy/local/stack is not built with AuthenticatorApp: run deploy/local/run.sh (it builds what is missing)"
app() { java -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$CP" dev.mfa.localstack.AuthenticatorApp "$@"; }

for url in http://localhost:8081/q/health/ready http://localhost:8082/q/health/ready \
           http://localhost:8083/q/health/ready "$STUB/_stub/messages"; do
  call GET "$url"
  [[ "$CODE" == 200 ]] || fail "$url answers $(problem): is the stack running? (deploy/local/run.sh --detach)"
done
ok "the stack is up (enrollment, verification, notification, Vonage stub)"

ADMIN="$("$HERE/token.sh" --sub "$ADMIN_ID" --org "$ORG" --groups user,org-admin)" || fail "token.sh failed"
ALICE="$("$HERE/token.sh" --sub "$A" --org "$ORG")" || fail "token.sh failed"
BOB="$("$HERE/token.sh" --sub "$B" --org "$ORG")" || fail "token.sh failed"

# Seed users reach enrollment-service through identity.users; wait until both are known and have no factor yet.
for who in "$A" "$B"; do
  tok=ALICE; [[ "$who" == "$B" ]] && tok=BOB
  until_t=$(deadline_of)
  while :; do
    call GET "$E/me/mfa" -H "$(auth "${!tok}")"
    [[ "$CODE" == 200 ]] && break
    (( $(date +%s) < until_t )) || fail "GET /me/mfa for $who: expected HTTP 200 within ${TIMEOUT}s, got $(problem)"
    sleep 0.5
  done
  [[ "$BODY" == *'"factors":[]'* ]] \
    || fail "$who already has a factor: the walkthrough needs a fresh stack (deploy/local/run.sh --reset --detach)"
done
ok "users $A and $B are known to enrollment-service, without factors"

# ------------------------------------------------------------------------ 1. the org admin turns MFA on
DEADLINE="$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)"
call PUT "$E/orgs/$ORG/mfa-policy" -H "$(auth "$ADMIN")" "${json_h[@]}" \
  -d "{\"enabled\":true,\"enforcementDeadline\":\"$DEADLINE\",\"allowedMethods\":[\"TOTP\",\"SMS\"]}"
expect 200 "PUT /orgs/$ORG/mfa-policy"
[[ "$(field state)" == EARLY_ENROLLMENT ]] || fail "policy state: expected EARLY_ENROLLMENT, got '$(field state)'"
ok "$ADMIN_ID turns MFA on for $ORG, deadline $DEADLINE: policy EARLY_ENROLLMENT"

until_t=$(deadline_of)
while :; do
  call GET "$E/me/mfa" -H "$(auth "$ALICE")"
  [[ "$CODE" == 200 && "$(field requirement)" == OPTIONAL ]] && break
  (( $(date +%s) < until_t )) \
    || fail "$A's requirement: expected OPTIONAL within ${TIMEOUT}s, got '$(field requirement)' $(problem)"
  sleep 0.5
done
ok "$A's requirement is OPTIONAL, $(field daysUntilEnforcement) days until enforcement"

# ------------------------------------------------------------------ 2. reauth and authenticator-app enrollment
call POST "$E/me/reauth" -H "$(auth "$ALICE")" "${json_h[@]}" -d "{\"password\":\"$A_PW\"}"
expect 200 "POST /me/reauth ($A)"
REAUTH="$(field reauthToken)"
[[ -n "$REAUTH" ]] || fail "POST /me/reauth: no reauthToken in the answer"
ok "$A re-enters the password: reauth token valid until $(field expiresAt)"

call POST "$E/me/mfa/authenticator-app" -H "$(auth "$ALICE")" -H "X-Reauth-Token: $REAUTH"
expect 201 "POST /me/mfa/authenticator-app"
ENROLLMENT="$(field enrollmentId)"
URI_GIVEN="$(field otpauthUri)"
[[ -n "$ENROLLMENT" && "$URI_GIVEN" == otpauth://totp/* ]] || fail "authenticator-app: no enrollmentId or otpauthUri"
[[ "$(field qrCodeDataUri)" == data:image/png\;base64,* ]] || fail "authenticator-app: no qrCodeDataUri"
ok "$A starts an authenticator-app enrollment"

call GET "$E/me/mfa/enrollments/$ENROLLMENT/qr.png" -H "$(auth "$ALICE")" -H "X-Reauth-Token: $REAUTH"
expect 200 "GET /me/mfa/enrollments/{id}/qr.png"
[[ "$CTYPE" == image/png ]] || fail "qr.png: expected Content-Type image/png, got '$CTYPE'"
cp "$WORK/body" "$WORK/qr.png"
URI_SCANNED="$(app decode-qr "$WORK/qr.png")" || fail "qr.png: the QR image could not be decoded"
[[ "$URI_SCANNED" == "$URI_GIVEN" ]] || fail "qr.png: the QR code does not hold the enrollment's otpauthUri"
ok "$A's app scans qr.png ($(wc -c < "$WORK/qr.png") bytes): the otpauth URI of the enrollment"

# --------------------------------------------------------------------------------------------- 3. confirm
read -r CONFIRM_STEP CONFIRM_CODE < <(printf '%s' "$URI_SCANNED" | app code) || fail "no TOTP code computed"
call POST "$E/me/mfa/enrollments/$ENROLLMENT/confirm" -H "$(auth "$ALICE")" "${json_h[@]}" \
  -d "{\"code\":\"$CONFIRM_CODE\"}"
expect 200 "POST /me/mfa/enrollments/{id}/confirm ($A, the app's code)"
[[ "$(field method)" == TOTP && "$(field status)" == ACTIVE ]] || fail "confirm: expected an ACTIVE TOTP factor"
[[ -n "$(field recoveryCode)" ]] || fail "confirm: expected a recovery code (the first factor issues one)"
ok "$A confirms with the app's code: TOTP factor ACTIVE, recovery code issued (shown once, not printed here)"

# ----------------------------------------------------------------------------------------------- 4. sign in
until_t=$(deadline_of)
while :; do
  call POST "$V/challenges" -H "$(auth "$ALICE")"
  # until mfa.factors reaches verification-service it answers as for a user without a factor (200 or 409)
  [[ "$CODE" == 201 && "$BODY" =~ \"methods\":\[[^]]*\"TOTP\" ]] && break
  [[ "$CODE" == 200 || "$CODE" == 409 || "$CODE" == 201 ]] || fail "POST /challenges: unexpected $(problem)"
  (( $(date +%s) < until_t )) || fail "POST /challenges: no challenge offering TOTP within ${TIMEOUT}s $(problem)"
  sleep 0.5
done
CHALLENGE="$(field challengeId)"
ok "$A signs in: challenge offers $(printf '%s' "$BODY" | grep -o '"methods":\[[^]]*\]' | sed 's/"methods"://')"

# The confirmation used the code of CONFIRM_STEP; the app's next code is the one a user types now.
read -r _ SIGNIN_CODE < <(printf '%s' "$URI_SCANNED" | app code --after "$CONFIRM_STEP") || fail "no TOTP code computed"
call POST "$V/challenges/$CHALLENGE/verify" -H "$(auth "$ALICE")" "${json_h[@]}" \
  -d "{\"method\":\"TOTP\",\"code\":\"$SIGNIN_CODE\"}"
expect 200 "POST /challenges/{id}/verify ($A, the app's next code)"
[[ "$(field verified)" == true && -n "$(field assertion)" ]] || fail "verify: expected verified:true and an assertion"
ok "$A verifies with the app's next code: verified, MFA assertion issued"

call POST "$V/challenges" -H "$(auth "$ALICE")"
expect 201 "POST /challenges ($A, second sign-in)"
CHALLENGE2="$(field challengeId)"
call POST "$V/challenges/$CHALLENGE2/verify" -H "$(auth "$ALICE")" "${json_h[@]}" \
  -d "{\"method\":\"TOTP\",\"code\":\"$SIGNIN_CODE\"}"
expect 401 "POST /challenges/{id}/verify with the code already used (must be refused)"
[[ "$(field verified)" == false ]] || fail "replayed code: expected verified:false"
ok "the same code on a new challenge is refused (verified:false, $(field attemptsRemaining) attempts left)"

# ------------------------------------------------------------------------------------ 5. an SMS through the stub
call GET "$STUB/_stub/messages"
expect 200 "GET $STUB/_stub/messages"
to_bob() {   # the stub's messages to $B's number, one JSON object a line (they are flat), oldest first
  printf '%s' "$BODY" | grep -o '{[^{}]*}' | grep "\"to\" *: *\"+\{0,1\}$PHONE_DIGITS\"" || true
}
SENT_BEFORE="$(to_bob | wc -l)"

call POST "$E/me/reauth" -H "$(auth "$BOB")" "${json_h[@]}" -d "{\"password\":\"$B_PW\"}"
expect 200 "POST /me/reauth ($B)"
BOB_REAUTH="$(field reauthToken)"
call POST "$E/me/mfa/sms" -H "$(auth "$BOB")" -H "X-Reauth-Token: $BOB_REAUTH" "${json_h[@]}" \
  -d "{\"countryCode\":\"US\",\"phoneNumber\":\"$PHONE_NATIONAL\"}"
expect 201 "POST /me/mfa/sms ($B, a US number)"
SMS_ENROLLMENT="$(field enrollmentId)"
ok "$B re-enters the password and starts an SMS enrollment to $(field phoneMasked)"

until_t=$(deadline_of)
while :; do
  call GET "$STUB/_stub/messages"
  if [[ "$CODE" == 200 ]]; then
    mapfile -t TO_BOB < <(to_bob)
    (( ${#TO_BOB[@]} > SENT_BEFORE )) && break
  fi
  (( $(date +%s) < until_t )) || fail "no SMS to $B's number reached the Vonage stub within ${TIMEOUT}s"
  sleep 0.5
done
SMS_CODE="$(printf '%s' "${TO_BOB[-1]}" | grep -o '"text" *: *"[^"]*"' | grep -o '[0-9]\{6\}' | head -1 || true)"
[[ -n "$SMS_CODE" ]] || fail "the SMS to $B's number holds no 6-digit code"
ok "the SMS reaches the Vonage stub ($STUB/_stub/messages) with a 6-digit code"

call POST "$E/me/mfa/enrollments/$SMS_ENROLLMENT/confirm" -H "$(auth "$BOB")" "${json_h[@]}" \
  -d "{\"code\":\"$SMS_CODE\"}"
expect 200 "POST /me/mfa/enrollments/{id}/confirm ($B, the SMS code)"
[[ "$(field method)" == SMS && "$(field status)" == ACTIVE ]] || fail "SMS confirm: expected an ACTIVE SMS factor"
ok "$B confirms with the code from the SMS: SMS factor ACTIVE"

printf 'walkthrough.sh: all %d steps passed\n' "$STEP"
