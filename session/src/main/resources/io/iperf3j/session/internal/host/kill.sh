# shellcheck shell=sh disable=SC2154
# kill.sh: after up to $tenths tenths of a second for it to end by itself (a one-off server's end),
# kills the PID $pid of this owner with its descendants; prints @@gone or @@alive. Set before: pid, tenths.
awaitexit "$pid" "$tenths"
killone "$pid"
