package io.iperf3j.session.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.Connection;
import io.iperf3j.session.internal.connect.LocalConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host agent ({@code host-agent.sh}) on this machine as a host: the slot it holds is the host's, whichever
 * controller asks; a controller that is gone (its agent ended) frees it and loses its processes; a live one's are
 * never touched. Each test uses owners and a slot key of its own in the real state root, as hosts do.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostAgentTest {
    private final String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final String slot = "agent-test-" + tag;
    /** The run tag of another controller, on the same host as this test's agents. */
    private final String otherRun = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt() ^ 0x5a5a5a5a);
    /**
     * Held by the tests whose gone owner must be cleaned by their own agent's start: the labs' lane, so that no lab runs
     * beside them, whose agents (root's, sharing /run) would clean it first at their start (CI, stop 79: "cleaned" said to
     * a lab's controller, not the test's).
     */
    private static final String GONE_OWNERS = io.iperf3j.session.lab.NetnsLab.LANE;

    private HostAgent agent(String who) {
        return new HostAgent(new LocalConnection(), "h-" + who, RemoteScripts.owner("h" + who, tag), slot);
    }

    /**
     * Starts {@code sleep 300} with {@code owner}'s mark and its PID file in the owner's state directory, as the agent's jobs
     * start a server; the directory and its {@code live.lock} are made when they are not there (an owner whose agent is
     * gone), an agent's own left as they are.
     */
    private static ProcessHandle markedSleep(String owner) throws Exception {
        String d = RemoteScripts.stateDir(owner);
        Connection.CommandResult r = new LocalConnection().run("mkdir -p " + d + "; : >> " + d + "/live.lock; env "
                + RemoteScripts.ENV_MARK + "=" + owner + " sleep 300 >/dev/null 2>&1 </dev/null & echo $! > " + d + "/$!.pid; echo $!",
                Duration.ofSeconds(10));
        return ProcessHandle.of(Long.parseLong(r.stdout().strip())).orElseThrow();
    }

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    /** An agent whose {@code sh} is {@code shell}: dash (Debian's), or bash as RHEL, Fedora and Arch have it. */
    private HostAgent agentOn(String shell, String who) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("sh-" + shell));
        Path sh = bin.resolve("sh");
        if (!Files.exists(sh, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(sh, Path.of("/bin/" + shell));
        }
        Connection.Wrapper wrapper = new Connection.Wrapper(List.of("env", "PATH=" + bin + ":/usr/bin:/bin"), List.of(), List.of());
        return new HostAgent(new LocalConnection(wrapper), "h-" + who, RemoteScripts.owner("h" + who, tag), slot);
    }

    /**
     * A job is its counted lines, not lines up to an end line: a plan's value that holds newlines, the old end of a job
     * ({@code @@end-job}) and a job after it stays one quoted word of one job, in dash and in bash (on efa9ff2, such a value
     * in {@code args} or {@code address} ran its command as the host's user, with bash as sh). The agent answers after it.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"dash", "bash"})
    void aValueWithNewlinesAndTheOldEndOfAJobStaysOneWordOfOneJob(String shell) throws Exception {
        Path trace = dir.resolve("ran-" + shell);
        String value = "x\n@@end-job\njob\ntouch " + trace + "\n@@end-job\njob 1\ntouch " + trace + "\n";
        try (HostAgent a = agentOn(shell, "f" + shell)) {
            a.start();
            Connection.CommandResult r = a.job("printf '%s\\n' " + Connection.Shell.quote(value) + "\n", Duration.ofSeconds(20), true)
                    .orElseThrow();
            assertThat(r.exitStatus()).as(r.stdout()).isZero();
            assertThat(trace).as("nothing in the value ran").doesNotExist();
            assertThat(r.stdout()).as("the value printed whole, its lines that look like replies marked as output")
                    .isEqualTo("x\n @@end-job\njob\ntouch " + trace + "\n @@end-job\njob 1\ntouch " + trace + "\n\n");
            assertThat(a.take()).as("the agent still answers").isTrue();
            a.give();
        }
    }

    /**
     * The agent's channel runs agent-start.sh, a few hundred bytes; the agent's script (16 KB) comes over the channel's input,
     * which the controller does not keep (issue 69: MINA's exec channel keeps its command, twice, for as long as it is open:
     * 6.5 MiB at 200 hosts). The script's backslashes come whole, and what follows it is the script's own input, in dash and
     * in bash; input cut short of the count runs nothing, and a first line that is no count is refused.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"dash", "bash"})
    void theAgentsScriptComesOverItsInputAndWhatFollowsIsTheAgents(String shell) throws Exception {
        assertThat(RemoteScripts.agentStart().length()).isLessThan(600);
        assertThat(HostAgent.script("o", "10.0.0.1").length()).isGreaterThan(10_000);
        Path trace = dir.resolve("ran-" + shell);
        String script = "a='x\\n'\n  IFS= read -r first\necho \"got $first\"\nprintf '%s\\n' \"$a\"\ntouch " + trace + "\n";
        assertThat(startAgent(shell, HostAgent.counted(script) + "key\nmore\n")).isEqualTo("got key\nx\\n\n");
        assertThat(trace).exists();
        Files.delete(trace);
        String whole = HostAgent.counted(script);
        assertThat(startAgent(shell, whole.substring(0, whole.lastIndexOf("touch")))).as("cut short").isEmpty();
        assertThat(trace).doesNotExist();
        assertThat(startAgent(shell, "touch " + trace + "\n")).isEqualTo("@@error the session's agent got no script\n");
        assertThat(trace).doesNotExist();
    }

    /**
     * A job's nap in the agent (the listen check's, between two looks at a starting server) is slept by the controller: the
     * shell asks with {@code @@nap MS} and reads the line the controller sends after MS, so the host forks no {@code sleep}
     * (a fork and an exec, about once a test: issue 69). Checked with a {@code sleep} on the agent's PATH that writes down
     * each call: none in the agent, in dash and in bash, though the naps take their time; the same naps told not to ask
     * (as on a channel of their own) call it once each. The asks are not the job's output.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"dash", "bash"})
    void aJobsNapInTheAgentIsSleptByTheControllerWithNoSleepProcess(String shell) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("sh-" + shell));
        Path calls = dir.resolve("sleeps-" + shell);
        Path sleep = bin.resolve("sleep");
        Files.writeString(sleep, "#!/bin/sh\necho \"$1\" >> " + calls + "\nexec /bin/sleep \"$@\"\n");
        Files.setPosixFilePermissions(sleep, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        String naps = "quick=1\nnaps=0\nnap\nnap\nnap\nnap\nnap\necho \"naps=$naps\"\n";
        try (HostAgent a = agentOn(shell, "n" + shell)) {
            a.start();
            long start = System.nanoTime();
            Connection.CommandResult r = a.job(naps, Duration.ofSeconds(20), true).orElseThrow();
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(r.exitStatus()).as(r.stdout()).isZero();
            assertThat(r.stdout()).isEqualTo("naps=5\n");
            assertThat(tookMs).as("four naps of 5 ms and one of 20").isGreaterThanOrEqualTo(40);
            assertThat(calls).as("no sleep process in the agent").doesNotExist();
            Connection.CommandResult own = a.job("napask=0\n" + naps + "napask=1\n", Duration.ofSeconds(20), true).orElseThrow();
            assertThat(own.stdout()).isEqualTo("naps=5\n");
            assertThat(Files.readAllLines(calls)).as("naps not asked for").containsExactly("0.005", "0.005", "0.005", "0.005", "0.02");
            assertThat(a.take()).as("the agent still answers").isTrue();
            a.give();
        }
    }

    private static String startAgent(String shell, String input) throws Exception {
        Process sh = new ProcessBuilder("/bin/" + shell, "-c", RemoteScripts.agentStart()).redirectErrorStream(true).start();
        try (var in = sh.getOutputStream()) {
            in.write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(sh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(sh.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /**
     * Lines a job's commands print (a client's output, a server's file, an error) never pass for replies: they lack the
     * agent's key, which no command on the host knows. A job that prints {@code @@done 0}, {@code @@pid 1} and {@code @@gone}
     * goes on to its real end, and none of them is read as a reply.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"dash", "bash"})
    void linesACommandPrintsNeverPassForReplies(String shell) throws Exception {
        try (HostAgent a = agentOn(shell, "g" + shell)) {
            a.start();
            Connection.CommandResult r = a.job("echo '@@done 0'; echo '@@pid 1'; printf 'x\\n@@gone\\n'; echo end; false\n",
                    Duration.ofSeconds(20), true).orElseThrow();
            assertThat(r.exitStatus()).as("the job's own status, after its last line").isEqualTo(1);
            assertThat(r.stdout()).isEqualTo(" @@done 0\n @@pid 1\nx\n @@gone\nend\n");
            assertThat(HostReply.all(r.stdout())).isEmpty();
            assertThat(a.take()).isTrue();
            a.give();
        }
    }

    @Test
    void theSlotIsTheHostsWhicheverControllerAsks() throws Exception {
        try (HostAgent a = agent("a"); HostAgent b = agent("b")) {
            assertThat(a.take()).isTrue();
            assertThat(a.take()).as("taken again by its holder").isTrue();
            assertThat(b.take()).as("another controller's agent").isFalse();
            a.give();
            assertThat(b.take()).isTrue();
            assertThat(a.take()).isFalse();
            b.give();
            assertThat(a.take()).isTrue();
        }
    }

    /**
     * As a session's agents have it, the parked slot's give-back kept by {@link AgentDeadlines} (no thread sleeps for it):
     * another controller finds the slot busy until the park's end, and has it after, not before {@link HostAgent#PARK}; a
     * take of the holder in time keeps it, so the give-back then due gives nothing back.
     */
    @Test
    void aParkedSlotsGiveBackKeptByTheSessionsDeadlinesComesAfterThePark() throws Exception {
        AgentDeadlines deadlines = new AgentDeadlines();
        try (HostAgent a = new HostAgent(new LocalConnection(), "h-a", RemoteScripts.owner("ha", tag), slot, deadlines);
                HostAgent b = agent("b")) {
            assertThat(a.take()).isTrue();
            a.park();
            assertThat(a.take()).as("parked: its controller's again").isTrue();
            a.park();
            long parked = System.nanoTime();
            assertThat(b.take()).as("parked for a").isFalse();
            long deadline = parked + TimeUnit.SECONDS.toNanos(20);
            boolean taken = false;
            while (!taken && System.nanoTime() < deadline) {
                Thread.sleep(50);
                taken = b.take();
            }
            assertThat(taken).as("a's parked slot given back by itself").isTrue();
            assertThat(System.nanoTime() - parked).as("not before the park's end").isGreaterThanOrEqualTo(HostAgent.PARK.toNanos());
            b.give();
            assertThat(a.take()).isTrue();
            a.park();
            assertThat(a.take()).as("taken again in time").isTrue();
            Thread.sleep(HostAgent.PARK.toMillis() + 2 * AgentDeadlines.LOOK.toMillis() + 200);
            assertThat(b.take()).as("the park's give-back, then due, gave nothing: a holds it").isFalse();
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (deadlines.looking() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(deadlines.looking()).as("the agent ended: nothing to watch, the thread ended at its next look").isFalse();
    }

    /**
     * A job runs in the agent's shell, with its variables: one that sets the names the agent uses (the clean-up's loop sets
     * {@code f}) must not take the slot's file from it. A first version kept the slot's file in {@code f}: after a job, a
     * take locked a PID file, and two controllers ran on one host at once (SharedFleetLabTest).
     */
    @Test
    void aJobsVariablesLeaveTheSlotAlone() throws Exception {
        String owner = RemoteScripts.owner("ha", tag);
        try (HostAgent a = agent("a"); HostAgent b = agent("b")) {
            assertThat(a.take()).isTrue();
            Connection.CommandResult clean = a.job(RemoteScripts.inAgent(RemoteScripts.cleanStale(owner) + "f=/dev/null\nw=/dev/null\n"),
                    Duration.ofSeconds(20), true).orElseThrow();
            assertThat(clean.exitStatus()).as(clean.stdout()).isZero();
            a.give();
            assertThat(a.take()).isTrue();
            assertThat(b.take()).as("the slot, taken by a after the job").isFalse();
            a.park();
            assertThat(b.take()).as("b waited: a's park gave the slot back").isTrue();
            assertThat(a.take()).isFalse();
        }
    }

    /**
     * A test's end parks the slot: this controller's next take has it again, while another controller finds it busy; that
     * one's wait is seen (its owner in the slot's want file), so the parked holder yields at its next take, and the
     * waiter then has it. A parked slot that no take of its holder follows is given back by itself.
     */
    @Test
    void aParkedSlotIsItsControllersNextTakeAndYieldsToOneThatWaits() throws Exception {
        try (HostAgent a = agent("a"); HostAgent b = agent("b")) {
            assertThat(a.take()).isTrue();
            a.park();
            assertThat(a.take()).as("parked: its controller's again").isTrue();
            a.park();
            assertThat(b.take()).as("parked for a").isFalse();
            assertThat(a.take()).as("a yields to b, which waits").isFalse();
            assertThat(b.take()).isTrue();
            b.park();
            assertThat(a.take()).as("parked for b").isFalse();
            // b takes nothing more: its parked slot is given back after HostAgent.PARK
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            boolean taken = false;
            while (!taken && System.nanoTime() < deadline) {
                Thread.sleep(100);
                taken = a.take();
            }
            assertThat(taken).as("b's parked slot given back by itself").isTrue();
            a.give();
            assertThat(b.take()).as("given").isTrue();
        }
    }

    /**
     * A test's last job on a host for which no other test of its controller waits (a rotating mesh's next test on a host
     * comes seconds later): the agent gives the slot back as the job exits 0, so another controller has it at once and the
     * test's park sends the host nothing; a park and its give-back were two commands a test (issue 69). While another test
     * waits for the host the slot is parked for it, as before; and a last job that fails keeps the slot for what the
     * controller does next.
     */
    @Test
    void aTestsLastJobGivesTheSlotBackWhenNoOtherTestWaitsForTheHost() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean waits = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (HostAgent a = new HostAgent(new LocalConnection(), "h-a", RemoteScripts.owner("ha", tag), slot, null, waits::get);
                HostAgent b = agent("b")) {
            Duration wait = Duration.ofSeconds(20);
            // another test waits for the host: the slot is kept for it
            assertThat(a.take()).isTrue();
            assertThat(a.streamLast("true\n", wait, line -> { }, () -> { })).isEqualTo(new HostAgent.JobEnd.Exited(0));
            assertThat(a.gaveBackAfterLastJob()).isFalse();
            long sent = a.commandsSent();
            a.park();
            assertThat(a.commandsSent() - sent).as("its park").isEqualTo(1);
            assertThat(a.take()).as("parked: a's next take").isTrue();
            // none waits: the last job gives it back
            waits.set(false);
            long before = a.commandsSent();
            assertThat(a.streamLast("true\n", wait, line -> { }, () -> { })).isEqualTo(new HostAgent.JobEnd.Exited(0));
            assertThat(a.gaveBackAfterLastJob()).isTrue();
            assertThat(b.take()).as("given back by the last job").isTrue();
            a.park();
            assertThat(a.commandsSent() - before).as("the job only: no park, no give").isEqualTo(1);
            assertThat(b.take()).as("a's park took nothing back").isTrue();
            b.give();
            // a last job that fails keeps the slot
            assertThat(a.take()).isTrue();
            assertThat(a.gaveBackAfterLastJob()).as("a take ends the give").isFalse();
            assertThat(a.streamLast("false\n", wait, line -> { }, () -> { })).isEqualTo(new HostAgent.JobEnd.Exited(1));
            assertThat(a.gaveBackAfterLastJob()).isFalse();
            assertThat(b.take()).as("kept after a failed last job").isFalse();
            a.give();
        }
    }

    /**
     * A job that is not a test's last never gives the slot; nor does a last job's own line that says {@code @@given}
     * (without the agent's key it is the job's output).
     */
    @Test
    void onlyTheAgentsOwnReplyAfterALastJobGivesTheSlot() throws Exception {
        try (HostAgent a = new HostAgent(new LocalConnection(), "h-a", RemoteScripts.owner("ha", tag), slot, null, () -> false);
                HostAgent b = agent("b")) {
            Duration wait = Duration.ofSeconds(20);
            assertThat(a.take()).isTrue();
            assertThat(a.stream("true\n", wait, true, line -> { }, () -> { })).isEqualTo(new HostAgent.JobEnd.Exited(0));
            assertThat(b.take()).as("a job that is not the last keeps the slot").isFalse();
            List<String> lines = new java.util.ArrayList<>();
            assertThat(a.streamLast("echo @@given\necho '@@0123 given'\n", wait, line -> lines.add(line.text()),
                    () -> { })).isEqualTo(new HostAgent.JobEnd.Exited(0));
            assertThat(lines).as("the job's own lines, passed on").containsExactly("@@given", "@@0123 given");
            assertThat(b.take()).as("given by the agent after the job").isTrue();
            b.give();
        }
    }

    /**
     * A server's start and kill run in the agent's own shell: the server it starts is its child and gets none of
     * its lock descriptors (with the slot's, a server would hold the host for as long as it runs, after the slot
     * was given back and after its agent ended); the kill ends and reaps it.
     */
    @Test
    void aServerStartedByTheAgentHoldsNoSlotAndItsKillReapsIt() throws Exception {
        String owner = RemoteScripts.owner("ha", tag);
        String out = "server.out";
        try (HostAgent a = agent("a"); HostAgent b = agent("b")) {
            assertThat(a.take()).isTrue();
            // a "server" that listens on nothing: the start's listen check ends at its short deadline
            Connection.CommandResult start = a.job(RemoteScripts.inAgent(RemoteScripts.serverStart(owner, "sleep 300", out, 1,
                    io.iperf3j.Transport.UDP, false, 30, 30)), Duration.ofSeconds(20), true).orElseThrow();
            assertThat(start.exitStatus()).as(start.stdout()).isEqualTo(RemoteScripts.NOT_LISTENING);
            long pid = HostReply.values(start.stdout(), "pid").stream().mapToLong(Long::parseLong).findFirst().orElseThrow();
            ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
            assertThat(server.parent().map(ProcessHandle::pid)).as("the agent's child").isPresent();
            assertThat(Files.readString(Path.of(RemoteScripts.stateDir(owner), "server.pid")).strip()).isEqualTo(Long.toString(pid));
            a.give();
            assertThat(b.take()).as("the slot, with the server still running").isTrue();
            assertThat(server.isAlive()).isTrue();
            b.give();
            Connection.CommandResult kill = a.job(RemoteScripts.inAgent(RemoteScripts.kill(owner, pid)), Duration.ofSeconds(20), true)
                    .orElseThrow();
            assertThat(kill.stdout()).contains("@@gone");
            assertThat(kill.exitStatus()).isZero();
            assertThat(server.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(Files.readString(Path.of(RemoteScripts.stateDir(owner), "server.pid"))).as("emptied, not removed").isEmpty();
            Path zombie = Path.of("/proc", Long.toString(pid));
            assertThat(Files.exists(zombie) ? Files.readString(zombie.resolve("stat")) : "").as("reaped, no zombie").doesNotContain(") Z ");
        }
    }

    @Test
    void anAgentThatEndsFreesTheSlotAndItsDirectory() throws Exception {
        HostAgent a = agent("a");
        try (HostAgent b = agent("b")) {
            assertThat(a.take()).isTrue();
            Path dir = Path.of(RemoteScripts.stateDir(RemoteScripts.owner("ha", tag)));
            assertThat(dir.resolve("live.lock")).exists();
            assertThat(b.take()).isFalse();
            a.close(); // as a controller that dies: its agent's input ends
            assertThat(b.take()).isTrue();
            assertThat(dir).doesNotExist();
        }
    }

    /**
     * A controller that died left a marked process and its directory: the next agent on the host kills the
     * process and removes the directory; a live controller's marked process (its agent runs) is never touched,
     * nor is an unmarked process in a dead one's directory.
     */
    @org.junit.jupiter.api.parallel.ResourceLock(GONE_OWNERS)
    @Test
    void theStartCleansUpAfterTheControllersThatAreGoneOnly() throws Exception {
        String dead = RemoteScripts.owner("hdead", otherRun);
        Connection local = new LocalConnection();
        String d = RemoteScripts.stateDir(dead);
        String liveOwner = RemoteScripts.owner("hlive", otherRun);
        HostAgent live = new HostAgent(new LocalConnection(), "h-live", liveOwner, slot);
        live.start();
        ProcessHandle marked = markedSleep(dead);
        Connection.CommandResult r = local.run("sleep 300 >/dev/null 2>&1 </dev/null & echo $! > " + d + "/$!.pid; echo $!",
                Duration.ofSeconds(10));
        ProcessHandle unmarked = ProcessHandle.of(Long.parseLong(r.stdout().strip())).orElseThrow();
        try (live; HostAgent next = agent("next")) {
            ProcessHandle liveProcess = markedSleep(liveOwner);
            try {
                next.start();
                assertThat(next.takeCleaned()).contains(dead).doesNotContain(liveOwner);
                assertThat(ended(marked)).as("the dead controller's process was killed").isTrue();
                assertThat(Path.of(d)).doesNotExist();
                assertThat(unmarked.isAlive()).as("a process without the mark is never killed").isTrue();
                assertThat(liveProcess.isAlive()).as("a live controller's process").isTrue();
                assertThat(Path.of(RemoteScripts.stateDir(liveOwner), liveProcess.pid() + ".pid")).exists();
            } finally {
                liveProcess.destroyForcibly();
            }
        } finally {
            marked.destroyForcibly();
            unmarked.destroyForcibly();
        }
    }

    /**
     * Another host of the same controller's run on this machine (one machine under two names, or a lab's namespaces that
     * share /run) is not gone, as its controller runs: an agent's start passes over its directory, lock free or not, with
     * no flock process for it, and leaves its marked process alone. An owner of another run with the same node id and a
     * free lock is still gone.
     */
    @org.junit.jupiter.api.parallel.ResourceLock(GONE_OWNERS)
    @Test
    void theStartPassesOverTheOtherHostsOfItsOwnRun() throws Exception {
        String sibling = RemoteScripts.owner("hsibling", tag);
        String gone = RemoteScripts.owner("hsibling", otherRun);
        Connection local = new LocalConnection();
        java.util.List<ProcessHandle> started = new java.util.ArrayList<>();
        try {
            for (String o : java.util.List.of(sibling, gone)) {
                started.add(markedSleep(o));
            }
            try (HostAgent next = agent("next")) {
                next.start();
                assertThat(next.takeCleaned()).contains(gone).doesNotContain(sibling);
                assertThat(ended(started.get(1))).as("the other run's process was killed").isTrue();
                assertThat(started.get(0).isAlive()).as("the same run's process").isTrue();
                assertThat(Path.of(RemoteScripts.stateDir(sibling), started.get(0).pid() + ".pid")).exists();
            }
        } finally {
            started.forEach(ProcessHandle::destroyForcibly);
            local.run("rm -rf " + RemoteScripts.stateDir(sibling), Duration.ofSeconds(10));
        }
    }

    /**
     * An agent whose input ends without a {@code bye} (its controller died, or the connection was lost) only exits:
     * the slot is free at once, its owner's process runs on (a test under a lost connection may still end whole),
     * and the next agent on the host takes it for gone and kills it.
     */
    @org.junit.jupiter.api.parallel.ResourceLock(GONE_OWNERS)
    @Test
    void anInputThatEndsWithoutByeFreesTheSlotAndLeavesTheRunToTheNextAgent() throws Exception {
        String owner = RemoteScripts.owner("hlost", otherRun);
        Connection.RemoteProcess lost = new LocalConnection().startWithInput(HostAgent.script(owner, slot));
        java.io.BufferedReader replies = new java.io.BufferedReader(new java.io.InputStreamReader(lost.stdout()));
        String key = "0123456789abcdef0123456789abcdef";
        lost.stdin().write((key + "\n").getBytes());
        lost.stdin().flush();
        // before it is ready, the agent cleans up after owners gone from this host: another test of this module that ran
        // at the same time may have left one (its agent ended without a bye), which it names in a @@KEY cleaned line
        String first = replies.readLine();
        while (first != null && first.startsWith("@@" + key + " cleaned ")) {
            first = replies.readLine();
        }
        assertThat(first).isEqualTo("@@" + key + " ready");
        lost.stdin().write("take\n".getBytes());
        lost.stdin().flush();
        assertThat(replies.readLine()).isEqualTo("@@" + key + " taken");
        ProcessHandle p = markedSleep(owner);
        try (HostAgent other = agent("other")) {
            assertThat(other.take()).isFalse();
            lost.stdin().close(); // no bye
            assertThat(lost.waitFor(Duration.ofSeconds(10))).isPresent();
            assertThat(other.take()).as("the slot went with the agent").isTrue();
            assertThat(p.isAlive()).as("the run goes on").isTrue();
            try (HostAgent next = agent("next")) {
                next.start();
                assertThat(next.takeCleaned()).contains(owner);
                assertThat(ended(p)).as("the gone owner's process was killed").isTrue();
                assertThat(Path.of(RemoteScripts.stateDir(owner))).doesNotExist();
            }
        } finally {
            p.destroyForcibly();
            lost.close();
        }
    }

    /** The end of an agent at the session's end ({@code bye}) kills what its owner still runs on the host. */
    @Test
    void theEndOfAnAgentKillsItsOwnersProcesses() throws Exception {
        String owner = RemoteScripts.owner("ha", tag);
        HostAgent a = agent("a");
        a.start();
        ProcessHandle p = markedSleep(owner);
        try {
            a.close();
            assertThat(ended(p)).as("the owner's process was killed").isTrue();
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Whether the process ends within 10 s: gone, or a zombie (killed, and not yet reaped by init, which the
     * JDK's {@code onExit} takes for alive).
     */
    private static boolean ended(ProcessHandle p) throws InterruptedException {
        Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                String s = Files.readString(stat);
                if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) {
                    return true;
                }
            } catch (java.io.IOException e) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
