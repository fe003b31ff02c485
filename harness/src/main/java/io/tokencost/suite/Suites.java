package io.tokencost.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of suites that {@code run}, the docs and the tests all read. */
public final class Suites {

    private static final Map<String, Suite> ALL = new LinkedHashMap<>();

    static {
        register(new MemorySuite());
        register(new CostSuite());
        register(new QGemvSuite());
        register(new GemmSuite());
        register(new AttentionSuite());
        register(new DecodeSuite());
        register(new PrefillSuite());
        register(new TransformerOpsSuite());
        register(new OpsGridSuite());
    }

    private Suites() {
    }

    private static void register(Suite s) {
        ALL.put(s.id(), s);
    }

    public static List<Suite> all() {
        return List.copyOf(ALL.values());
    }

    /**
     * Parses a comma-separated list into registry order (memory first: the other suites' rows are
     * judged against its measured ceiling); unknown names are an IllegalArgumentException naming the known ones.
     */
    public static List<Suite> parse(String list) {
        List<Suite> out = new ArrayList<>();
        for (String raw : list.split(",")) {
            String id = raw.trim();
            if (id.isEmpty()) {
                continue;
            }
            Suite s = ALL.get(id);
            if (s == null) {
                throw new IllegalArgumentException("unknown suite '" + id + "' (known: " + String.join(", ", ALL.keySet()) + ")");
            }
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no suite named (known: " + String.join(", ", ALL.keySet()) + ")");
        }
        List<Suite> registryOrder = new ArrayList<>(ALL.values());
        out.sort(java.util.Comparator.comparingInt(registryOrder::indexOf));
        return out;
    }
}
