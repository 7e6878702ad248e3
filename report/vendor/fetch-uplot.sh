#!/bin/sh
# Vendors uPlot into the build (called by the Maven build, phase generate-resources):
#   fetch-uplot.sh INTEGRITY_FILE OUT_DIR RESOURCE_DIR
# INTEGRITY_FILE holds "NAME VERSION SRI-HASH" (the integrity value npm prints for the tarball).
# The tarball comes from the npm registry through the ordinary client (`npm pack NAME@VERSION`);
# its SHA-512 is checked against the committed value before anything is extracted. A tarball
# already in OUT_DIR that matches is reused (offline rebuilds). The files the report inlines go to
# RESOURCE_DIR (a resource directory of the build).
set -eu
integrity_file=$1
out=$2
res=$3
read -r name version expected < "$integrity_file"
mkdir -p "$out"
tgz="$out/$name-$version.tgz"

sri() { node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"; }

command -v npm >/dev/null 2>&1 || { echo "fetch-uplot.sh: npm not found; install it (apt-get install npm)" >&2; exit 1; }
if [ ! -f "$tgz" ] || [ "$(sri "$tgz")" != "$expected" ]; then
  rm -f "$tgz"
  (cd "$out" && timeout 120 npm pack --silent --prefer-offline "$name@$version" >/dev/null 2>"$out/npm-pack.log") \
    || { echo "fetch-uplot.sh: npm pack $name@$version failed (see $out/npm-pack.log)" >&2; exit 1; }
fi
actual=$(sri "$tgz")
if [ "$actual" != "$expected" ]; then
  echo "fetch-uplot.sh: $tgz has integrity $actual, expected $expected (from $integrity_file); not using it" >&2
  rm -f "$tgz"
  exit 1
fi
dest="$res/io/iperf3j/report/internal/vendor"
mkdir -p "$dest"
tar -xzf "$tgz" -C "$dest" --strip-components=2 package/dist/uPlot.iife.min.js package/dist/uPlot.min.css
tar -xzf "$tgz" -O package/LICENSE > "$dest/uPlot.LICENSE"
echo "$name $version $actual" > "$dest/VERSION"
