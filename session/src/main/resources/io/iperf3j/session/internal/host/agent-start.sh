# shellcheck shell=sh
# agent-start.sh: what the channel of a controller's agent on a host runs (HostAgent.started). Its first line of
# input is the agent's script's line count, then come those lines (the library and host-agent.sh, as RemoteScripts
# sends them), then the agent's own input. The script came as the command line before issue 69: an exec channel keeps
# its command for as long as it is open (MINA's ChannelExec, as a String and its bytes), 33 KB a host, 6.5 MiB of a
# 200-host controller's live heap. Read a line at a time, as the agent reads its jobs: no byte of the agent's input
# past the script is read here.
exec 2>&1
IFS= read -r n || exit 0
case $n in
    "" | *[!0-9]*)
        echo "@@error the session's agent got no script"
        exit 125
        ;;
esac
s=
i=0
while [ "$i" -lt "$n" ] && IFS= read -r line; do
    s="$s$line
"
    i=$((i + 1))
done
[ "$i" = "$n" ] || exit 0
eval "$s"
