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
#   park   @@parked | @@given    a test's end: the slot stays taken for this controller's next take (no flock
#          process then), unless another controller's agent found it busy meanwhile (its owner in the want file)
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

# held: 0 free, 1 taken, 2 parked (taken, between two tests of this controller; see park). slotfile: the slot's
# lock file; wantfile: where a controller's agent that found the slot busy writes its owner (a redirection, no
# process). Names no job uses: a job runs in this shell, with its variables (one that set f took the slot's file
# from a first version of this, and with it the slot: bench/fleet.py, SharedFleetLabTest).
held=0
slotfile=$root/slots/$slot
wantfile=$slotfile.want
while read -r cmd; do
    case $cmd in
        take)
            if [ ! -e "$slotfile" ] || [ ! -e "$wantfile" ]; then (umask 0; : >>"$slotfile"; : >>"$wantfile") 2>/dev/null; fi
            wanted=
            if [ "$held" = 2 ]; then { read -r wanted <"$wantfile"; } 2>/dev/null; fi
            if [ -n "$wanted" ] && [ "$wanted" != "$owner" ]; then
                # parked while another controller waits: given to it (this controller tries again later)
                exec 9<&-
                held=0
                echo "@@busy"
            elif [ "$held" != 0 ] || { [ -r "$slotfile" ] && exec 9<"$slotfile" && flock -n 9; }; then
                # held already (no flock process), or locked now; this owner's wait, if it waited, is over
                held=1
                { read -r wanted <"$wantfile"; } 2>/dev/null
                if [ "$wanted" = "$owner" ]; then : >"$wantfile"; fi 2>/dev/null
                echo "@@taken"
            else
                exec 9<&-
                { echo "$owner" >"$wantfile"; } 2>/dev/null
                echo "@@busy"
            fi
            ;;
        give)
            exec 9<&-
            held=0
            echo "@@given"
            ;;
        park)
            # a test's end: the slot stays taken for this controller's next test on the host, which then takes it
            # with no flock process, unless another controller waits for it (given at once); the controller gives
            # it back if no test of its own comes soon (HostAgent.PARK)
            wanted=
            { read -r wanted <"$wantfile"; } 2>/dev/null
            if [ "$held" != 0 ] && { [ -z "$wanted" ] || [ "$wanted" = "$owner" ]; }; then
                held=2
                echo "@@parked"
            else
                exec 9<&-
                held=0
                echo "@@given"
            fi
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
