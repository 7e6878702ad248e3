# shellcheck shell=sh disable=SC2154
# host-agent.sh: one controller's agent on one host, alive for as long as the controller's
# connection is (its standard input is the controller's end: end of input means the
# controller is gone). HostAgent runs it as `sh -c`, after setting:
#   owner  this controller's name for this host (node id + run tag): its state directory $root/$owner
#   slot   the file name of the host's throughput slot lock
# and the library (host-lib.sh: root, the user's private state folder, d, and the functions).
#
# Its first line of input is the reply key: 32 hex digits the controller made for this agent alone, on no
# command line (ps shows those to every user of the host). Every reply starts with @@KEY (at), so no line a
# command prints (a client's output, a server's file, a process's name) can pass for one.
#
# At start it checks the state folder (checkroot), marks the owner alive (a flock on $root/$owner/live.lock,
# held to the end), then cleans up after every owner of this user whose lock nobody holds (a controller that
# is gone), but for this controller's run's own: its marked processes killed, its directory removed. Then it
# reads commands, one a line, and answers each with one line:
#   take   @@taken | @@busy     the host's slot, held until give
#   give   @@given
#   park   @@parked | @@given    a test's end: the slot stays taken for this controller's next take (no flock
#          process then), unless another controller waits for it (its owner in the want file)
#   last N a job (below), the test's last on this host: when it exits 0 and the slot is held, the slot is given back
#          after it (@@given before its @@done)
#   job N  the N lines that follow are a job's script (server-start.sh, kill.sh, client-job.sh, output.sh;
#          RemoteScripts.inAgent) that this shell runs itself: its replies and output, then @@done STATUS.
#          Counted, not ended by a sentinel line: no byte of a value in it can end the job or start another.
#          A job run here costs the host no channel or login shell; a server or client it starts is this
#          shell's child (kill.sh and client-job.sh reap them). A job must not exit (none of those does).
#          A job's nap (the listen check's, host-lib.sh) is @@nap MS, which the controller answers with an
#          empty line MS later: the only input a job reads.
#   bye    the session's end: it kills what its owner still runs, removes its directory and exits
# At the end of its input without a bye (the controller died, or its connection was lost) it only
# exits, and its locks go with it: the host's slot is free, and the owner's runs count as gone for
# the next agent that starts here, which kills them. A connection that is lost while a test runs
# thus leaves the test to end by itself (its controller may judge it by the receiver's output, and
# logs in again), as it did before there was an agent.
# Every lock is flock(1)'s on a descriptor of this shell: the kernel drops it with the shell.
#
# The slots (docs/design/session.md, "Slots on the hosts"): this account's own, a lock file per slot key in its state
# folder ($root/slots), shared by its sessions. Turns across accounts are the host-slots service's (iperf3j host-slots,
# a UNIX socket in root's /run/iperf3j, each peer known by SO_PEERCRED), which a controller asks directly when the host
# has one; then it asks this agent for no slot. No folder another account may write is read or written here (issue 64:
# the shared /run/iperf3j-host-slots of issue 55 let any account fill /run, squat names and forge a holder).

IFS= read -r akey || exit 0
case $akey in
    "" | *[!0-9a-f]*)
        echo "@@error the session's agent got no reply key"
        exit 125
        ;;
esac
at="@@$akey "
# a job's naps are slept by the controller (nap, host-lib.sh)
# shellcheck disable=SC2034 # read by host-lib.sh's nap, which the agent's shell defines before this
napask=1

command -v flock >/dev/null 2>&1 || {
    echo "${at}error flock not found on $(uname -n): the session needs util-linux's or BusyBox's flock"
    exit 125
}
if ! checkroot; then
    echo "${at}error $refused"
    exit 125
fi

# The owner's lock. A clean-up of another agent may hold it for a moment (our directory of an
# earlier connection, taken for gone): it renames the directory before it lets go, so a lock
# whose file is no longer there is given back and taken again on a new directory.
tries=0
while :; do
    [ -e "$d" ] || [ -L "$d" ] || mkdir -m 700 "$d" 2>/dev/null
    if [ ! -d "$d" ] || [ -L "$d" ] || [ ! -O "$d" ]; then
        echo "${at}error cannot use $d as $(id -un)'s own folder (a link, or another user's)"
        exit 125
    fi
    exec 8>>"$d/live.lock"
    if flock -n 8 && [ -e "$d/live.lock" ]; then break; fi
    exec 8>&-
    tries=$((tries + 1))
    if [ "$tries" -ge 50 ]; then echo "${at}error $d is held by another agent of this owner"; exit 125; fi
    sleep 0.1
done

