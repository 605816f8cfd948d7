#!/usr/bin/env bash
# The project's own Dockerfile rules (hadolint-style, for what dockerfile-utils does not check).
# Each failed rule prints its id and reason; the script exits 1 if any failed.
set -euo pipefail
file=${1:-Dockerfile}
# Logical lines: continuations joined, comments dropped.
text=$(sed -e 's/^[[:space:]]*#.*$//' "$file" | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' | grep -v '^[[:space:]]*$')
failed=0
rule() { echo "$file: $1: $2" >&2; failed=1; }

froms=$(grep -iE '^FROM ' <<<"$text" | awk '{print $2}' || true)
while read -r image; do
  case "$image" in
    *@sha256:*) ;;
    *:latest | *:latest-*) rule DR001 "FROM $image: pin a version, not latest" ;;
    *:*) ;;
    build | runtime) ;;
    *) rule DR001 "FROM $image: name a tag" ;;
  esac
done <<<"$froms"
[ "$(grep -ciE '^FROM ' <<<"$text")" -ge 2 ] || rule DR002 "multi-stage build expected (build, runtime)"
last_user=$(grep -iE '^USER ' <<<"$text" | tail -1 | awk '{print $2}' || true)
case "$last_user" in '' | root | 0 | 0:*) rule DR003 "the final stage must switch to a non-root USER" ;; esac
grep -qiE '^HEALTHCHECK ' <<<"$text" || rule DR004 "HEALTHCHECK missing"
grep -qiE '^HEALTHCHECK .*(curl|wget)' <<<"$text" && rule DR005 "HEALTHCHECK must not need curl/wget (absent from slim images)"
grep -qiE '^CMD \[' <<<"$text" || rule DR006 "CMD must be exec form (JSON array) so SIGTERM reaches the process"
grep -qiE '^ENTRYPOINT [^[]' <<<"$text" && rule DR006 "ENTRYPOINT must be exec form"
grep -qiE '^ADD ' <<<"$text" && rule DR007 "use COPY, not ADD"
grep -qiE '^RUN .*npm (install|i)( |$)' <<<"$text" && rule DR008 "use npm ci (the lockfile), not npm install"
grep -qiE '^RUN .*(sudo|curl [^|]*\| *(ba)?sh)' <<<"$text" && rule DR009 "no sudo, no curl | sh"
grep -qiE '^(ENV|ARG) .*(PASSWORD|SECRET|TOKEN|API_KEYS?)=' <<<"$text" && rule DR010 "no secrets in ENV/ARG (they stay in the image)"
grep -qE '^ENV .*HOST=0\.0\.0\.0' <<<"$text" || rule DR011 "ENV HOST=0.0.0.0 (listen beyond the container's loopback)"
grep -qE '^LABEL .*org\.opencontainers\.image\.' <<<"$text" || rule DR012 "OCI labels (org.opencontainers.image.*) missing"
[ -f "$(dirname "$file")/.dockerignore" ] || rule DR013 ".dockerignore missing"
for pattern in node_modules .git .env test; do
  grep -qxF "$pattern" "$(dirname "$file")/.dockerignore" 2>/dev/null || rule DR013 ".dockerignore must exclude $pattern"
done
[ "$failed" -eq 0 ] && echo "$file: project rules DR001–DR013 pass"
exit "$failed"
