# shellcheck shell=sh disable=SC2154
# host-lib.sh: the functions of the session's host scripts. RemoteScripts sends it before each job's
# script (server-start.sh, client-run.sh, kill.sh, ...), after setting the job's variables:
#   owner  this controller's name for the host: the node id and the session's tag (h1+5f3a09c2)
# Shell builtins where they can be (kill -0, read, case, a redirection to empty a file): on a busy host a
# process costs 4-10 ms of CPU, and a test forks only its two iperf and the listen check's ls and awk.
# Every iperf the session starts carries the mark in its environment and has a PID file in $d (the PID
# its content: server.pid and client.pid for a test's two, emptied rather than removed when done, as
# rm is a process); a kill goes to a PID only while /proc/PID/environ shows the mark, so a reused PID,
# or a process this tool did not start, is never hit. Replies are lines starting with $at: @@ on a channel
# of their own, @@KEY in the host agent (host-agent.sh: a key no one else on the host knows, so that no
# line a command prints, a client's output or a process's name, can pass for one), read by HostReply.
#
# The state: every user's own, in a folder no one else may write or read (docs/design/threat-model.md):
# root's in /run/iperf3j-session (/run is root's alone), another user's in ~/.cache/iperf3j-session. It is
# checked before it is used (checkroot: a folder, not a link, the user's own, mode 700, and the folders above
# it writable by no one else), and nothing in it is made readable by others (umask 077).

at=@@
# the effective uid, from the kernel (a builtin read: no id process)
myuid=
while read -r k _ u _; do
    if [ "$k" = Uid: ]; then
        myuid=$u
        break
    fi
done </proc/self/status
if [ "$myuid" = 0 ]; then
    root=/run/iperf3j-session
else
    root=${HOME:-}/.cache/iperf3j-session
fi
umask 077
d=$root/$owner
mark=IPERF3J_SESSION_NODE=$owner

# owndir DIR PATTERN: whether DIR is a folder (not a link) of this user's own whose mode, as ls -l writes it,
# matches PATTERN (a case pattern): one ls process.
owndir() {
    [ -d "$1" ] && [ ! -L "$1" ] && [ -O "$1" ] || return 1
    set -- "$2" "$(LC_ALL=C ls -ldn "$1" 2>/dev/null)"
    # shellcheck disable=SC2254 # the pattern is the caller's
    case ${2%% *} in
        $1) return 0 ;;
    esac
    return 1
}

# safepath DIR [private]: sets sp to DIR's own path, with no link in it (cd -P, pwd -P: builtins, in one subshell), and
# returns 0 when no user but root and this one can change what DIR leads to: every folder on the way, as DIR names it and as
# its own path does, is root's or this user's, and may be written by no one else (a folder above DIR may be so under the
# sticky bit, as /tmp, where no one renames or removes what another made; DIR itself with "private" not even so: the names in
# it are this user's to choose, the image's folder, an unpack's temporary folder and error file); a link on DIR's way is
# followed only when it is root's or this user's. Owners and modes come from one ls -ldn of every step, which follows no
# link at the step it shows. Else sets refused to why not and returns 1. Whoever uses the folder then goes by $sp, not by
# DIR (issue 64: a link of another user's on the way was taken for its target, and re-pointed after the check).
safepath() {
    refused=
    sp=$(cd -P -- "$1" 2>/dev/null && pwd -P) || {
        refused="$1 is not a folder this user can enter"
        return 1
    }
    case $sp:$1 in
        /*:/*) ;;
        *)
            refused="$1 is not an absolute path"
            return 1
            ;;
    esac
    spdir=$1
    spwhich=${2:-}
    spwho=root
    [ "$myuid" = 0 ] || spwho="root or $(id -un)"
    # every step of DIR as named, and of its own path: / and each prefix
    set -- /
    for sproute in "$spdir" "$sp"; do
        spx=
        spr=${sproute#/}
        while [ -n "$spr" ]; do
            spc=${spr%%/*}
            case $spr in
                */*) spr=${spr#*/} ;;
                *) spr= ;;
            esac
            case $spc in
                "" | .) continue ;;
            esac
            spx=$spx/$spc
            set -- "$@" "$spx"
        done
    done
    spls=$(LC_ALL=C ls -ldn -- "$@" 2>/dev/null)
    spk=0
    while read -r spm _ spu _ _ _ _ _ spp; do
        spk=$((spk + 1))
        spp=${spp%% -> *}
        if [ "$spu" != 0 ] && [ "$spu" != "$myuid" ]; then
            refused="$spp is owned by uid $spu, not by $spwho"
            return 1
        fi
        case $spm in
            l*) ;;
            d????-??-*) ;;
            d????????[tT]*)
                if [ "$spp" = "$sp" ] && [ "$spwhich" = private ]; then
                    refused="$spp may be written by a user other than $spwho (mode $spm, sticky): no name in it is safe to use"
                    return 1
                fi
                ;;
            d*)
                refused="$spp may be written by a user other than $spwho (mode $spm)"
                return 1
                ;;
            *)
                refused="$spp is not a folder: refused"
                return 1
                ;;
        esac
    done <<EOF
