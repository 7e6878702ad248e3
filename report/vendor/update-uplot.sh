#!/bin/sh
# Updates the vendored uPlot from the npm registry. Run by hand; the build uses the files committed in
# src/main/resources/io/iperf3j/report/internal/vendor/ and needs neither npm nor node nor a network.
#
#   report/vendor/update-uplot.sh          # the version in uplot.integrity: checks that the committed
#                                          # files are exactly npm's (SHA-256, uplot.sha256)
#   report/vendor/update-uplot.sh 1.6.33   # another version: replaces the files, VERSION, uplot.integrity
#                                          # and uplot.sha256 (then commit them, with the licence)
#
# The tarball comes through the ordinary client (`npm pack NAME@VERSION`); its SHA-512 is checked
# against uplot.integrity (same version) or the registry's own `dist.integrity` (a new one) before
# anything is extracted.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
res="$here/../src/main/resources/io/iperf3j/report/internal/vendor"
read -r name version expected < "$here/uplot.integrity"
for tool in npm node sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "update-uplot.sh: $tool not found (apt-get install npm)" >&2; exit 1; }
done
new=""
if [ $# -gt 0 ] && [ "$1" != "$version" ]; then
  version=$1
  new=yes
  expected=$(npm view --silent "$name@$version" dist.integrity)
  [ -n "$expected" ] || { echo "update-uplot.sh: npm has no $name@$version" >&2; exit 1; }
fi

sri() { node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && timeout 120 npm pack --silent "$name@$version" >/dev/null 2>"$tmp/npm-pack.log") \
  || { echo "update-uplot.sh: npm pack $name@$version failed:" >&2; cat "$tmp/npm-pack.log" >&2; exit 1; }
tgz="$tmp/$name-$version.tgz"
actual=$(sri "$tgz")
if [ "$actual" != "$expected" ]; then
  echo "update-uplot.sh: $name-$version.tgz has integrity $actual, expected $expected; not using it" >&2
  exit 1
fi
out="$tmp/vendor"
mkdir -p "$out"
tar -xzf "$tgz" -C "$out" --strip-components=2 package/dist/uPlot.iife.min.js package/dist/uPlot.min.css
tar -xzf "$tgz" -O package/LICENSE > "$out/uPlot.LICENSE"
echo "$name $version $actual" > "$out/VERSION"
if [ -z "$new" ]; then
  # The same version: the committed files must be npm's, byte for byte.
  (cd "$out" && sha256sum -c --quiet "$here/uplot.sha256") \
    || { echo "update-uplot.sh: the committed uPlot differs from npm's $name@$version (see above)" >&2; exit 1; }
  (cd "$res" && sha256sum -c --quiet "$here/uplot.sha256") \
    || { echo "update-uplot.sh: the files in $res do not match uplot.sha256" >&2; exit 1; }
  echo "update-uplot.sh: $name $version in the repository is npm's (SHA-256 checked)"
  exit 0
fi
cp "$out/uPlot.iife.min.js" "$out/uPlot.min.css" "$out/uPlot.LICENSE" "$out/VERSION" "$res/"
echo "$name $version $actual" > "$here/uplot.integrity"
(cd "$res" && sha256sum uPlot.iife.min.js uPlot.min.css uPlot.LICENSE VERSION) > "$here/uplot.sha256"
echo "update-uplot.sh: vendored $name $version; commit report/vendor/ and $res"
