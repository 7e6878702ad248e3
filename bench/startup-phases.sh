#!/usr/bin/env bash
# Where a short client run's wall time goes: `CLIENT -c 127.0.0.1 -p PORT -t 1 --forceflush`
# against one `iperf3 -s` (3.12) this script starts and stops by its PID, each client in turn
# per round (round 1 in the order given, round 2 reversed, ...). Per run it records, in ms
# from the moment the script starts the client:
#   java     the launcher's `exec` of the JVM (strace of execve, iperf3j only)
#   main     Main.main entered          } iperf3j's -Diperf3j.trace.phases lines on stderr
#   handlers signal handlers installed  } (io.iperf3j.internal.engine.PhaseTrace; handlers are
#   parsed   options parsed             }  installed on their own thread, beside the parsing)
#   ctl      control connection up      }
#   params   parameters sent            } (waits for the FFM bindings the control socket needs)
#   running  TEST_RUNNING received      }
#   end      TEST_END sent              }
#   connecting  "Connecting to host" on stdout (the client is about to connect)
#   connected   "[  5] local ... connected to ..." (control exchange done, stream connected)
#   interval    the 0.00-1.00 interval line (one second of test)
#   summary     the receiver's summary line (results exchanged)
#   done        "iperf Done."
#   ended / exit  the test has ended / just before System.exit (iperf3j's trace)
#   gone     the client's stdout closed: the process has exited
# stdout lines are stamped as they arrive through a pipe (bash's EPOCHREALTIME, no fork).
#   bench/startup-phases.sh ROUNDS OUT.tsv NAME=COMMAND ...
#   e.g. bench/startup-phases.sh 8 /tmp/p.tsv "iperf3=iperf3" "iperf3j=env IPERF3J_JAR=/x.jar ./iperf3j"
# (a command that needs an environment variable starts with `env`: strace runs it).
# A summary of medians follows on stdout (python3).
set -euo pipefail
rounds=${1:?rounds}
out=${2:?output tsv}
shift 2
[ $# -gt 0 ] || { echo "startup-phases: give NAME=COMMAND pairs" >&2; exit 1; }
for tool in iperf3 strace python3 ss; do
  command -v "$tool" >/dev/null || { echo "startup-phases: $tool not found (apt-get install $tool)" >&2; exit 1; }
done
names=() cmds=()
for pair in "$@"; do names+=("${pair%%=*}"); cmds+=("${pair#*=}"); done
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
iperf3 -s -p "$port" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.05; done

stamp() { while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done; }

printf 'round\tclient\tjava\tmain\thandlers\tparsed\tctl\tparams\tconnecting\tconnected\trunning\tinterval\tend\tsummary\tdone\tended\texit\tgone\tload1\n' > "$out"
n=${#names[@]}
for ((r = 1; r <= rounds; r++)); do
  order=()
  for ((k = 0; k < n; k++)); do
    if ((r % 2)); then order+=("$k"); else order+=("$((n - 1 - k))"); fi
  done
  for k in "${order[@]}"; do
    sleep 0.3 # the server's moment between tests, as bench/startup.sh gives it
    read -r load1 _ < /proc/loadavg
    t0=$EPOCHREALTIME
    # shellcheck disable=SC2086 # the command is words on purpose (an env assignment, a path, options)
    env IPERF3J_JAVA_OPTS="-Diperf3j.trace.phases=true" strace -ttt -qq -e trace=execve -o "$tmp/strace" \
        ${cmds[$k]} -c 127.0.0.1 -p "$port" -t 1 --forceflush 2> "$tmp/err" | stamp > "$tmp/out"
    t1=$EPOCHREALTIME
    python3 - "$r" "${names[$k]}" "$t0" "$t1" "$load1" "$tmp" >> "$out" <<'EOF'
import re, sys
r, name, t0, t1, load1, tmp = sys.argv[1:]
t0 = float(t0)
ms = lambda t: "%.1f" % ((float(t) - t0) * 1000) if t is not None else "-"
java = None
for line in open(tmp + "/strace"):
    f = line.split()
    if len(f) > 1 and f[1].startswith("execve(") and "/java\"" in f[1] and "= 0" in line:
        java = f[0]
phase = {}
for line in open(tmp + "/err"):
    m = re.match(r"iperf3j-phase ([\w-]+) ([0-9.]+)", line)
    if m:
        phase[m.group(1)] = m.group(2)
ev = {}
for line in open(tmp + "/out"):
    t, _, text = line.rstrip("\n").partition(" ")
    if "Connecting to host" in text: ev.setdefault("connecting", t)
    elif "connected to" in text: ev.setdefault("connected", t)
    elif re.search(r"0\.00-1\.0\d\s+sec", text) and "sender" not in text and "receiver" not in text: ev.setdefault("interval", t)
    elif text.rstrip().endswith("receiver"): ev.setdefault("summary", t)
    elif "iperf Done" in text: ev.setdefault("done", t)
row = [r, name, ms(java), ms(phase.get("main")), ms(phase.get("handlers")), ms(phase.get("parsed")),
       ms(phase.get("control-connected")), ms(phase.get("params-sent")), ms(ev.get("connecting")),
       ms(ev.get("connected")), ms(phase.get("test-running")), ms(ev.get("interval")), ms(phase.get("test-end-sent")),
       ms(ev.get("summary")), ms(ev.get("done")), ms(phase.get("ended")), ms(phase.get("exit")), ms(t1), load1]
print("\t".join(map(str, row)))
EOF
  done
done

python3 - "$out" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
cols = ["java", "main", "handlers", "parsed", "ctl", "params", "connecting", "connected", "running", "interval", "end",
        "summary", "done", "ended", "exit", "gone"]
print("median ms from the client's start (%d rows, load %s-%s):" % (len(rows),
      min(r["load1"] for r in rows), max(r["load1"] for r in rows)))
print("%-16s" % "client" + "".join("%11s" % c for c in cols))
for name in dict.fromkeys(r["client"] for r in rows):
    mine = [r for r in rows if r["client"] == name]
    cells = []
    for c in cols:
        v = [float(r[c]) for r in mine if r[c] != "-"]
        cells.append("%11.1f" % statistics.median(v) if v else "%11s" % "-")
    print("%-16s" % name + "".join(cells))
EOF