$spls
EOF
    if [ "$spk" != $# ]; then
        refused="the folders of $spdir could not all be read ($spk of $#)"
        return 1
    fi
}

# imagedir HASH16 [DIR]: sets img to the folder of the iperf3j image whose SHA-256 starts with HASH16: image-HASH16 in DIR
# (a plan's install directory, checked with safepath private) or in the state folder; and checks, right before each start
# of its launcher, that it is a folder of this user's own that no one else may write (owndir). Else says why on stderr and
# returns 125: the launcher is never run from a folder that is not as it was checked (issue 64).
imagedir() {
    if [ -n "${2:-}" ]; then
        if ! safepath "$2" private; then
            echo "iperf3j session: the iperf3j image's folder $2: $refused" >&2
            return 125
        fi
        img=$sp/image-$1
    else
        makestate || return 125
        img=$root/image-$1
    fi
    if ! owndir "$img" 'd????-??-*'; then
        echo "iperf3j session: $img is not a folder of $(id -un)'s own that only it may write: its launcher is not run" >&2
        return 125
    fi
}

# imagerun HASH16 DIR [ARG...]: becomes the iperf3j image's launcher with the ARGs (exec: the PID is iperf3j's own), once
# imagedir checked its folder (DIR "" for the state folder's image); exits 125 saying why when it may not run. The command
# of a node that installs an image (Node.ImageInstall.launcher): its path is resolved and checked at each start, never taken
# from a shell word that a link could change between the check and the start.
imagerun() {
    imagedir "$1" "$2" || exit 125
    shift 2
    exec "$img/bin/iperf3j" "$@"
}

# checkroot: makes the state folder if it is missing (700) and checks it and the folders above it (safepath: /run for root,
# the home's .cache for another user), or sets refused to why not and returns 125; root (and d) become the state folder's
# own path, with no link in it. One subshell and one ls (safepath) and one for the folder: run once by an agent (checked=1),
# and by every script on a channel of its own.
checkroot() {
    refused=
    if [ "$myuid" = 0 ]; then
        base=/run
    else
        case ${HOME:-} in
            /?*) ;;
            *)
                refused="HOME is '${HOME:-}': no private folder for the session's state"
                return 125
                ;;
        esac
        [ -e "$HOME/.cache" ] || [ -L "$HOME/.cache" ] || mkdir -m 700 "$HOME/.cache" 2>/dev/null
        base=$HOME/.cache
    fi
    if ! safepath "$base" private; then
        refused="$base, above the session's state folder: $refused"
        return 125
    fi
    root=$sp/iperf3j-session
    d=$root/$owner
    [ -e "$root" ] || [ -L "$root" ] || mkdir -m 700 "$root" 2>/dev/null
    if ! owndir "$root" 'd???------*'; then
        refused="the session's state folder $root is not a folder of $(id -un)'s own with mode 700 (a link, made by another user, or open to others): refused"
        return 125
    fi
    checked=1
}

