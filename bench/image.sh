#!/usr/bin/env bash
# Container image size: both targets of the repository's Dockerfile built with podman from the published
# binaries (--build-arg BINARIES=prebuilt) on one local base made of exactly what the binaries load (the
# libraries ldd lists, libssl and libcrypto, the CA bundle, /etc/passwd and /etc/group: the contents of
# Microsoft's runtime-deps chiseled image that these binaries use; no registry is reachable here). Reports
# each image's size as stored (uncompressed) and gzip-compressed (about what a registry stores and a node
# pulls), the base's share, and nginx's Debian packages for scale. Everything it builds is removed on exit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# No proxies, backend or configs: only the work dir and the two binaries.
bench_workdir
[[ ${BENCH_PREPARED:-0} == 1 ]] || resolve_gateway
resolve_managementplane

if ! command -v podman >/dev/null && [[ ${BENCH_SKIP_INSTALL:-0} != 1 ]]; then apt_install podman runc; fi
command -v podman >/dev/null || die "podman is needed (apt-get install podman runc)"
pm() { podman --runtime runc --cgroup-manager cgroupfs "$@"; }

id=bench$$
base=localhost/edgegateway-base-bench:$id
images=()
image_cleanup() {
    local i
    for i in "${images[@]+"${images[@]}"}"; do pm rmi "$i" >/dev/null 2>&1 || true; done
    pm rmi "$base" >/dev/null 2>&1 || true
}
trap 'rc=$?; image_cleanup; (exit "$rc"); bench_cleanup' EXIT   # bench_cleanup exits with the status it finds

# The base's root filesystem: each library at the path the loader asks for, with the bytes of what it links to.
rootfs=$WORK/rootfs
mkdir -p "$rootfs/etc/ssl/certs" "$rootfs/tmp" "$rootfs/home/app"
chmod 1777 "$rootfs/tmp"
chown 1654:1654 "$rootfs/home/app"
libs=$(ldd "$EDGEGATEWAY_BIN" "$MANAGEMENTPLANE_BIN" | grep -oE '(=> |^\s*)/[^ ]+ \(0x' | grep -oE '/[^ ]+' | sort -u)
libc_dir=$(dirname "$(grep '/libc\.so\.6$' <<<"$libs")")
for lib in $libs "$libc_dir/libssl.so.3" "$libc_dir/libcrypto.so.3"; do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
done
[[ -f /etc/ssl/certs/ca-certificates.crt ]] && cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654:app:/home/app:/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\napp:x:1654:\n' >"$rootfs/etc/group"
tar -C "$rootfs" -cf "$WORK/rootfs.tar" .
pm import "$WORK/rootfs.tar" "$base" >"$WORK/import.log" 2>&1 || { cat "$WORK/import.log" >&2; die "podman import failed"; }

# The build context: the Dockerfile, its .dockerignore, global.json (the prebuilt stages COPY it beside the binary),
# the folders the Dockerfile copies (container/: the management image's empty /data), the binaries where
# PREBUILT_DIR expects them.
ctx=$WORK/context
mkdir -p "$ctx/artifacts/publish/EdgeGateway" "$ctx/artifacts/publish/ManagementPlane"
cp "$REPO_ROOT/Dockerfile" "$REPO_ROOT/.dockerignore" "$REPO_ROOT/global.json" "$ctx/"
cp -r "$REPO_ROOT/container" "$ctx/"
cp "$EDGEGATEWAY_BIN" "$ctx/artifacts/publish/EdgeGateway/EdgeGateway"
cp "$MANAGEMENTPLANE_BIN" "$ctx/artifacts/publish/ManagementPlane/ManagementPlane"
for target in gateway management; do
    tag=localhost/edgegateway-bench:$id-$target
    images+=("$tag")
    log "podman build --target $target"
    pm build --format docker --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --target "$target" \
        --build-arg BINARIES=prebuilt --build-arg "RUNTIME_BASE=$base" -t "$tag" "$ctx" >"$WORK/build-$target.log" 2>&1 ||
        { tail -20 "$WORK/build-$target.log" >&2; die "podman build --target $target failed"; }
    # The stage images podman keeps ("--> ID"): removed on exit too.
    mapfile -t stages < <(sed -n 's/^--> \([0-9a-f]\{10,\}\)$/\1/p' "$WORK/build-$target.log" | tac)
    images+=("${stages[@]+"${stages[@]}"}")
