# shellcheck shell=sh disable=SC2154
# client-job.sh: the client as a job of the host's agent (HostAgent.stream), in the agent's shell rather
# than on a channel of its own. It kills what this owner left on the host (silently; with nothing left,
# no process), starts the client (run) in the background with its output on the agent's, which the
# controller reads as it comes, and its errors in $d/client.err; @@pid first, waits for the client (a
# stop kills it from a channel, as the agent is busy), then ends the client's output with a newline and
# @@ended (a client killed in the middle of a line leaves one without its end, which must not take the
# replies after it), then prints the error lines as @@err lines. The job's status is the client's. No
# process beside the client's own: read and echo are builtins, and the error file is read only when it
# is not empty. Set before: the function run.
{ cleanowner "$d" "$owner"; } >/dev/null 2>&1
clientjob() {
    makestate || return
    # @@pid comes from the client's own shell, before it becomes the client (its PID read from /proc/self/status, a
    # builtin, up to its Pid line: some 100 bytes, where /proc/self/stat's line is 300, read a byte a call): echoed by
    # this shell after the start, it could come after the client's first output, and glue itself to a line the client
    # had not ended (RemoteIperfInAgentTest, once run had no env to exec first)
    {
        c=
        while read -r pk pv; do
            if [ "$pk" = Pid: ]; then
                c=$pv
                break
            fi
        done </proc/self/status
        echo "${at}pid $c"
        run
    } 2>"$d/client.err" </dev/null 7>&- 8>&- 9>&- &
    p=$!
    echo "$p" >"$d/client.pid"
    wait "$p"
    s=$?
    : >"$d/client.pid"
    echo
    echo "${at}ended"
    if [ -s "$d/client.err" ]; then
        while IFS= read -r e || [ -n "$e" ]; do
            echo "${at}err $e"
        done <"$d/client.err"
        : >"$d/client.err"
    fi
    return "$s"
}
clientjob
