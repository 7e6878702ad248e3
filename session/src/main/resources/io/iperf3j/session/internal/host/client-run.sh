# shellcheck shell=sh disable=SC2154
# client-run.sh: kills what this owner left on the host (silently; with nothing left, no process), then
# becomes the client (run, exec'd: the channel's shell is the client, its exit status the client's), its
# output on this channel. Set before: the function run.
{ cleanowner "$d" "$owner"; } >/dev/null 2>&1
runhere
