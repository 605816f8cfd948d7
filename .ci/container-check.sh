#!/usr/bin/env bash
# The container check (npm run test:containers; a step of .ci/run). On a private dockerd:
# lint the Dockerfile, validate docker-compose.yml, build stand-in base images from this machine's
# files (CI cannot pull from Docker Hub), build the image, check it runs as non-root, start the
# compose stack (Redis, 3 API replicas, nginx) and drive traffic through the load balancer on
# 127.0.0.1 only. Everything it starts is torn down on exit, failure included.
# Needs root (dockerd). Debian packages: docker.io docker-compose busybox-static redis-server nginx.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
log() { echo "[container-check +$((SECONDS - t0))s] $*"; }
project=gradient-ci-$$
export COMPOSE_PROJECT_NAME=$project

[ "$(id -u)" = 0 ] || { echo "container-check: needs root (it starts its own dockerd)" >&2; exit 1; }

# ---- tools ------------------------------------------------------------------------------------
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-compose >/dev/null || need+=(docker-compose)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx wget || need+=(busybox-static)
command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  # Services must not start on install (containers' policy-rc.d usually says so already).
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The engine's own CLI (a newer docker CLI elsewhere on PATH would route builds to buildx).
DOCKER=$(command -v /usr/bin/docker || command -v docker)
export DOCKER DOCKER_BUILDKIT=0
docker() { "$DOCKER" "$@"; }

# ---- static checks ----------------------------------------------------------------------------
log "lint Dockerfile (dockerfile-utils, then the project's rules)"
npx --yes dockerfile-utils@0.16.3 lint Dockerfile
.ci/container/dockerfile-rules.sh Dockerfile
log "validate docker-compose.yml (docker-compose $(docker-compose version --short))"
compose_config=$(docker-compose -f docker-compose.yml config)

node_version=$(sed -n 's/^ARG NODE_VERSION=//p' Dockerfile)
node_bin=$(.ci/image-node.sh)
node_base=$(sed -n 's/^FROM \(node:[^ ]*\) AS build$/\1/p' Dockerfile | sed "s/\${NODE_VERSION}/$node_version/")
redis_image=$(sed -n 's/^ *image: \(redis:.*\)$/\1/p' <<<"$compose_config")
nginx_image=$(sed -n 's/^ *image: \(nginx:.*\)$/\1/p' <<<"$compose_config")
[ -n "$node_base" ] && [ -n "$redis_image" ] && [ -n "$nginx_image" ] || { echo "could not read base image names" >&2; exit 1; }

# ---- a private dockerd --------------------------------------------------------------------------
tmp=$(mktemp -d /tmp/container-check.XXXXXX)
# The engine's images and build cache persist between runs (stand-in bases are rebuilt only when
# their sources change; `npm ci` layers are reused until the lockfile changes), guarded by a lock
# so two checks never share one data root. CONTAINER_CHECK_CACHE=0: a throwaway data root.
cache=${CI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gradient-service-ci}
data_root=$tmp/data
if [ "${CONTAINER_CHECK_CACHE:-1}" != 0 ] && mkdir -p "$cache" && exec 9>"$cache/docker-data.lock" && flock -n 9; then
  data_root=$cache/docker-data
