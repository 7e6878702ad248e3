# shellcheck shell=sh disable=SC2154
# host-agent.sh: one controller's agent on one host, alive for as long as the controller's
# connection is (its standard input is the controller's end: end of input means the
# controller is gone). HostAgent runs it as `sh -c`, after setting:
#   root   the hosts' state root (/tmp/iperf3j-session)
#   owner  this controller's name for this host (node id + run tag): its state directory
#   slot   the file name of the host's throughput slot lock, under $root/slots
# and defining cleanowner DIR OWNER (RemoteScripts.cleanOwnerFunction).
#
# At start it marks the owner alive (a flock on $root/$owner/live.lock, held to the end),
# then cleans up after every owner of this user whose lock nobody holds (a controller that
# is gone): its marked processes killed, its directory removed. Then it reads commands,
# one a line, and answers each with one line:
#   take   @@taken | @@busy   the host's slot (a flock on $root/slots/$slot), held until give
#   give   @@given
#   job    the lines that follow, up to a line @@end-job, are a job's script (server-start.sh, kill.sh,
#          client-job.sh, output.sh; RemoteScripts.inAgent) that this shell runs itself: its replies and
#          output, then @@done STATUS. A job run here costs the host no channel or login shell; a server
#          or client it starts is this shell's child (kill.sh and client-job.sh reap them). A job must
#          not exit (none of those does).
#   bye    the session's end: it kills what its owner still runs, removes its directory and exits
# At the end of its input without a bye (the controller died, or its connection was lost) it only
# exits, and its locks go with it: the host's slot is free, and the owner's runs count as gone for
# the next agent that starts here, which kills them. A connection that is lost while a test runs
# thus leaves the test to end by itself (its controller may judge it by the receiver's output, and
# logs in again), as it did before there was an agent.
# Every lock is flock(1)'s on a descriptor of this shell: the kernel drops it with the shell.

command -v flock >/dev/null 2>&1 || {
    echo "@@error flock not found on $(uname -n): the session needs util-linux's or BusyBox's flock"
    exit 125
}
for dir in "$root" "$root/slots"; do
    [ -d "$dir" ] || mkdir -m 1777 "$dir" 2>/dev/null
    if [ -O "$dir" ]; then chmod 1777 "$dir" 2>/dev/null; fi
done
d=$root/$owner

# The owner's lock. A clean-up of another agent may hold it for a moment (our directory of an
# earlier connection, taken for gone): it renames the directory before it lets go, so a lock
# whose file is no longer there is given back and taken again on a new directory.
tries=0
while :; do
    mkdir -p "$d" || { echo "@@error cannot create $d as $(id -un)"; exit 125; }
    exec 8>>"$d/live.lock"
    if flock -n 8 && [ -e "$d/live.lock" ]; then break; fi
    exec 8>&-
    tries=$((tries + 1))
    if [ "$tries" -ge 50 ]; then echo "@@error $d is held by another agent of this owner"; exit 125; fi
    sleep 0.1
done

# The owners that are gone: their lock is free. Only this user's (another user's processes
# are not ours to kill); renamed first, so that no agent takes a lock on a directory that goes.
for lk in "$root"/*/live.lock; do
    [ -e "$lk" ] || continue
    od=${lk%/live.lock}
    o=${od##*/}
    if [ "$o" = "$owner" ] || [ ! -O "$od" ]; then continue; fi
    exec 7<"$lk"
    if flock -n 7; then
        g=$root/.gone.$o.$$
        if mv "$od" "$g" 2>/dev/null; then
            cleanowner "$g" "$o" >/dev/null 2>&1
            rm -rf "$g"
            echo "@@cleaned $o"
        fi
    fi
    exec 7<&-
done
echo "@@ready"

held=0
while read -r cmd; do
    case $cmd in
        take)
            f=$root/slots/$slot
            if [ ! -e "$f" ]; then (umask 0; : >>"$f") 2>/dev/null; fi
            if [ "$held" = 1 ]; then
                echo "@@taken"
            elif [ -r "$f" ] && exec 9<"$f" && flock -n 9; then
                held=1
                echo "@@taken"
            else
                exec 9<&-
                echo "@@busy"
            fi
            ;;
        give)
            exec 9<&-
            held=0
            echo "@@given"
            ;;
        job)
            job=
            while IFS= read -r line && [ "$line" != "@@end-job" ]; do
                job="$job$line
"
            done
            eval "$job"
            echo "@@done $?"
            ;;
        bye)
            cleanowner "$d" "$owner" >/dev/null 2>&1
            rm -rf "$d"
            exit 0
            ;;
        *)
            echo "@@error unknown command: $cmd"
            ;;
    esac
done
