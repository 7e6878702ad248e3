# shellcheck shell=sh disable=SC2154
# clean.sh: kills every process of this owner still running on the host (stale from an earlier run,
# or, at a session's stop, a server whose start had not yet told its PID), TERM first.
cleanowner "$d" "$owner"
