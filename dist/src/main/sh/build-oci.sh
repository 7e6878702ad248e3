#!/usr/bin/env bash
# Builds iperf3j's container image from the runtime image build-image.sh made, with no registry, no
# base image and no container tool: one layer written with tar, its config and manifest written here,
# as an archive that `podman load` and `docker load` read (run by dist/pom.xml at package time after
# build-image.sh; usable by hand). Needs ldd (libc-bin), GNU tar, gzip, sha256sum; no network, no root.
#
#   build-oci.sh VERSION OUT_DIR
#
# OUT_DIR/iperf3j-VERSION/                 the runtime image (input, from build-image.sh)
# OUT_DIR/iperf3j-VERSION-oci.tar          the container image, tagged iperf3j:VERSION (docker-archive
#                                          format: manifest.json, the config, one gzip-compressed layer)
#
# The layer, FROM scratch in effect (docs/container.md):
#   /opt/iperf3j/lib/                      the runtime image's lib/: the jlinked runtime, the jar, its AOT
#                                          cache and jvm.options (no launcher: there is no shell)
#   /usr/bin/env                           coreutils' env, which starts the JVM with TERM, INT and HUP held,
#                                          as the launcher does, so a `podman stop` that comes while the JVM
#                                          starts waits for iperf3j's handlers instead of being lost
#   /lib/x86_64-linux-gnu/..., /lib64/...  the C libraries ldd reports for bin/java, every lib/**/*.so of
#                                          the runtime and env: glibc's libc, libm, libdl, libpthread,
#                                          librt and ld-linux, copied from this machine (LD_DEBUG=files on a
#                                          server, a client and the exporter opened no other)
#   /etc/passwd, /etc/group, nsswitch.conf user iperf3j (65532), the image's user; no password, no shell
#   /home/iperf3j, /tmp                    its home (65532) and a /tmp (1777) for the JVM
#   /usr/share/doc/iperf3j/copyright       the .deb's copyright file
# The config: user 65532:65532, entrypoint env + java with the launcher's JVM options, command
# `-s --metrics.listen :9580`, ports 5201/tcp, 5201/udp, 9580/tcp, and a health check that runs the
# image's own Java (io.iperf3j.cli.HealthCheck: GET $IPERF3J_HEALTH_URL, by default
# http://127.0.0.1:9580/health) with no shell.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 VERSION OUT_DIR" >&2; exit 2; }
version=$1 out=$2
name="iperf3j-$version"
image="$out/$name"
src=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
[ -x "$image/lib/runtime/bin/java" ] || { echo "dist: $image is not built (build-image.sh first)" >&2; exit 1; }
start=$(date +%s%N)
archive="$out/$name-oci.tar"
work="$out/oci-build"
rm -rf "$work" "$archive"
root="$work/root"
mkdir -p "$root/opt/iperf3j" "$root/usr/bin" "$root/etc" "$root/home/iperf3j" "$root/tmp" \
  "$root/usr/share/doc/iperf3j" "$work/archive"

# 1. The runtime image's lib/ (cp -a keeps the jar's modification time, which the AOT cache checks).
cp -a "$image/lib" "$root/opt/iperf3j/"
install -m 644 "$src/copyright" "$root/usr/share/doc/iperf3j/copyright"
install -m 755 "$(command -v env)" "$root/usr/bin/env"

# 2. The C libraries: what ldd resolves for the JVM, every shared library of the runtime and env, each at
#    the path the dynamic linker looks for it (ld-linux at the interpreter path the ELF files name).
libs=$( { find "$root/opt/iperf3j/lib/runtime" -type f \( -name '*.so' -o -path '*/bin/java' \); echo "$root/usr/bin/env"; } |
  while read -r f; do ldd "$f"; done |
  awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u)
