# shellcheck shell=sh disable=SC2154
# kill.sh: after up to $tenths tenths of a second for it to end by itself (a one-off server's end),
# kills the PID $pid of this owner with its descendants; prints @@gone or @@alive (a server the agent started
# is its child: killone reaps it once gone). Set before: pid, tenths.
awaitexit "$pid" "$tenths"
killone "$pid"