done

mb() { awk -v b="$1" 'BEGIN { printf "%.1f\n", b / 1048576 }'; }
stored() { pm image inspect --format '{{.Size}}' "$1"; }
gzipped() { pm save --format docker-archive "$1" 2>/dev/null | gzip -6 -c | wc -c; }
row() { # row LABEL IMAGE
    local s g
    s=$(stored "$2"); g=$(gzipped "$2")
    log "$1: $(mb "$s") MB stored, $(mb "$g") MB gzip"
    echo "| $1 | $(mb "$s") | $(mb "$g") |"
}
rows=()
rows+=("$(row "base (local stand-in for runtime-deps chiseled)" "$base")")
rows+=("$(row "\`--target gateway\`" "localhost/edgegateway-bench:$id-gateway")")
rows+=("$(row "\`--target management\`" "localhost/edgegateway-bench:$id-management")")
base_files=$(cd "$rootfs" && find . -type f ! -path './etc/*' -printf '%P (%s B), ' | sed 's/, $//')

# nginx for scale: the package holding its binary (nginx-light is only a meta package on Debian 12) and nginx-common.
nginx_kb="" nginx_pkgs=""
if nginx_pkg=$(dpkg -S "$(readlink -f "$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)")" 2>/dev/null | cut -d: -f1); then
    nginx_pkgs="$nginx_pkg nginx-common"
    nginx_kb=$(dpkg-query -W -f='${Installed-Size}\n' $nginx_pkgs 2>/dev/null | awk '{ s += $1 } END { print s }')
fi

{
    echo "## Container image size"
    echo
    machine_line
    echo
    echo "Both targets of the repository's \`Dockerfile\`, built with podman $(podman --version | awk '{print $3}') from the published"
    echo "binaries (\`--build-arg BINARIES=prebuilt\`) on one local base (\`--build-arg RUNTIME_BASE=...\`) made of what the binaries"
    echo "load: the libraries \`ldd\` lists plus libssl and libcrypto (opened at run time), the CA bundle, \`/etc/passwd\` and \`/etc/group\`."
    echo "No registry is reachable here, so Microsoft's \`runtime-deps:10.0-noble-chiseled\` (the default \`RUNTIME_BASE\`: the same"
    echo "libraries from Ubuntu plus libstdc++ and libgcc, which these binaries do not load) was not measured; with it the images"
    echo "are its size plus the binary. \"gzip\" is \`podman save\` of the image compressed with \`gzip -6\`, about what a"
    echo "registry stores and a node pulls."
    echo
    echo "| image | stored MB | gzip MB |"
    echo "|---|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Binaries: \`EdgeGateway\` $(mb "$(stat -c %s "$EDGEGATEWAY_BIN")") MB, \`ManagementPlane\` $(mb "$(stat -c %s "$MANAGEMENTPLANE_BIN")") MB (\`$(repo_rel "${EDGEGATEWAY_SOURCE:-$EDGEGATEWAY_BIN}")\`, \`$(repo_rel "$MANAGEMENTPLANE_SOURCE")\`; the \`.dbg\` symbols beside them are not in the images)."
    echo "Base files: $base_files."
    if [[ -n $nginx_kb ]]; then
        echo "For scale: Debian's nginx packages ($nginx_pkgs) install $(awk -v k="$nginx_kb" 'BEGIN { printf "%.1f", k / 1024 }') MB (dpkg \`Installed-Size\`), before the libraries they depend on (libc, libssl, libpcre2, zlib, libcrypt)."
    fi
} >"$WORK/image.md"
write_section image "$WORK/image.md"
