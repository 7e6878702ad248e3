#!/usr/bin/env bash
# Builds iperf3j's runtime image, its tarball and its Debian package (run by dist/pom.xml at
# package time; usable by hand). Needs a JDK 25 (jdeps, jlink), binutils' strip and dpkg-deb;
# no network.
#
#   build-image.sh VERSION FAT_JAR OUT_DIR [JDK_HOME]
#
# JDK_HOME defaults to $JAVA_HOME; one older than JDK 25 (or none) stops the script at once with a message
# naming JAVA_HOME (exit 2).
#
# OUT_DIR/iperf3j-VERSION/                     the image (runs with no Java installed):
#   bin/iperf3j                                launcher (sh): the image's own runtime, the AOT cache
#   lib/iperf3j.jar                            the application (cli's fat jar)
#   lib/iperf3j.aot                            its AOT cache, trained with the image's own runtime
#   lib/jvm.options                            the JVM options (cli/src/main/launcher/jvm.options)
#   lib/runtime/                               jlinked Java runtime: the modules in runtime-modules
#   share/man/man1/iperf3j.1.gz                man page, generated from --help's option table
#   share/iperf3j/iperf3j.service              systemd unit for `iperf3j -s` (not enabled)
#   share/iperf3j/iperf3j-session@.service     systemd unit for a scheduled `iperf3j session` (not enabled)
#   share/iperf3j/iperf3j-agent.service        systemd unit for `iperf3j agent`, a fleet's host (not enabled)
#   share/iperf3j/iperf3j-host-slots.socket    systemd units of `iperf3j host-slots`, the host's turn-taking
#   share/iperf3j/iperf3j-host-slots.service   service for every account's sessions (not enabled)
#   share/iperf3j/plan.schema.json             the session plan file's JSON Schema (for editors)
#   share/iperf3j/iperf3j-alerts.yml           Prometheus alerting rules for a fleet and a public server
# OUT_DIR/iperf3j-VERSION-linux-x64.tar.gz     that directory as a tarball
# OUT_DIR/iperf3j_VERSION_amd64.deb            the image under /usr/lib/iperf3j, /usr/bin/iperf3j,
#                                              the man page, the (disabled) units and
#                                              /usr/share/iperf3j/plan.schema.json and iperf3j-alerts.yml
set -euo pipefail
[ $# -eq 3 ] || [ $# -eq 4 ] || { echo "usage: $0 VERSION FAT_JAR OUT_DIR [JDK_HOME (default: \$JAVA_HOME)]" >&2; exit 2; }
version=$1 jar=$2 out=$3 jdk=${4:-${JAVA_HOME:-}}
src=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)

# 0. The JDK: jdeps and jlink of JDK 25 or newer (the image's runtime is made from it, and the AOT cache needs
#    JDK 25's JVM). Said before anything is built, naming JAVA_HOME (issue 66: an older default Java failed
#    later and less clearly). jdk_major reads the JDK's release file (scripts/find-jdk.sh, the launcher's).
. "$src/../../../../scripts/find-jdk.sh"
if [ -z "$jdk" ]; then
  echo "dist: no JDK given: set JAVA_HOME to a JDK 25 or newer (for example /usr/lib/jvm/temurin-25-jdk-amd64)" \
    "or give it as the 4th argument; see docs/install.md" >&2
  exit 2
fi
major=$(jdk_major "$jdk")
if [ "$major" -lt 25 ] || [ ! -x "$jdk/bin/jlink" ] || [ ! -x "$jdk/bin/jdeps" ]; then
  what="JDK $major"; [ "$major" -gt 0 ] || what="not a JDK"
  [ "$major" -lt 25 ] || what="a JDK $major without jlink and jdeps (a JRE?)"
  echo "dist: $jdk is $what; the image is built with a JDK 25 or newer (its jdeps and jlink):" \
    "set JAVA_HOME to one (for example /usr/lib/jvm/temurin-25-jdk-amd64) and run the build again; see docs/install.md" >&2
  exit 2
fi
name="iperf3j-$version"
image="$out/$name"
start=$(date +%s%N)
log="$out/image-build.log"
: >"$log"

