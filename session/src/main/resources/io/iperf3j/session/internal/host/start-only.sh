# shellcheck shell=sh disable=SC2154
# start-only.sh: starts the command (run) in the background with its output in $out; prints @@pid.
# Set before: out, and the function run.
startbg "$out" || exit 125
