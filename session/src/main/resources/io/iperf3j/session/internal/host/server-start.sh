# shellcheck shell=sh disable=SC2154
# server-start.sh: kills what this owner left on the host (silently), starts the server (run) in the
# background with its output in $out, and waits until it is the one listening on its port
# (awaitlistener); one command, one login shell. Set before: out, deadline, takenwait, lhex, lstate,
# lfiles, and the function run.
{ cleanowner "$d" "$owner"; } >/dev/null 2>&1
startbg "$out" server && awaitlistener "$deadline" "$takenwait"
