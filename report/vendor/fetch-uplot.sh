#!/bin/sh
# Vendors uPlot into the build (called by the Maven build, phase generate-resources):
#   fetch-uplot.sh INTEGRITY_FILE OUT_DIR RESOURCE_DIR [CACHE_DIR]
# INTEGRITY_FILE holds "NAME VERSION SRI-HASH" (the integrity value npm prints for the tarball).
# The tarball comes from the npm registry through the ordinary client (`npm pack NAME@VERSION`);
# its SHA-512 is checked against the committed value before anything is extracted. A tarball
# already in OUT_DIR or in CACHE_DIR that matches is reused (offline rebuilds, and builds on a
# machine without npm: the quick tier). A checked tarball is copied to CACHE_DIR (the build passes
# a directory in the local Maven repository, so a filled repository also holds uPlot). The files
# the report inlines go to RESOURCE_DIR (a resource directory of the build).
set -eu
integrity_file=$1
out=$2
res=$3
cache=${4:-}
read -r name version expected < "$integrity_file"
mkdir -p "$out"
tgz="$out/$name-$version.tgz"

# SHA-512s compared in hex, with coreutils only (no node needed).
want=$(printf %s "${expected#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
sha() { sha512sum "$1" | cut -d' ' -f1; }
matches() { [ -f "$1" ] && [ "$(sha "$1")" = "$want" ]; }

if ! matches "$tgz"; then
  rm -f "$tgz"
  if [ -n "$cache" ] && matches "$cache/$name-$version.tgz"; then
    cp "$cache/$name-$version.tgz" "$tgz"
  else
    command -v npm >/dev/null 2>&1 || { echo "fetch-uplot.sh: npm not found and no checked $name-$version.tgz in ${cache:-$out}; install npm (apt-get install npm) or build once where it is" >&2; exit 1; }
    (cd "$out" && timeout 120 npm pack --silent --prefer-offline "$name@$version" >/dev/null 2>"$out/npm-pack.log") \
      || { echo "fetch-uplot.sh: npm pack $name@$version failed (see $out/npm-pack.log)" >&2; exit 1; }
  fi
fi
if ! matches "$tgz"; then
  echo "fetch-uplot.sh: $tgz has SHA-512 $(sha "$tgz"), expected $want ($expected, from $integrity_file); not using it" >&2
  rm -f "$tgz"
  exit 1
fi
if [ -n "$cache" ] && ! matches "$cache/$name-$version.tgz"; then
  { mkdir -p "$cache" && cp "$tgz" "$cache/$name-$version.tgz.$$" && mv "$cache/$name-$version.tgz.$$" "$cache/$name-$version.tgz"; } 2>/dev/null || true
fi
dest="$res/io/iperf3j/report/internal/vendor"
mkdir -p "$dest"
tar -xzf "$tgz" -C "$dest" --strip-components=2 package/dist/uPlot.iife.min.js package/dist/uPlot.min.css
tar -xzf "$tgz" -O package/LICENSE > "$dest/uPlot.LICENSE"
echo "$name $version $expected" > "$dest/VERSION"
