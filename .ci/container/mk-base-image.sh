#!/usr/bin/env bash
# Builds a local stand-in for a public base image from this machine's own files, because CI
# machines cannot pull from Docker Hub. Only what the project's images use is provided.
#   mk-base-image.sh node  TAG NODE_BIN   node:<v>-bookworm-slim: that Node binary, npm, user node (1000)
#   mk-base-image.sh redis TAG            redis:<v>-alpine: Debian's redis-server and redis-cli
#   mk-base-image.sh nginx TAG            nginx:<v>-alpine: Debian's nginx
# Every image gets busybox (sh, wget, id, …) and the host's CA bundle. Needs DOCKER_HOST set.
set -euo pipefail
kind=$1 tag=$2
DOCKER=${DOCKER:-docker}
case "$kind" in
  node) sources=("$3" "$(dirname "$(readlink -f "$(command -v npm)")")/../package.json") ;;
  redis) sources=(/usr/bin/redis-server /usr/bin/redis-cli) ;;
  nginx) sources=(/usr/sbin/nginx) ;;
  *) echo "unknown kind: $kind" >&2; exit 2 ;;
esac
# Skip the work when the image exists and was made from the same files by this same script.
stamp=$( { cat "$0"; for f in "${sources[@]}"; do readlink -f "$f"; sha256sum "$(readlink -f "$f")"; done; } | sha256sum | cut -c1-16)
if [ "$("$DOCKER" image inspect -f '{{index .Config.Labels "ci.stand-in.stamp"}}' "$tag" 2>/dev/null)" = "$stamp" ]; then
  echo "$tag (cached)"; exit 0
fi
root=$(mktemp -d); chmod 755 "$root"
trap 'rm -rf "$root"' EXIT

# A binary and the shared libraries it links, at the same paths.
add_binary() {
  install -D -m 755 "$1" "$root$2"
  for lib in $(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+\.so[^ ]*' | sort -u); do
    [ -e "$root$lib" ] || install -D -m 755 "$(readlink -f "$lib")" "$root$lib"
  done
}

mkdir -p "$root"/{bin,tmp,root,etc/ssl/certs,usr/bin,usr/local/bin}
chmod 1777 "$root/tmp"
add_binary "$(readlink -f /bin/busybox)" /bin/busybox
for applet in $("$root/bin/busybox" --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done
ln -s /bin/env "$root/usr/bin/env"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
passwd='root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n'
group='root:x:0:\nnogroup:x:65534:\n'
changes=(-c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c "LABEL ci.stand-in.stamp=$stamp")

case "$kind" in
  node)
    node_bin=$3
    add_binary "$node_bin" /usr/local/bin/node
    mkdir -p "$root/usr/local/lib/node_modules" "$root/home/node"
    cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$root/usr/local/lib/node_modules/npm"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
    passwd+='node:x:1000:1000::/home/node:/bin/sh\n'; group+='node:x:1000:\n'
    chown 1000:1000 "$root/home/node"
    changes+=(-c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' -c 'CMD ["node"]')
    ;;
  redis)
    add_binary /usr/bin/redis-server /usr/local/bin/redis-server
    add_binary /usr/bin/redis-cli /usr/local/bin/redis-cli
    mkdir -p "$root/data"
    changes+=(-c 'WORKDIR /data' -c 'EXPOSE 6379' -c 'CMD ["redis-server"]')
    ;;
  nginx)
    add_binary /usr/sbin/nginx /usr/sbin/nginx
    mkdir -p "$root"/{etc/nginx,var/log/nginx,var/lib/nginx,run,usr/share/nginx}
    changes+=(-c 'EXPOSE 80' -c 'CMD ["nginx","-g","daemon off;"]')
    ;;
esac
printf "$passwd" > "$root/etc/passwd"; printf "$group" > "$root/etc/group"
tar -C "$root" -c . | "$DOCKER" import "${changes[@]}" - "$tag" >/dev/null
echo "$tag"
