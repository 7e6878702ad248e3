#!/usr/bin/env bash
# Can a GraalVM native image be built with what this machine can fetch? (issue 28)
#
# Maven Central serves SubstrateVM's builder (org.graalvm.nativeimage:svm and its modules), but
# not the native-image driver nor a GraalVM JDK. This probe runs the builder by hand on the JDK
# here, on a one-line hello-world class, and prints how far it gets. Run on 2026-11-26 with svm
# 25.0.4 on Temurin 25.0.3 it stopped at:
#
#   Error: Building images on LINUX_AMD64 (target libc: glibc) requires static JDK libraries.
#   Use most recent JDK from https://github.com/graalvm/labs-openjdk/releases
#   Missing libraries: java, nio, net
#
# libjava.a, libnio.a and libnet.a come only with a GraalVM or labs-openjdk build (GitHub and
# oracle.com, not reachable here); no Debian or Maven package ships them, and building them needs
# the JDK's C sources, which are not here either. To get that far the probe has to:
#   - skip the builder's JVMCI version check (Temurin's JVMCI is 25.0.3+9, Graal wants
#     25.0.4+7-jvmci-b01): JVMCI_VERSION_CHECK=ignore;
#   - give the builder the --add-exports, class loader and properties the missing driver
#     would give (every internal package of every JDK module, to the builder's modules);
#   - build, in a copy of the JDK, the small JNI helper the builder's progress output loads
#     (lib/svm/builder/lib/libreporterchelper.so), which is part of a GraalVM distribution;
# and SubstrateVM's own C libraries (lib/svm/clibraries) would be the next thing missing.
#
# Usage: bench/native-image-probe.sh [SVM_VERSION]   (default 25.0.4; needs mvn, gcc, JDK 25)
# Exit status: 0 if an executable was built (then it is run), 1 otherwise.
set -euo pipefail
version=${1:-25.0.4}
jdk=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

timeout 600 mvn -B -q dependency:get -Dartifact="org.graalvm.nativeimage:svm:$version" >/dev/null
repo=${M2_REPO:-$HOME/.m2/repository}
jars=$(find "$repo/org/graalvm" -name "*-$version.jar")
upgrade=$(echo "$jars" | grep -E '/(compiler|truffle-compiler)-' | paste -sd:)
modules=$(echo "$jars" | grep -vE '/(compiler|truffle-compiler)-' | paste -sd:)

# A JDK copy that holds the builder's one JNI helper (terminal width and peak RSS for its output).
cp -a "$jdk" "$work/jdk"
mkdir -p "$work/jdk/lib/svm/builder/lib"
cat >"$work/reporter.c" <<'EOF'
#include <jni.h>
#include <sys/resource.h>
JNIEXPORT jint JNICALL Java_com_oracle_svm_hosted_ProgressReporterCHelper_getTerminalWindowColumns0(JNIEnv *e, jclass c) { return 120; }
JNIEXPORT jlong JNICALL Java_com_oracle_svm_hosted_ProgressReporterCHelper_getPeakRSS0(JNIEnv *e, jclass c) {
  struct rusage u; getrusage(RUSAGE_SELF, &u); return (jlong) u.ru_maxrss * 1024;
}
EOF
gcc -shared -fPIC -I "$jdk/include" -I "$jdk/include/linux" -o "$work/jdk/lib/svm/builder/lib/libreporterchelper.so" "$work/reporter.c"
java="$work/jdk/bin/java"

# What the driver would pass: every internal package of every JDK module, exported to the builder.
to=org.graalvm.nativeimage.base,org.graalvm.nativeimage.builder,org.graalvm.nativeimage.pointsto,org.graalvm.nativeimage.objectfile,jdk.graal.compiler
exports=()
for m in $("$java" --list-modules | cut -d@ -f1); do
  for p in $("$java" --describe-module "$m" | awk '/^contains|^qualified exports/ {print ($1 == "qualified" ? $3 : $2)}' | sort -u); do
    exports+=(--add-exports "$m/$p=$to")
  done
done

mkdir -p "$work/app"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' >"$work/Hello.java"
"$jdk/bin/javac" -d "$work/app" "$work/Hello.java"

set +e
JVMCI_VERSION_CHECK=ignore timeout 900 "$java" -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -Xmx4g \
  --enable-native-access=ALL-UNNAMED,org.graalvm.nativeimage.builder \
  -Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader \
  -Dorg.graalvm.nativeimage.imagecode=buildtime "${exports[@]}" \
  --upgrade-module-path "$upgrade" --module-path "$modules" --add-modules ALL-MODULE-PATH \
  -m org.graalvm.nativeimage.builder/com.oracle.svm.hosted.NativeImageGeneratorRunner \
  -imagecp "$work/app" -H:Name=hello -H:Class=Hello -H:Path="$work" \
  -H:ImageBuildID="$(cat /proc/sys/kernel/random/uuid)" 2>&1 | grep -vE '^\s+at |^WARNING'
set -e
if [ -x "$work/hello" ]; then
  ls -l "$work/hello"
  "$work/hello"
  exit 0
fi
echo "native-image-probe: no executable was built (svm $version, $("$jdk/bin/java" -version 2>&1 | head -1))"
exit 1