[ -n "$libs" ] || { echo "dist: ldd found no C library for $image/lib/runtime/bin/java" >&2; exit 1; }
for lib in $libs; do
  case $lib in "$root"/*) continue ;; esac # the runtime's own libraries (libjli.so, libjava.so...)
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

# 3. The user: a fixed number (Kubernetes' runAsNonRoot checks the image's numeric user), with a name for
#    the JVM's user.name and a home for its user.home; glibc reads only these files.
printf 'root:x:0:0:root:/root:/nonexistent\niperf3j:x:65532:65532:iperf3j:/home/iperf3j:/nonexistent\n' >"$root/etc/passwd"
printf 'root:x:0:\niperf3j:x:65532:\n' >"$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
chmod 644 "$root/etc/passwd" "$root/etc/group" "$root/etc/nsswitch.conf"
chmod 755 "$root/home/iperf3j"
chmod 1777 "$root/tmp"

# 4. The layer: stable order and times (the jar's), owned by root but for the user's home, so the same
#    runtime image gives the same layer digest. The tar is appended to for the home: GNU tar sets one owner
#    per run, and the build needs no root to chown.
mtime=$(stat -c %Y "$image/lib/iperf3j.jar")
layer="$work/layer.tar"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" --format=gnu \
  -C "$root" -cf "$layer" --exclude=./home/iperf3j ./
tar --owner=65532 --group=65532 --numeric-owner --mtime="@$mtime" --format=gnu -C "$root" -rf "$layer" ./home/iperf3j
diff_id=$(sha256sum "$layer" | cut -d' ' -f1)
gzip -6 -n "$layer"
layer_digest=$(sha256sum "$layer.gz" | cut -d' ' -f1)
mv "$layer.gz" "$work/archive/$layer_digest.tar.gz"

# 5. The config (Docker's image config: OCI's has no health check, which podman then ignores) and the
#    manifest. The JVM's command line is the launcher's (dist/src/main/sh/iperf3j; dist's OciImageIT
#    compares the two): its options file, the AOT cache, TERM/INT/HUP held until iperf3j's handlers are in.
created=$(date -u -d "@$mtime" +%Y-%m-%dT%H:%M:%SZ)
home=/opt/iperf3j
java_args="\"$home/lib/runtime/bin/java\", \"@$home/lib/jvm.options\""
aot_args="\"-XX:AOTCache=$home/lib/iperf3j.aot\", \"-Xlog:aot=off,cds=off\""
config="$work/config.json"
cat >"$config" <<EOF
{
  "architecture": "amd64",
  "os": "linux",
  "created": "$created",
  "config": {
    "User": "65532:65532",
    "Env": ["PATH=/usr/bin", "IPERF3J_HEALTH_URL=http://127.0.0.1:9580/health"],
    "Entrypoint": ["/usr/bin/env", "--ignore-signal=INT,TERM,HUP", "--block-signal=INT,TERM,HUP",
      $java_args, "-Diperf3j.signals.held=true", $aot_args,
      "-cp", "$home/lib/iperf3j.jar", "io.iperf3j.cli.Main"],
    "Cmd": ["-s", "--metrics.listen", ":9580"],
    "ExposedPorts": {"5201/tcp": {}, "5201/udp": {}, "9580/tcp": {}},
    "WorkingDir": "/home/iperf3j",
    "StopSignal": "SIGTERM",
    "Healthcheck": {
      "Test": ["CMD", $java_args, $aot_args, "-cp", "$home/lib/iperf3j.jar", "io.iperf3j.cli.HealthCheck"],
      "Interval": 30000000000,
      "Timeout": 10000000000,
      "StartPeriod": 10000000000,
      "Retries": 3
    },
    "Labels": {
      "org.opencontainers.image.title": "iperf3j",
      "org.opencontainers.image.description": "iperf3j, a Java iperf3: server (-s --metrics.listen :9580) by default",
      "org.opencontainers.image.version": "$version"
    }
  },
  "rootfs": {"type": "layers", "diff_ids": ["sha256:$diff_id"]},
  "history": [{"created": "$created", "created_by": "dist/src/main/sh/build-oci.sh $version"}]
}
EOF
config_digest=$(sha256sum "$config" | cut -d' ' -f1)
mv "$config" "$work/archive/$config_digest.json"
printf '[{"Config": "%s.json", "RepoTags": ["iperf3j:%s"], "Layers": ["%s.tar.gz"]}]\n' \
  "$config_digest" "$version" "$layer_digest" >"$work/archive/manifest.json"
# members at the top, named without "./", as `docker save` writes them
tar --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -C "$work/archive" -cf "$archive" \
  manifest.json "$config_digest.json" "$layer_digest.tar.gz"
size=$(du -sk "$root" | cut -f1)
rm -rf "$work"

secs=$(( ($(date +%s%N) - start) / 1000000 ))
printf 'dist: container image iperf3j:%s, %d MB unpacked, archive %s, built in %d.%03d s\n' "$version" \
  $((size / 1024)) "$(du -h "$archive" | cut -f1)" $((secs / 1000)) $((secs % 1000))