# makestate: makes the owner's state folder once (700), or returns 125 saying why. The state root is checked in full
# once a shell (checkroot); the owner's folder each time, with builtins: a folder, not a link, this user's own.
makestate() {
    if [ "${checked:-}" != 1 ] && ! checkroot; then
        echo "iperf3j session: $refused" >&2
        return 125
    fi
    [ -e "$d" ] || [ -L "$d" ] || mkdir -m 700 "$d" 2>/dev/null
    if [ -d "$d" ] && [ ! -L "$d" ] && [ -O "$d" ]; then
        return 0
    fi
    echo "iperf3j session: cannot use $d as $(id -un)'s own folder (missing, a link, or another user's): refused" >&2
    return 125
}

# pstate PID: sets pn to PID's name and ps to its state letter (R, S, Z, ...), both empty when it is gone, from the
# first lines of /proc/PID/status (Name, then State; Umask between them since Linux 4.7). dash's read takes a system
# call a byte: these lines are some 40 bytes where /proc/PID/stat's one line is some 300, and a look cost 30
# microseconds here against 135 (issue 69: the agents' shells made some 3 400 reads a test, most of them these).
pstate() {
    pn=
    ps=
    {
        while read -r pk pv; do
            case $pk in
                Name:) pn=$pv ;;
                State:)
                    ps=${pv%% *}
                    break
                    ;;
            esac
        done <"/proc/$1/status"
    } 2>/dev/null
}

# owned PID [MARK]: whether PID runs (kill -0 and its state, builtins: a PID that is gone, or a zombie,
# costs no process) and carries MARK, this owner's by default, in its environment. A process just
# started may not have exec'd its command yet: its environment is then still its parent's, without the
# mark, so one that runs unmarked is looked at again, up to 0.5 s (a stop that came right after a start
# found its iperf unmarked, took it for another's and left it running: HostAgentTest, 7 of 40 tries).
owned() {
    ow=0
    while kill -0 "$1" 2>/dev/null; do
        pstate "$1"
        case $ps in
            "" | Z) return 1 ;;
        esac
        if tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | grep -qx "${2:-$mark}"; then return 0; fi
        [ "$ow" -lt 5 ] || return 1
        sleep 0.1
        ow=$((ow + 1))
    done
    return 1
}