# The owners that are gone: their lock is free. Renamed first, so that no agent takes a lock on a directory
# that goes. The state folder is this user's alone: every owner in it is this user's. An owner of this same
# controller's run (its tag, after the +) is not gone, as this controller runs: its other hosts on this machine (one
# machine under several names, or a lab's namespaces sharing /run) are passed over without a flock process each.
# Tried on every one, they cost N agents N x N processes at their start: 20 000 of a 200-host lab's 46 600
# (bench/fleet.py, stop 78). What such an owner leaves is its own next job's to clean (cleanowner), or the next run's.
ourtag=+${owner##*+}
for lk in "$root"/*/live.lock; do
    [ -e "$lk" ] || continue
    od=${lk%/live.lock}
    o=${od##*/}
    case $o in *"$ourtag") continue ;; esac
    if [ -L "$od" ] || [ ! -O "$od" ]; then continue; fi
    exec 7<"$lk"
    if flock -n 7; then
        g=$root/.gone.$o.$$
        if mv "$od" "$g" 2>/dev/null; then
            cleanowner "$g" "$o" >/dev/null 2>&1
            rm -rf "$g"
            echo "${at}cleaned $o"
        fi
    fi
    exec 7<&-
done

# The slots: this account's own, in its state folder (turns across accounts are the host-slots service's, which the
# controller asks directly when the host has one; then this agent takes no slot).
mine=$root/slots
[ -e "$mine" ] || [ -L "$mine" ] || mkdir -m 700 "$mine" 2>/dev/null
if ! owndir "$mine" 'd???------*'; then
    echo "${at}error cannot use $mine as $(id -un)'s own folder (a link, or another user's)"
    exit 125
fi
echo "${at}ready"

# held: 0 free, 1 taken, 2 parked (taken, between two tests of this controller; see park). slotfile: the slot's
# lock file; wantfile: where a controller of this account that found the slot busy writes its owner (a redirection,
# no process). Names no job uses: a job runs in this shell, with its variables (one that set f took the slot's file
# from a first version of this, and with it the slot: bench/fleet.py, SharedFleetLabTest).
held=0
slotfile=$mine/$slot
wantfile=$slotfile.want

# letgo: gives the slot back.
letgo() {
    exec 9<&-
    held=0
}

while read -r cmd; do
    case $cmd in
        take)
            [ -e "$slotfile" ] || : >>"$slotfile"
            wanted=
            if [ "$held" = 2 ]; then { read -r wanted <"$wantfile"; } 2>/dev/null; fi
            if [ "$held" = 2 ] && [ -n "$wanted" ] && [ "$wanted" != "$owner" ]; then
                # parked while another controller waits: given to it (this controller tries again later)
                letgo
                echo "${at}busy"
            elif [ "$held" != 0 ] || { [ -f "$slotfile" ] && [ ! -L "$slotfile" ] && exec 9<"$slotfile" && flock -n 9; }; then
                # held already (no flock process), or locked now
                held=1
                { read -r wanted <"$wantfile"; } 2>/dev/null
                if [ "$wanted" = "$owner" ]; then : >"$wantfile"; fi 2>/dev/null
                echo "${at}taken"
            else
                exec 9<&-
                { echo "$owner" >"$wantfile"; } 2>/dev/null
                echo "${at}busy"
            fi
            ;;
        give)
            letgo
            echo "${at}given"
            ;;
        park)
            # a test's end: the slot stays taken for this controller's next test on the host, which then takes it
            # with no flock process, unless another controller waits for it (given at once); the controller gives
            # it back if no test of its own comes soon (HostAgent.PARK)
            wanted=
            { read -r wanted <"$wantfile"; } 2>/dev/null
            if [ "$held" != 0 ] && { [ -z "$wanted" ] || [ "$wanted" = "$owner" ]; }; then
                held=2
                echo "${at}parked"
            else
                letgo
                echo "${at}given"
            fi
            ;;
        job\ * | last\ *)
            # last: the test's last job on this host; when it exits 0 the slot is given back (@@given before @@done), which
            # spares the controller a park and its give-back when its next test here is not soon (HostAgent.streamLast)
            case $cmd in last\ *) lastjob=1 ;; *) lastjob= ;; esac
            n=${cmd#* }
            case $n in
                "" | *[!0-9]*)
                    echo "${at}error not a job's line count: $n"
                    continue
                    ;;
            esac
            job=
            i=0
            while [ "$i" -lt "$n" ] && IFS= read -r line; do
                job="$job$line
"
                i=$((i + 1))
            done
            eval "$job"
            jobstatus=$?
            if [ -n "$lastjob" ] && [ "$jobstatus" = 0 ] && [ "$held" != 0 ]; then
                letgo
                echo "${at}given"
            fi
            echo "${at}done $jobstatus"
            ;;
        bye)
            cleanowner "$d" "$owner" >/dev/null 2>&1
            rm -rf "$d"
            exit 0
            ;;
        *)
            echo "${at}error unknown command"
            ;;
    esac
done
