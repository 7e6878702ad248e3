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
# is gone): its marked processes killed, its directory removed. Then it reads commands, one a line, and
# answers each with one line:
#   take   @@taken | @@busy [USER]   the host's slot, held until give (USER: another account's session holds it)
#   give   @@given
#   park   @@parked | @@given    a test's end: the slot stays taken for this controller's next take (no flock
#          process then), unless another controller waits for it (its owner in the want file, or another
#          account's wait lock)
#   job N  the N lines that follow are a job's script (server-start.sh, kill.sh, client-job.sh, output.sh;
#          RemoteScripts.inAgent) that this shell runs itself: its replies and output, then @@done STATUS.
#          Counted, not ended by a sentinel line: no byte of a value in it can end the job or start another.
#          A job run here costs the host no channel or login shell; a server or client it starts is this
#          shell's child (kill.sh and client-job.sh reap them). A job must not exit (none of those does).
#   bye    the session's end: it kills what its owner still runs, removes its directory and exits
# At the end of its input without a bye (the controller died, or its connection was lost) it only
# exits, and its locks go with it: the host's slot is free, and the owner's runs count as gone for
# the next agent that starts here, which kills them. A connection that is lost while a test runs
# thus leaves the test to end by itself (its controller may judge it by the receiver's output, and
# logs in again), as it did before there was an agent.
# Every lock is flock(1)'s on a descriptor of this shell: the kernel drops it with the shell.
#
# The slots (docs/design/session.md, "Slots on the hosts"): in /run/iperf3j-host-slots when root made it (1777 and
# sticky, as /tmp: root's agent makes it; /run is root's alone), a folder per account in it (its uid, 755, made
# by that account, where only it writes) and a lock file per slot key in that. Sessions of one account share its
# lock file. Another account's hold is seen in /proc/locks by its lock file's inode (ls -i, which opens nothing:
# a file another user owns could be swapped for a FIFO, whose open would block this shell, or for a link): this
# agent takes its own lock, then looks, and lets go if another account holds the key, so that two never hold it
# at once. One that waits for another account holds a flock on its own KEY.wait, which the holder sees the same
# way and yields to at its next test's end. Without that folder (no root session on the host yet), or with one
# that is not as it must be, the slots are this account's own, in its state folder.

IFS= read -r akey || exit 0
case $akey in
    "" | *[!0-9a-f]*)
        echo "@@error the session's agent got no reply key"
        exit 125
        ;;
esac
at="@@$akey "

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
# that goes. The state folder is this user's alone: every owner in it is this user's.
for lk in "$root"/*/live.lock; do
    [ -e "$lk" ] || continue
    od=${lk%/live.lock}
    o=${od##*/}
    if [ "$o" = "$owner" ] || [ -L "$od" ] || [ ! -O "$od" ]; then continue; fi
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

# The slot place: the shared one (sp, this account's folder mine in it), else this account's own.
sp=/run/iperf3j-host-slots
if [ "$myuid" = 0 ] && [ ! -e "$sp" ] && [ ! -L "$sp" ]; then
    # chmod after: BusyBox's mkdir -m leaves the umask's bits out
    mkdir -m 1777 "$sp" 2>/dev/null && chmod 1777 "$sp"
fi
mine=
if [ -d "$sp" ] && [ ! -L "$sp" ]; then
    # shellcheck disable=SC2046 # ls's fields: mode, links, owner's uid
    set -- $(LC_ALL=C ls -ldn "$sp" 2>/dev/null)
    case ${1:-}:${3:-} in
        drwxrwxrwt*:0) mine=$sp/$myuid ;;
        *) echo "${at}warning $sp is not root's with mode 1777: this host's slot is shared with this account's sessions only" ;;
    esac
fi
if [ -n "$mine" ]; then
    [ -e "$mine" ] || [ -L "$mine" ] || (umask 022 && mkdir "$mine") 2>/dev/null
    if ! owndir "$mine" 'd????-??-*'; then
        echo "${at}warning $mine is not a folder of $(id -un)'s own (a link, or made by another user): this host's slot is shared with this account's sessions only"
        mine=
    fi
fi
shared=1
if [ -z "$mine" ]; then
    shared=0
    mine=$root/slots
    [ -e "$mine" ] || [ -L "$mine" ] || mkdir -m 700 "$mine" 2>/dev/null
    if ! owndir "$mine" 'd???------*'; then
        echo "${at}error cannot use $mine as $(id -un)'s own folder (a link, or another user's)"
        exit 125
    fi
