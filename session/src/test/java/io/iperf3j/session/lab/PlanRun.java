package io.iperf3j.session.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.command.SessionCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code iperf3j session PLAN -o DIR} run in this JVM ({@link SessionCommand#run}) and what it
 * wrote: its exit status, stdout, stderr, the output directory and the lines of its {@code tests.jsonl}.
 */
record PlanRun(int status, String out, String err, Path dir, List<JsonNode> tests) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes {@code yaml} to a new directory under {@code work} (named {@code prefix…}) and runs it with {@code extra} options. */
    static PlanRun of(Path work, String prefix, String yaml, String... extra) throws Exception {
        Path dir = Files.createTempDirectory(work, prefix);
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, yaml);
        Path outDir = dir.resolve("out");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of(plan.toString(), "-o", outDir.toString()));
        args.addAll(List.of(extra));
        int status = SessionCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new PlanRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), outDir,
                tests(outDir));
    }

    /**
     * The complete lines of {@code outDir/tests.jsonl}, read (none when there is no such file). A session that is
     * still running may be writing its last line: a reader can see part of it when the line crosses a page of the
     * file (the kernel copies a write page by page), so only the lines up to the last newline are read.
     */
    static List<JsonNode> tests(Path outDir) throws Exception {
        List<JsonNode> tests = new ArrayList<>();
        Path jsonl = outDir.resolve("tests.jsonl");
        if (Files.exists(jsonl)) {
            byte[] bytes = Files.readAllBytes(jsonl);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            for (String line : new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    tests.add(JSON.readTree(line));
                }
            }
        }
        return tests;
    }
}
