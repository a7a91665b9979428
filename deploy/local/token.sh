#!/usr/bin/env bash
# Prints an RS256 access token for local runs and tests, signed with the LOCAL DEV key deploy/local/dev-jwt-private.pem
# (issuer https://mfa.local/dev; see KEYS.txt — never accepted in production).
#
#   deploy/local/token.sh --sub ID --org ORG [--groups user,org-admin] [--pay payee|user] [--ttl SECONDS]
#                         [--upn NAME] [--aud AUDIENCE] [--iss ISSUER] [--key PEM]
#   --aud defaults to mfa-api, the audience every service expects (--aud "" leaves the claim out).
#
#   TOKEN=$(deploy/local/token.sh --sub alice --org acme)
#   curl -H "Authorization: Bearer $TOKEN" http://localhost:8081/api/v1/me/mfa
# Needs only bash and openssl.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sub="" org="" groups="user" pay="" ttl=3600 upn="" aud="mfa-api"
iss="https://mfa.local/dev" key="$here/dev-jwt-private.pem"

usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit "${1:-2}"; }
die() { echo "token.sh: $*" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --sub) sub="${2:-}"; shift 2 ;;
    --org) org="${2:-}"; shift 2 ;;
    --groups) groups="${2:-}"; shift 2 ;;
    --pay) pay="${2:-}"; shift 2 ;;
    --ttl) ttl="${2:-}"; shift 2 ;;
    --upn) upn="${2:-}"; shift 2 ;;
    --aud) aud="${2:-}"; shift 2 ;;
    --iss) iss="${2:-}"; shift 2 ;;
    --key) key="${2:-}"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done

[[ -n "$sub" && -n "$org" ]] || usage
command -v openssl >/dev/null || die "openssl not found"
[[ -r "$key" ]] || die "cannot read key $key"
safe='^[A-Za-z0-9._@:+-]+$'
for v in "$sub" "$org"; do [[ "$v" =~ $safe ]] || die "invalid value '$v' (allowed: letters, digits, . _ @ : + -)"; done
[[ -z "$upn" || "$upn" =~ $safe ]] || die "invalid --upn"
[[ -z "$aud" || "$aud" =~ $safe ]] || die "invalid --aud"
[[ "$iss" =~ ^[A-Za-z0-9._:/@+-]+$ ]] || die "invalid --iss"
[[ "$ttl" =~ ^[0-9]+$ ]] || die "--ttl must be a number of seconds"
[[ -z "$pay" || "$pay" == payee || "$pay" == user ]] || die "--pay must be payee or user"

# upn: the user's e-mail from seed.json when the user is there (one user per line in that file), else the sub.
if [[ -z "$upn" && -r "$here/seed.json" ]]; then
  upn="$(grep -F "\"userId\": \"$sub\"" "$here/seed.json" | grep -o '"email": *"[^"]*"' | head -1 | sed 's/.*"\([^"]*\)"$/\1/' || true)"
  [[ "$upn" =~ $safe ]] || upn=""
fi

groups_json=""
IFS=',' read -r -a group_list <<< "$groups"
for g in "${group_list[@]}"; do
  [[ -z "$g" ]] && continue
  [[ "$g" =~ $safe ]] || die "invalid group '$g'"
  groups_json+="${groups_json:+,}\"$g\""
done

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

now=$(date +%s)
jti="$(openssl rand -hex 16 | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12})$/\1-\2-\3-\4-\5/')"
header='{"alg":"RS256","typ":"JWT"}'
payload="{\"iss\":\"$iss\",\"sub\":\"$sub\",\"upn\":\"${upn:-$sub}\",\"org\":\"$org\",\"groups\":[$groups_json]"
[[ -n "$pay" ]] && payload+=",\"pay\":\"$pay\""
[[ -n "$aud" ]] && payload+=",\"aud\":\"$aud\""
payload+=",\"iat\":$now,\"exp\":$((now + ttl)),\"jti\":\"$jti\"}"

signing_input="$(printf '%s' "$header" | b64url).$(printf '%s' "$payload" | b64url)"
signature="$(printf '%s' "$signing_input" | openssl dgst -sha256 -sign "$key" -binary | b64url)"
printf '%s.%s\n' "$signing_input" "$signature"