step() { # runs a command, its output and time to the build log; on failure shows the log's tail
  local t0=$(date +%s%N)
  echo "+ $*" >>"$log"
  if "$@" >>"$log" 2>&1; then
    echo "  ($(( ($(date +%s%N) - t0) / 1000000 )) ms)" >>"$log"
  else
    echo "dist: failed: $*" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
}

rm -rf "$image" "$out/deb-root" "$out/$name-linux-x64.tar.gz" "$out"/iperf3j_*.deb
mkdir -p "$image/bin" "$image/lib" "$image/share/man/man1" "$image/share/iperf3j"

# 1. The runtime's modules: the list in runtime-modules, chosen on purpose, not whatever jdeps
#    finds (jdeps over the fat jar reaches java.desktop, java.rmi and more through optional code
#    paths of the libraries, about 40 MB that iperf3j never loads). jdeps is the check: a module it
#    finds that runtime-modules neither lists nor leaves out stops the build, so the image cannot
#    grow, or lose a module it needs, without that file being changed.
chosen=$(grep -v '^#' "$src/runtime-modules" | awk 'NF && $1 !~ /^-/ && $0 !~ /^ / {print $1}' | paste -sd, -)
left_out=$(grep -v '^#' "$src/runtime-modules" | awk '$1 ~ /^-/ {print substr($1, 2)}' | paste -sd, -)
found=$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$jar")
echo "jdeps finds: $found" >>"$log"
undecided=""
for m in ${found//,/ }; do
  case ",$chosen,$left_out," in *",$m,"*) ;; *) undecided="$undecided $m" ;; esac
done
if [ -n "$undecided" ]; then
  echo "dist: the fat jar now needs module(s)$undecided, which $src/runtime-modules" >&2
  echo "dist: neither lists nor leaves out: add each, with why it is in or out" >&2
  exit 1
fi
modules=$chosen
echo "modules: $modules" >>"$log"

# 2. The runtime. --strip-debug and no headers/man pages: a smaller image. zip-6 shrinks
#    lib/modules from 29 to 14 MB at no measured start-up cost: the classes a run loads come
#    from the AOT cache, not from lib/modules (issue 28; docs/design/footprint.md has the pairs).
step "$jdk/bin/jlink" --add-modules "$modules" --output "$image/lib/runtime" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6
# The launcher runs bin/java only; keytool, jwebserver and the like are not part of iperf3j.
find "$image/lib/runtime/bin" -type f ! -name java -delete
# libjvm.so's static symbol table (5 MB; the JDK ships no separate debug info to strip): the JVM
# runs from the dynamic one; only a crash report's frames inside the JVM lose their names.
step strip --strip-unneeded "$image/lib/runtime/lib/server/libjvm.so"

# The AOT cache checks the jar's size and modification time (whole seconds survive tar and dpkg).
mtime="@$(stat -c %Y "$jar")"
cp "$jar" "$image/lib/iperf3j.jar"
touch -d "$mtime" "$image/lib/iperf3j.jar"
install -m 755 "$src/iperf3j" "$image/bin/iperf3j"
# The JVM options, one file for the launcher and the AOT training (cli owns it, as ./iperf3j reads it).
install -m 644 "$(cd "$src/../../../.." && pwd)/cli/src/main/launcher/jvm.options" "$image/lib/jvm.options"
install -m 644 "$src/iperf3j.service" "$image/share/iperf3j/iperf3j.service"
install -m 644 "$src/iperf3j-session@.service" "$image/share/iperf3j/iperf3j-session@.service"
install -m 644 "$src/iperf3j-agent.service" "$image/share/iperf3j/iperf3j-agent.service"
install -m 644 "$src/iperf3j-host-slots.socket" "$image/share/iperf3j/iperf3j-host-slots.socket"
install -m 644 "$src/iperf3j-host-slots.service" "$image/share/iperf3j/iperf3j-host-slots.service"
# The plan file's JSON Schema for editors (docs/plan-reference.md; also `iperf3j session --schema`).
install -m 644 "$(cd "$src/../../../.." && pwd)/session/src/main/resources/io/iperf3j/session/plan.schema.json" \
  "$image/share/iperf3j/plan.schema.json"
