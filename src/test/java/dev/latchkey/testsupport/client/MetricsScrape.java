package dev.latchkey.testsupport.client;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One scrape of {@code /metrics} as the Prometheus scraper registered in the test configuration
 * (arquillian.xml: {@code latchkey.metrics.scrape-clients=prometheus:<hash of SECRET>}), parsed
 * from the text format into series ({@code name{tag="value",…}}) and their values.
 */
public final class MetricsScrape {

    public static final String CLIENT_ID = "prometheus";
    public static final String SECRET = "it-prometheus-secret-do-not-use-anywhere-else";

    private final Map<String, Double> series;

    private MetricsScrape(Map<String, Double> series) {
        this.series = series;
    }

    public static MetricsScrape of(Http http) {
        HttpResponse<String> response = http.send(http.request("/metrics")
                .header("Authorization", ResourceServerClient.basic(CLIENT_ID, SECRET)).GET());
        assertEquals(200, response.statusCode(), response.body());
        return parse(response.body());
    }

    public static MetricsScrape parse(String text) {
        Map<String, Double> parsed = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            parsed.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return new MetricsScrape(parsed);
    }

    /**
     * The value of one series, by its name and the tags given (in any order; a series with more
     * tags than given must match these and may have others).
     *
     * @throws AssertionError when no series matches, or more than one does
     */
    public double value(String name, String... tags) {
        Map<String, Double> matching = new TreeMap<>();
        series.forEach((key, value) -> {
            if (matches(key, name, tags)) {
                matching.put(key, value);
            }
        });
        assertEquals(1, matching.size(), () -> "series " + name + " " + String.join(",", tags) + " matched: " + matching.keySet());
        return matching.values().iterator().next();
    }

    public boolean has(String name, String... tags) {
        return series.keySet().stream().anyMatch(key -> matches(key, name, tags));
    }

    /** How much a series grew since {@code earlier} (a series that did not exist then grew from 0). */
    public double increaseSince(MetricsScrape earlier, String name, String... tags) {
        double increase = value(name, tags) - (earlier.has(name, tags) ? earlier.value(name, tags) : 0);
        assertTrue(increase >= 0, name + " went down");
        return increase;
    }

    private static boolean matches(String key, String name, String... tags) {
        int brace = key.indexOf('{');
        if (!(brace < 0 ? key : key.substring(0, brace)).equals(name)) {
            return false;
        }
        for (int i = 0; i < tags.length; i += 2) {
            String tag = tags[i] + "=\"" + tags[i + 1] + "\"";
            if (!key.contains("{" + tag) && !key.contains("," + tag)) {
                return false;
            }
        }
        return true;
    }
}