# tree PID: sets t to PID and its descendants, from the kernel's /proc/PID/task/TID/children lists
# (builtins only: a process without children, as iperf is, costs no process). Why the descendants:
# the command a host runs for iperf may be a launcher that forks (sudo, a wrapper script); a KILL to it
# alone leaves its iperf running for good. They are taken before any signal, so none is lost to
# reparenting, and need not carry the mark (sudo clears the environment).
tree() {
    t=$1
    n=$1
    while [ -n "$n" ]; do
        m=
        for x in $n; do
            for c in /proc/"$x"/task/*/children; do
                k=
                if [ -r "$c" ]; then read -r k <"$c"; fi
                m="$m $k"
            done
        done
        n=
        for k in $m; do n="$n $k"; done
        t="$t$n"
    done
}

# alive: whether one of $t still runs (a zombie does not).
alive() {
    for x in $t; do
        pstate "$x"
        case $ps in
            "" | Z) ;;
            *) return 0 ;;
        esac
    done
    return 1
}

# stoptree: TERM (and CONT, so a stopped process sees it) to all of $t, up to 3 s for them to end, then KILL.
stoptree() {
    [ -n "$t" ] || return 0
    for x in $t; do
        kill -TERM "$x"
        kill -CONT "$x"
    done 2>/dev/null
    i=0
    while alive && [ "$i" -lt 30 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if alive; then
        for x in $t; do kill -KILL "$x"; done 2>/dev/null
        sleep 0.2
    fi
}

# cleanowner DIR OWNER: kills every process with a PID file in DIR that carries OWNER's mark, with its
# descendants, all at once, TERM first (a KILL at once gave a launcher no chance to end its child);
# empties the PID files; prints @@killed PID for each. With nothing running it forks no process.
cleanowner() {
    all=
    for f in "$1"/*.pid; do
        [ -s "$f" ] || continue
        p=
        { read -r p <"$f"; } 2>/dev/null
        if [ -n "$p" ] && owned "$p" "IPERF3J_SESSION_NODE=$2"; then
            tree "$p"
            all="$all $t"
            echo "${at}killed $p"
        fi
        : >"$f"
    done
    t=$all
    stoptree
    true
}

# forget PID: empties the PID file of this owner that names PID.
forget() {
    for f in "$d"/*.pid; do
        q=
        { read -r q <"$f"; } 2>/dev/null
        if [ "$q" = "$1" ]; then : >"$f"; fi
    done
}

# killone PID: kills one PID of this owner with its descendants (stoptree); prints @@gone or @@alive.
killone() {
    p=$1
    if owned "$p"; then
        tree "$p"
        stoptree
    fi
    forget "$p"
    if owned "$p"; then
        echo "${at}alive"
    else
        wait "$p" 2>/dev/null
        echo "${at}gone"
    fi
}

# awaitexit PID TENTHS: waits up to TENTHS tenths of a second for PID (of this owner) to end by itself.
awaitexit() {
    i=0
    while owned "$1" && [ "$i" -lt "$2" ]; do
        sleep 0.1
        i=$((i + 1))
    done
}

# startbg OUT [NAME]: starts the job's command (the function run, which execs it with the mark) in the
# background, its output to OUT; sets p (its PID) and pf (its PID file: NAME.pid, or PID.pid); prints @@pid,
# then @@out OUT (where the output is, for a copy over SFTP: the controller knows the state folder's name only from here).
# The command gets none of the agent's lock descriptors (8, 9): a lock it inherited would outlive the agent.
startbg() {
    makestate || return
    run >"$1" 2>&1 </dev/null 7>&- 8>&- 9>&- &
    p=$!
    pf=$d/${2:-$p}.pid
    echo "$p" >"$pf"
    echo "${at}pid $p"
    echo "${at}out $1"
}

# runhere: becomes the job's command (exec: the PID this shell has, no process forked), its output on this
# channel, after it wrote that PID to client.pid and printed @@pid on stderr. The channel's exit status is
# the command's own.
runhere() {
    makestate || exit 125
    echo "$$" >"$d/client.pid"
    echo "${at}pid $$" >&2
    run </dev/null
}

# tick: sets t to the uptime in hundredths of a second (read: a builtin, no process).
tick() {
    read -r t _ </proc/uptime
    t=${t%.*}${t#*.}
}

# probe PID...: one look at the job's port, then at those processes, in three processes (no subshell).
# Sets l to the socket inodes listening on the port, and m to " INODE ... " of the sockets open in the
# processes, with @@unreadable when this user may not list the descriptors of one.
# The port first, into $d/port, then the descriptors: a socket that listens when the port is looked at is
# open when its process's descriptors are listed after, so a server that starts between the two looks is
# not taken for another process (it was, with the tables read last: the listen check then read every
# process's stat, bench/fleet.py, stop 53).
# The port: a TCP port (lstate 0A) from ss in state listening, whose kernel query walks the listening
# sockets only; /proc/net/tcp is a walk of the whole established-connection hash, 8.5 ms of CPU for tcp
# and tcp6 on a host with 24 GiB (262 144 buckets), whatever the host's traffic (perf: 20 % of a 48-host
# mesh's CPU). Where ss is missing or fails (BusyBox, toybox), and for UDP (lstate 07, bound), awk reads
# the tables lfiles names for the port lhex (hex as /proc/net writes it), with getline, which skips a
# missing one (a host without IPv6 still gets the IPv4 table), and writes what ss would: ino:INODE.
# "May not list" is read from ls's own words in the C locale (Permission denied, Operation not permitted),
# not from its status: ls -l also fails when a descriptor closes between its readdir and its lstat, which a
# starting JVM does all the time, and that must not count as "cannot see". awk's answer goes through a
# file of $d to this shell's read.
probe() {
    dirs=
    for q in "$@"; do dirs="$dirs /proc/$q/fd"; done
    if [ "$lstate" = 0A ] && command -v ss >/dev/null 2>&1 \
        && ss -tne state listening "sport = :$lport" >"$d/port" 2>/dev/null; then
        :
    else
        awk -v hex="$lhex" -v state="$lstate" -v files="$lfiles" 'BEGIN {
            k = split(files, f, " ")
            for (i = 1; i <= k; i++) {
                while ((getline x < f[i]) > 0) {
                    split(x, w, " ")
                    n = split(w[2], a, ":")
                    if (a[n] == hex && w[4] == state) print "ino:" w[10]
                }
                close(f[i])
            }
        }' >"$d/port" 2>/dev/null </dev/null
    fi
    # shellcheck disable=SC2012,SC2086 # ls -l shows the links' targets on GNU, BusyBox and toybox alike; a list of directories
    LC_ALL=C ls -l $dirs 2>&1 | awk -v port="$d/port" '
        BEGIN { while ((getline x < port) > 0) if (match(x, /ino:[0-9]+/)) l = l " " substr(x, RSTART + 4, RLENGTH - 4) }
        /^ls: .*(Permission denied|Operation not permitted)$/ { u = 1; next }
        match($0, /socket:\[[0-9]+\]/) { m = m " " substr($0, RSTART + 8, RLENGTH - 9) }
        END {
            print l
            print m (u ? " @@unreadable" : "")
        }' >"$d/probe" 2>/dev/null
    l=
    m=
    { read -r l; read -r m; } <"$d/probe"
    m=" $m "
}

# family: $p and its descendants (a launcher that forks rather than execs still counts), parents read
# from /proc/PID/stat after the ")" that ends the command name (which may hold spaces). Reading every
# process's stat costs 20-50 ms of CPU on a busy host: the check reads it only when a listener is not $p's.
family() {
    cat /proc/[0-9]*/stat 2>/dev/null | awk -v p="$p" '{ q = $1; sub(/.*\) /, ""); up[q] = $2 }
        END { f[p] = 1; c = 1; while (c) { c = 0; for (q in up) if (!(q in f) && (up[q] in f)) { f[q] = 1; c = 1 } }
              for (q in f) print q }'
}