# Prometheus alerting rules (README "On a schedule"; tested by session's AlertRulesTest with promtool).
install -m 644 "$src/../prometheus/iperf3j-alerts.yml" "$image/share/iperf3j/iperf3j-alerts.yml"

java="$image/lib/runtime/bin/java"

# 3. The man page from the same text --help prints (io.iperf3j.cli.ManPage renders it).
"$java" --enable-native-access=ALL-UNNAMED -cp "$image/lib/iperf3j.jar" io.iperf3j.cli.ManPage "$version" \
  >"$image/share/man/man1/iperf3j.1" 2>>"$log" || { echo "dist: man page not rendered (see $log)" >&2; exit 1; }
gzip -9n "$image/share/man/man1/iperf3j.1"

# 4. The AOT cache, trained with the image's own runtime (a cache is valid only for the JVM
#    that wrote it) with the launcher's own options file, so the cache matches every run.
step "$java" -XX:AOTCacheOutput="$image/lib/iperf3j.aot" -Xlog:aot=error,cds=error \
  @"$image/lib/jvm.options" -cp "$image/lib/iperf3j.jar" io.iperf3j.cli.AotTraining

# 5. The tarball: one top directory, owned by root, stable order and times.
step tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" \
  -C "$out" -czf "$out/$name-linux-x64.tar.gz" "$name"

# 6. The Debian package, made with dpkg-deb from the same image (see docs/install.md for why
#    not jpackage).
root="$out/deb-root"
mkdir -p "$root/DEBIAN" "$root/usr/lib/iperf3j" "$root/usr/bin" "$root/usr/share/man/man1" \
  "$root/usr/lib/systemd/system" "$root/usr/share/doc/iperf3j" "$root/usr/share/iperf3j"
cp -a "$image/bin" "$image/lib" "$root/usr/lib/iperf3j/"
ln -s ../lib/iperf3j/bin/iperf3j "$root/usr/bin/iperf3j"
cp "$image/share/man/man1/iperf3j.1.gz" "$root/usr/share/man/man1/"
install -m 644 "$src/iperf3j.service" "$root/usr/lib/systemd/system/iperf3j.service"
install -m 644 "$src/iperf3j-session@.service" "$root/usr/lib/systemd/system/iperf3j-session@.service"
install -m 644 "$src/iperf3j-agent.service" "$root/usr/lib/systemd/system/iperf3j-agent.service"
install -m 644 "$src/iperf3j-host-slots.socket" "$root/usr/lib/systemd/system/iperf3j-host-slots.socket"
install -m 644 "$src/iperf3j-host-slots.service" "$root/usr/lib/systemd/system/iperf3j-host-slots.service"
install -m 644 "$src/copyright" "$root/usr/share/doc/iperf3j/copyright"
# the plan file's JSON Schema, where the README and docs/plan-reference.md say (issue 66: the .deb lacked it)
install -m 644 "$image/share/iperf3j/plan.schema.json" "$root/usr/share/iperf3j/plan.schema.json"
install -m 644 "$image/share/iperf3j/iperf3j-alerts.yml" "$root/usr/share/iperf3j/iperf3j-alerts.yml"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$src/control" >"$root/DEBIAN/control"
chmod -R u+rwX,go+rX,go-w "$root"
# xz, dpkg's default: the jimage is zip-compressed class by class, which gzip cannot shrink
# further; xz takes the package from 34 to 30 MB for about 30 s more of build.
step dpkg-deb --root-owner-group -Zxz --build "$root" "$out/iperf3j_${version}_amd64.deb"

secs=$(( ($(date +%s%N) - start) / 1000000 ))
printf 'dist: %s image %s, tarball %s, deb %s, built in %d.%03d s\n' "$name" \
  "$(du -sh "$image" | cut -f1)" "$(du -h "$out/$name-linux-x64.tar.gz" | cut -f1)" \
  "$(du -h "$out/iperf3j_${version}_amd64.deb" | cut -f1)" $((secs / 1000)) $((secs % 1000)) | tee -a "$log"
