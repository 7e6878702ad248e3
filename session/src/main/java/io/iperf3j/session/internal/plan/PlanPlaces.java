package io.iperf3j.session.internal.plan;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Where a plan's mistake is in its YAML text: the line and column of the place a {@link PlanFile} message
 * starts with ({@code tests[2] (mesh).direction: …} is the value of {@code direction} in the third test;
 * {@code …: unknown key 'durtion'} the key itself; a missing key its map). Why a second reading: Jackson's
 * tree, which {@link PlanFile} checks, keeps no positions; SnakeYAML's node graph (the parser under
 * Jackson's YAML) does, and it is read only once a plan has a mistake, from the text Jackson read
 * without a syntax error. Lines and columns count from 1, as editors do.
 */
final class PlanPlaces {
    /** A place in the text. */
    record Place(int line, int column) {
        @Override
        public String toString() {
            return "line " + line + ", column " + column;
        }
    }

    private static final Pattern STEP = Pattern.compile("\\.?([A-Za-z_][A-Za-z0-9_]*)|\\[(\\d+)]");
    private static final Pattern UNKNOWN_KEY = Pattern.compile(": unknown key '([^']*)'");
    private final org.yaml.snakeyaml.nodes.Node root;

    private PlanPlaces(org.yaml.snakeyaml.nodes.Node root) {
        this.root = root;
    }

    /** The places of {@code yaml}, a text Jackson has read. */
    static PlanPlaces of(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Math.toIntExact(PlanFile.MAX_BYTES) * 4);
        org.yaml.snakeyaml.nodes.Node root;
        try {
            root = new Yaml(options).compose(new StringReader(yaml));
        } catch (RuntimeException e) {
            root = null; // not expected after Jackson's reading; the mistakes are then given at line 1
        }
        return new PlanPlaces(root);
    }

    /** Where the mistake {@code message} is: its place as deep as the text has it, line 1, column 1 at worst. */
    Place place(String message) {
        int colon = message.indexOf(": ");
        String where = (colon < 0 ? message : message.substring(0, colon)).replaceAll(" \\([^)]*\\)", "");
        if (where.equals("plan") || where.startsWith("plan.")) {
            where = where.substring(4);
        }
        org.yaml.snakeyaml.nodes.Node at = root;
        Matcher step = STEP.matcher(where);
        List<String> steps = new ArrayList<>();
        while (step.find()) {
            steps.add(step.group(1) != null ? step.group(1) : "[" + step.group(2));
        }
        Matcher unknown = UNKNOWN_KEY.matcher(message);
        if (unknown.find()) {
            steps.add("?" + unknown.group(1));
        }
        for (String s : steps) {
            org.yaml.snakeyaml.nodes.Node next = child(at, s);
            if (next == null) {
                break;
            }
            at = next;
        }
        if (at == null) {
            return new Place(1, 1);
        }
        Mark m = at.getStartMark();
        return new Place(m.getLine() + 1, m.getColumn() + 1);
    }

    /** The node one step below {@code n}: a list's item ({@code [i}), a map's value ({@code key}) or key ({@code ?key}). */
    private static org.yaml.snakeyaml.nodes.Node child(org.yaml.snakeyaml.nodes.Node n, String step) {
        if (n instanceof SequenceNode list && step.startsWith("[")) {
            int i = Integer.parseInt(step.substring(1));
            return i < list.getValue().size() ? list.getValue().get(i) : null;
        }
        if (n instanceof MappingNode map && !step.startsWith("[")) {
            boolean key = step.startsWith("?");
            String name = key ? step.substring(1) : step;
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(name)) {
                    return key ? t.getKeyNode() : t.getValueNode();
                }
            }
        }
        return null;
    }
}