# classify: splits the listeners $l into the server's (ours=1) and the others' ($other), by the socket
# inodes $m lists.
classify() {
    other=
    ours=0
    for i in $l; do
        case $m in
            *" $i "*) ours=1 ;;
            *) other="$other $i" ;;
        esac
    done
}

# holders INODE...: prints @@holder PID NAME for each process holding one of the sockets.
holders() {
    # shellcheck disable=SC2012 # ls -l shows the links' targets on GNU, BusyBox and toybox alike; find -printf is GNU's
    ls -l /proc/[0-9]*/fd 2>/dev/null | awk -v want=" $* " '/^\/proc\/[0-9]+\/fd:$/ { split($0, a, "/"); q = a[3]; next }
        match($0, /socket:\[[0-9]+\]/) && index(want, " " substr($0, RSTART + 8, RLENGTH - 9) " ") && !seen[q]++ { print q }' |
        while read -r q; do
            nm=
            { read -r nm <"/proc/$q/comm"; } 2>/dev/null
            echo "${at}holder $q $nm"
        done
}

# sockets PID...: sets s to " INODE ... " of the sockets the processes hold, from their descriptors ([ -S ]) and the
# ino line of their fdinfo (Linux 5.14 and later): builtins only, no process. Returns 1 when it cannot tell: a
# process whose descriptors this user may not read (none of them can be followed), or a kernel whose fdinfo has no
# ino. A descriptor that closes under the look is passed over.
sockets() {
    s=" "
    for q in "$@"; do
        seen=0
        for f in /proc/"$q"/fd/*; do
            if [ -S "$f" ]; then
                seen=1
                i=
                n=0
                while read -r k v; do
                    n=1
                    if [ "$k" = ino: ]; then
                        i=$v
                        break
                    fi
                done 2>/dev/null <"/proc/$q/fdinfo/${f##*/}"
                if [ -n "$i" ]; then
                    s="$s$i "
                elif [ "$n" = 1 ]; then
                    return 1
                fi
            elif [ -e "$f" ]; then
                seen=1
            fi
        done
        [ "$seen" = 1 ] || return 1
    done
}