fi
echo "${at}ready"

# held: 0 free, 1 taken, 2 parked (taken, between two tests of this controller; see park). slotfile: the slot's
# lock file; wantfile: where a controller of this account that found the slot busy writes its owner (a redirection,
# no process); waiting: 1 while this agent holds its wait lock (fd 7) for a slot another account holds. Names no job
# uses: a job runs in this shell, with its variables (one that set f took the slot's file from a first version of
# this, and with it the slot: bench/fleet.py, SharedFleetLabTest).
held=0
waiting=0
slotfile=$mine/$slot
wantfile=$slotfile.want

# otherholds SUFFIX: whether another account's session holds a flock on its file SLOT+SUFFIX in the shared place (its
# lock, or its wait lock), while this agent holds its own slot lock: sets holder to that user's name. Looked for only
# when another account's folder has such a file (a glob, no process); then one ls (the inodes: it opens nothing) and a
# read of /proc/locks, where a lock is its device and inode, the device that of this agent's own lock. The folders are
# named by their owners' uids: one whose owner is not the uid it is named by is passed over.
otherholds() {
    holder=
    [ "$shared" = 1 ] || return 1
    sfx=$1
    set --
    for o in "$sp"/*; do
        u=${o##*/}
        case $u in
            "$myuid" | "" | *[!0-9]*) continue ;;
        esac
        if [ -e "$o/$slot$sfx" ] || [ -L "$o/$slot$sfx" ]; then set -- "$@" "$o/$slot$sfx"; fi
    done
    [ $# -gt 0 ] || return 1
    LC_ALL=C ls -ndi "$slotfile" "$@" >"$d/others" 2>/dev/null
    locks=" "
    while read -r _ lk _ _ _ li _; do
        if [ "$lk" = FLOCK ]; then locks="$locks$li "; fi
    done </proc/locks
    dev=
    while read -r ino _ _ _ _ _ _ _ _ lp; do
        [ "$lp" = "$slotfile" ] || continue
        for li in $locks; do
            if [ "${li##*:}" = "$ino" ]; then dev=${li%:*}; fi
        done
    done <"$d/others"
    [ -n "$dev" ] || return 1
    hu=
    while read -r ino lm _ lu _ _ _ _ _ lp; do
        u=${lp%/*}
        u=${u##*/}
        if [ "$lp" = "$slotfile" ] || [ "$lu" != "$u" ]; then continue; fi
        case $lm:$locks in
            -*" $dev:$ino "*) hu=$lu ;;
        esac
    done <"$d/others"
    [ -n "$hu" ] || return 1
    holder=$hu
    while IFS=: read -r pn _ pu _; do
        if [ "$pu" = "$hu" ]; then
            holder=$pn
            break
        fi
    done </etc/passwd 2>/dev/null
    return 0
}

# letgo: gives the slot back, and the wait lock with it.
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
            if [ "$held" = 2 ] && { { [ -n "$wanted" ] && [ "$wanted" != "$owner" ]; } || otherholds .wait; }; then
                # parked while another controller waits: given to it (this controller tries again later)
                letgo
                echo "${at}busy"
            elif [ "$held" != 0 ] || { [ -f "$slotfile" ] && [ ! -L "$slotfile" ] && exec 9<"$slotfile" && flock -n 9; }; then
                # held already (no flock process), or locked now, unless another account holds it too (then let go)
                if [ "$held" = 0 ] && otherholds ""; then
                    letgo
                    if [ "$waiting" = 0 ]; then
                        [ -e "$slotfile.wait" ] || : >>"$slotfile.wait"
                        exec 7<"$slotfile.wait" && flock -n 7 && waiting=1
                    fi
                    echo "${at}busy $holder"
                else
                    held=1
                    if [ "$waiting" = 1 ]; then
                        exec 7<&-
                        waiting=0
                    fi
                    { read -r wanted <"$wantfile"; } 2>/dev/null
                    if [ "$wanted" = "$owner" ]; then : >"$wantfile"; fi 2>/dev/null
                    echo "${at}taken"
                fi
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
            if [ "$held" != 0 ] && { [ -z "$wanted" ] || [ "$wanted" = "$owner" ]; } && ! otherholds .wait; then
                held=2
                echo "${at}parked"
            else
                letgo
                echo "${at}given"
            fi
            ;;
        job\ *)
            n=${cmd#job }
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
            echo "${at}done $?"
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
