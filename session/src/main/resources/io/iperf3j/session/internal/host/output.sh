# shellcheck shell=sh disable=SC2154
# output.sh: prints a server's output file $out after a line @@output (every line ended by a newline,
# the last one too: awk), then empties it (a redirection: no process, and the file, named by the server's
# port, is there for the next server on that port: no inode made and freed a test); prints nothing when it
# is not there, and then ends with status 1 (a test's last job, HostAgent.streamLast, that found no output keeps the
# host's slot while the controller looks for it again). A job of the host's agent: the file comes back on the agent's channel, with no channel,
# login shell or SFTP server of its own. Set before: out.
if [ -e "$out" ]; then
    echo "${at}output"
    awk 1 "$out" && : >"$out"
else
    false
fi