fi
cleanup() {
  local rc=$?
  set +e
  if [ -n "${DOCKER_HOST:-}" ] && [ -S "$tmp/docker.sock" ]; then
    if [ "$rc" -ne 0 ]; then
      log "failed (exit $rc): stack state and logs"
      docker-compose -f docker-compose.yml ps
      docker-compose -f docker-compose.yml logs --no-color --tail=40
    fi
    docker-compose -f docker-compose.yml down -v --remove-orphans -t 5 >/dev/null 2>&1
  fi
  if [ -f "$tmp/dockerd.pid" ]; then
    local pid; pid=$(cat "$tmp/dockerd.pid")
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  [ "$rc" -ne 0 ] && [ -f "$tmp/dockerd.log" ] && { echo "--- dockerd.log (tail)"; tail -20 "$tmp/dockerd.log"; }
  # Whatever dockerd mounted under its roots (netns, overlays, shm), deepest first.
  awk -v a="$tmp/" -v b="$data_root/" 'index($2, a) == 1 || index($2, b) == 1 { print $2 }' /proc/mounts \
    | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$tmp"
  log "cleaned up (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "start a private dockerd"
dockerd --storage-driver=overlay2 --iptables=false --ip6tables=false --bridge=none \
  --data-root="$data_root" --exec-root="$tmp/exec" --pidfile="$tmp/dockerd.pid" \
  -H "unix://$tmp/docker.sock" >"$tmp/dockerd.log" 2>&1 &
export DOCKER_HOST="unix://$tmp/docker.sock"
for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
docker info >/dev/null

log "dockerd up (data root $data_root); stand-in base images: $node_base (Node $("$node_bin" --version)), $redis_image, $nginx_image"
.ci/container/mk-base-image.sh node "$node_base" "$node_bin"
.ci/container/mk-base-image.sh redis "$redis_image"
.ci/container/mk-base-image.sh nginx "$nginx_image"

# ---- the image ----------------------------------------------------------------------------------
image=gradient-service:ci
log "build $image"
docker build -q --network host -t "$image" \
  --build-arg VERSION="$(node -p 'require("./package.json").version')" \
  --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
  --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" . >/dev/null
user=$(docker inspect -f '{{.Config.User}}' "$image")
uid=$(docker run --rm "$image" node -p 'process.getuid()')
[ "$user" = node ] && [ "$uid" != 0 ] || { echo "the image must run as a non-root user (User=$user, uid=$uid)" >&2; exit 1; }
docker run --rm "$image" node -e '
  const fs = require("node:fs");
  if (fs.existsSync("node_modules/typescript") || fs.existsSync("node_modules/vitest")) { console.error("dev dependencies in the image"); process.exit(1); }
  if (!fs.existsSync("dist/src/server.js") || fs.existsSync("src") || fs.existsSync("test")) { console.error("image holds sources or lacks dist"); process.exit(1); }
  const fixtures = fs.readdirSync("fixtures").filter((f) => f.endsWith(".json")).length;
  if (fixtures !== Number(process.argv[1])) { console.error(`image has ${fixtures} fixtures, the repository ${process.argv[1]}`); process.exit(1); }
  import("/app/dist/src/core/dense-kernel.js").then((k) => { if (!k.wasmKernelAvailable) { console.error("the WebAssembly kernel (dist/wasm/dot-tiles.wasm) does not load in the image"); process.exit(1); } });' \
  "$(find fixtures -maxdepth 1 -name '*.json' | wc -l)"
log "image ok: user $user (uid $uid), Node $(docker run --rm "$image" node --version), $(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'), no dev dependencies, WebAssembly kernel loads"

# ---- the stack ----------------------------------------------------------------------------------
lb_port=$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export API_IMAGE=$image LB_PORT=$lb_port
log "docker-compose up (project $project, load balancer on 127.0.0.1:$lb_port)"
docker-compose -f docker-compose.yml up -d --no-build 2>&1 | grep -v '^$' || true
healthy=0
for _ in $(seq 1 90); do
  healthy=$(docker ps -q --filter "label=com.docker.compose.project=$project" --filter health=healthy | wc -l)
  [ "$healthy" -ge 5 ] && break
  sleep 1
done
docker-compose -f docker-compose.yml ps
[ "$healthy" -ge 5 ] || { echo "only $healthy of 5 containers became healthy" >&2; exit 1; }
log "stack healthy: redis, 3 api replicas, lb"

# Probes inside the containers (no host traffic to container addresses).
mapfile -t replicas < <(docker-compose -f docker-compose.yml ps -q api)
[ "${#replicas[@]}" -eq 3 ] || { echo "expected 3 api replicas, got ${#replicas[@]}" >&2; exit 1; }
for c in "${replicas[@]}"; do
  docker exec "$c" node -e '
    fetch("http://127.0.0.1:3000/healthz").then(async (r) => {
      if (!r.ok || process.getuid() === 0) { console.error("replica unhealthy or root"); process.exit(1); }
      console.log(`  replica ${r.headers.get("x-served-by")}: healthz ${r.status}, uid ${process.getuid()}, ${process.env.STORE} ${process.env.REDIS_URL}`);
    }, (e) => { console.error(e); process.exit(1); })'
done
redis=$(docker-compose -f docker-compose.yml ps -q redis)
aof=$(docker exec "$redis" redis-cli CONFIG GET appendonly | tail -1)
policy=$(docker exec "$redis" redis-cli CONFIG GET maxmemory-policy | tail -1)
[ "$aof" = yes ] && [ "$policy" = noeviction ] || { echo "redis: appendonly=$aof maxmemory-policy=$policy" >&2; exit 1; }
echo "  redis: appendonly $aof, maxmemory-policy $policy, data on volume $(docker inspect -f '{{range .Mounts}}{{.Name}}{{end}}' "$redis")"

log "traffic through the load balancer: 30 concurrent steps, then SIGTERM to one replica"
victim=${replicas[1]}
EXPECT_FIXTURES=$(find fixtures -maxdepth 1 -name '*.json' | wc -l) \
  node .ci/container/traffic.mjs "http://127.0.0.1:$lb_port" "$victim"
exit_code=$(docker inspect -f '{{.State.ExitCode}}' "$victim")
[ "$exit_code" = 0 ] || { echo "the SIGTERMed replica exited with $exit_code, expected 0 (graceful close)" >&2; docker logs --tail 20 "$victim"; exit 1; }
log "the stopped replica exited 0 after draining: $(docker logs "$victim" 2>&1 | grep -o '"msg":"shutting down"' | head -1)"
log "docker-compose down"
docker-compose -f docker-compose.yml down -v --remove-orphans -t 5 >/dev/null 2>&1
# Images of earlier runs, now untagged; recent ones stay as build cache.
docker image prune -f --filter until=72h >/dev/null
log "container check passed"