# ownlistener: whether the first listener on the port (lhex) in the TCP tables lquick names, in that order, is one of
# the sockets $s. The tables are read a line at a time (read, a builtin), and the reading stops at that listener:
# a table lists its listening sockets first, and the kernel makes each line as it is read (one line ahead), so a stop
# there spares the walk of the established-connection hash that reading a table to its end costs (probe), unless
# that listener is the table's last (the line after it is that walk: docs/design/session.md). It returns 1 at the
# first listener on the port that is not one of $s, and at the end of a table's listeners (its first line in
# another state, which costs that walk), leaving the answer to probe.
ownlistener() {
    for tf in $lquick; do
        while read -r _ la _ st _ _ _ _ _ ino _; do
            case $st in
                st) continue ;;
                0A) ;;
                *) break ;;
            esac
            [ "${la##*:}" = "$lhex" ] || continue
            case $s in
                *" $ino "*) return 0 ;;
                *) return 1 ;;
            esac
        done 2>/dev/null <"$tf"
    done
    return 1
}

# nap: sleeps between two looks: while the quick look may still tell, 5 ms four times, 20 ms four times, then
# 100 ms (iperf3 listens a few ms after its start, a JVM's server some 100 ms after); between full looks, 100 ms.
# In the host's agent (napask=1, host-agent.sh) the controller sleeps for it: the shell asks with @@nap MS and reads
# the empty line the controller sends back after MS (HostAgent.stream), which costs the host no process, where sleep
# is a fork and an exec (0.9 ms of CPU, some once a test: issue 69). Its input ended (the controller is gone), it
# sleeps itself from then on.
nap() {
    [ "$quick" = 1 ] || naps=8
    case $naps in
        0 | 1 | 2 | 3) ms=5 secs=0.005 ;;
        4 | 5 | 6 | 7) ms=20 secs=0.02 ;;
        *) ms=100 secs=0.1 ;;
    esac
    naps=$((naps + 1))
    if [ "${napask:-0}" = 1 ]; then
        echo "${at}nap $ms"
        if IFS= read -r _; then
            return 0
        fi
        napask=0
    fi
    sleep "$secs"
}

