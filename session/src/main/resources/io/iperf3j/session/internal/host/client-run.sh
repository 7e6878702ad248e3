# shellcheck shell=sh disable=SC2154
# client-run.sh: kills what this owner left on the host (silently), then runs the client (run) with its
# output on this channel and exits with its status. Set before: the function run.
{ cleanowner "$d" "$owner"; } >/dev/null 2>&1
runfg
