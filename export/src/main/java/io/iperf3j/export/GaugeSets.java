package io.iperf3j.export;

import io.iperf3j.MetricEvent;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest {@link MetricEvent.Gauges} of each source and instance, so that an exposition that
 * replaces the previous one (a Pushgateway PUT, a Prometheus file) still holds every instance,
 * not only the one reported last, and an iperf3 sample's exposition carries them too. At most {@value #MAX_INSTANCES} are kept; beyond that the one
 * updated longest ago is forgotten. Not thread-safe: one owner.
 */
final class GaugeSets {
    /** Source and instance pairs kept at most. */
    static final int MAX_INSTANCES = 1024;

    private final LinkedHashMap<List<String>, MetricEvent.Gauges> latest = new LinkedHashMap<>();

    /** Records {@code g} as its instance's latest and returns every instance's latest, oldest update first. */
    List<MetricEvent.Gauges> update(MetricEvent.Gauges g) {
        List<String> key = List.of(g.source(), g.instance());
        latest.remove(key); // re-insert: the map's order is the order of the last updates
        latest.put(key, g);
        if (latest.size() > MAX_INSTANCES) {
            Iterator<Map.Entry<List<String>, MetricEvent.Gauges>> it = latest.entrySet().iterator();
            it.next();
            it.remove();
        }
        return current();
    }

    /** Every instance's latest set, oldest update first. */
    List<MetricEvent.Gauges> current() {
        return List.copyOf(latest.values());
    }
}