# awaitlistener DEADLINE TAKEN: waits until the server $p (a child of this shell) is the one listening on
# the job's port: every listener on it is one of the server's (or its family's) sockets. Returns 0 when it
# is (@@listening; with @@unverified when its descriptors could not be read: a listener is then taken for
# its); 3 when it ended first (@@exited and its own status from wait; its PID file $pf emptied, as no kill
# will come for it); 5 when another process listens too (@@shared), or alone for TAKEN hundredths of a
# second (a server that cannot bind exits at once, so that only covers a slow start), or at the deadline; 4 when
# nothing listened within DEADLINE hundredths (and the server, looked at once more then, still runs). Holders of a
# foreign listener are named on the way out. The statuses are RemoteScripts' LISTENING, EXITED, TAKEN and NOT_LISTENING.
# Two looks. The quick one, for TCP, in builtins only: the server's sockets (sockets, over $p and its
# descendants) and the port's first listener (ownlistener), made only while the server sleeps (state S in
# /proc/PID/status, pstate: a server that listens waits for its client; one that runs may be between its socket and its
# listen, where the look would read past the table's listeners); while the server has no socket, or has not yet
# exec'd its command (its name in /proc/PID/status is still this shell's), or runs, it waits (nap) with no other
# look. It says "listening" only; anything else it leaves to the full look (probe: ss or the tables, then ls and
# awk), which runs when the quick one cannot tell, and every 500 ms while the quick look cannot yet (no socket, not
# exec'd, running), as a server that never gets one (it waits on a port another process holds) must still be told
# from a slow start. Not every 100 ms: a host busy enough that its server takes over 100 ms to listen paid a full look,
# three processes, each 100 ms of that start (stop 86: 0.8-1.0 processes a test at 96 hosts on two cores), for what only
# a foreign listener needs, whose wait (TAKEN) is seconds. Once the quick look has failed (quick=0), only full looks
# are made (a launcher such as sudo holds sockets of its own).
# The quick look costs a test no process beside the naps' sleep: ss, ls and awk were half of what a test
# cost its hosts beyond iperf3 (perf, bench/fleet.py, stop 54).
awaitlistener() {
    tick
    end=$((t + $1))
    look=$((t + 50))
    taken=0
    other=
    naps=0
    quick=0
    [ "$lstate" != 0A ] || quick=1
    pstate $$
    me=$pn
    while :; do
        if serverended; then
            return 3
        fi
        if [ "$quick" = 1 ] && [ "$pn" != "$me" ] && [ "$ps" = S ]; then
            tree "$p"
            # shellcheck disable=SC2086 # a list of PIDs
            if ! sockets $t; then
                quick=0
            elif [ "$s" != " " ]; then
                if ownlistener; then
                    echo "${at}listening"
                    return 0
                fi
                quick=0
            fi
        fi
        tick
        if [ "$quick" = 0 ] || [ "$t" -ge "$look" ]; then
            look=$((t + 50))
            probe "$p"
            other=
            ours=0
            if [ -n "$l" ]; then
                classify
                if [ -n "$other" ]; then
                    # shellcheck disable=SC2046 # family's PIDs, one a word
                    probe $(family)
                    classify
                fi
                if [ "$ours" = 1 ] && [ -z "$other" ]; then
                    echo "${at}listening"
                    return 0
                fi
                if [ "$ours" = 1 ]; then
                    echo "${at}shared"
                    # shellcheck disable=SC2086
                    holders $other
                    return 5
                fi
                case $m in
                    *@@unreadable*)
                        echo "${at}listening"
                        echo "${at}unverified"
                        return 0
                        ;;
                esac
            fi
            tick
            if [ -n "$other" ]; then
                [ "$taken" != 0 ] || taken=$((t + $2))
                if [ "$t" -ge "$taken" ]; then
                    # shellcheck disable=SC2086
                    holders $other
                    return 5
                fi
            fi
        fi
        if [ "$t" -ge "$end" ]; then
            # The deadline: a last look at the server first. A look that ran late (a host so busy that its ss, ls and
            # awk took seconds) may have passed the deadline while the server ended: it said why ("address already in
            # use"), and is told as ended, not as "not listening" (CI, 2026-12-02). A foreign listener the last full
            # look saw is the port's holder, though its wait (TAKEN) has not run out.
            if serverended; then
                return 3
            fi
            if [ -n "$other" ]; then
                # shellcheck disable=SC2086
                holders $other
                return 5
            fi
            return 4
        fi
        nap
    done
}

# serverended: looks at the server $p (pstate: sets pn and ps); returns 1 while it runs. When it ended before it
# listened (gone, or a zombie): prints @@exited with its own status (wait), empties its PID file $pf (no kill will
# come for it), names the holders of a listener on the port, if any, and returns 0.
serverended() {
    pstate "$p"
    case $ps in
        "" | Z) ;;
        *) return 1 ;;
    esac
    wait "$p"
    s=$?
    [ -z "${pf:-}" ] || : >"$pf"
    echo "${at}exited $s"
    probe "$p"
    # shellcheck disable=SC2086 # a list of inodes
    [ -z "$l" ] || holders $l
}
