import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client of bench/admin/run.sh: times {@code GET /admin/users?email_prefix=<p>&limit=50} one
 * request at a time over one keep-alive connection (a single administrator paging through the
 * list), following {@code next_cursor} for a few pages per prefix. Latency is from just before
 * the request is sent to when the whole body is in. A run of warm-up rounds is thrown away first.
 *
 * <pre>
 * java bench/admin/AdminUsersLatency.java &lt;base url&gt; &lt;file holding the bearer token&gt; \
 *      &lt;warm-up rounds&gt; &lt;measured rounds&gt; &lt;pages per prefix&gt; &lt;prefix&gt;...
 * </pre>
 *
 * Prints one Markdown table (overall, by prefix length, first pages against cursor pages) and a
 * line {@code VERDICT ...} against the 50 ms target (GET /admin/roles, timed after each walk, is
 * shown as the floor of an administrator's request and is not in the verdict); exits 1 if any
 * request did not answer 200.
 */
public final class AdminUsersLatency {

    private static final Pattern NEXT_CURSOR = Pattern.compile("\"next_cursor\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern USER = Pattern.compile("\"email\"\\s*:");
    private static final double TARGET_MS = 50.0;

    private record Sample(String prefix, int page, double millis, int users) {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = Files.readString(Path.of(args[1])).trim();
        int warmup = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        int pages = Integer.parseInt(args[4]);
        List<String> prefixes = List.of(args).subList(5, args.length);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        for (int round = 0; round < warmup; round++) {
            for (String prefix : prefixes) {
                walk(client, base, token, prefix, pages, new ArrayList<>());
                floor(client, base, token, new ArrayList<>());
            }
        }
        List<Sample> samples = new ArrayList<>();
        List<Sample> floor = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (String prefix : prefixes) {
                walk(client, base, token, prefix, pages, samples);
                floor(client, base, token, floor);
            }
        }

        Map<String, List<Sample>> groups = new LinkedHashMap<>();
        groups.put("all pages", samples);
        groups.put("1-character prefixes, all pages", samples.stream().filter(s -> s.prefix().length() == 1).toList());
        groups.put("2-character prefixes, all pages", samples.stream().filter(s -> s.prefix().length() == 2).toList());
        groups.put("3+-character prefixes, all pages", samples.stream().filter(s -> s.prefix().length() >= 3).toList());
        groups.put("first pages (no cursor)", samples.stream().filter(s -> s.page() == 1).toList());
        groups.put("following pages (next_cursor)", samples.stream().filter(s -> s.page() > 1).toList());
        System.out.println("| Requests | n | p50 ms | p95 ms | p99 ms | max ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        groups.put("floor: GET /admin/roles (same auth, reads the role table), after each walk", floor);
        groups.forEach((name, list) -> {
            if (!list.isEmpty()) {
                List<Double> sorted = sorted(list);
                System.out.printf("| %s | %d | %.1f | %.1f | %.1f | %.1f |%n", name, list.size(), percentile(sorted, 0.50),
                        percentile(sorted, 0.95), percentile(sorted, 0.99), sorted.get(sorted.size() - 1));
            }
        });
        System.out.println();
        System.out.println("| Prefix | pages walked per round | users on its first page | p50 ms | p99 ms | max ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (String prefix : prefixes) {
            List<Sample> mine = samples.stream().filter(s -> s.prefix().equals(prefix)).toList();
            List<Double> sorted = sorted(mine);
            long walked = mine.stream().filter(s -> s.page() == 1).count();
            int firstPage = mine.stream().filter(s -> s.page() == 1).findFirst().map(Sample::users).orElse(0);
            System.out.printf("| `%s` | %d | %d | %.1f | %.1f | %.1f |%n", prefix, mine.size() / Math.max(1, walked), firstPage,
                    percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.get(sorted.size() - 1));
        }
        List<Double> all = sorted(samples);
        double p95 = percentile(all, 0.95);
        double p99 = percentile(all, 0.99);
        long over = all.stream().filter(ms -> ms >= TARGET_MS).count();
        System.out.println();
        System.out.printf("VERDICT p99 %.1f ms, p95 %.1f ms over %d pages (%d at or over %.0f ms): %s%n", p99, p95, all.size(), over,
                TARGET_MS, p99 < TARGET_MS ? "MET (p99 < 50 ms)" : p95 < TARGET_MS ? "PARTLY MET (p95 < 50 ms, p99 not)" : "MISSED");
    }

    /**
     * The floor of an administrator's request under the same conditions: GET /admin/roles goes
     * through the same bearer-token check and administrator filter and reads two small tables.
     */
    private static void floor(HttpClient client, String base, String token, List<Sample> into)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/admin/roles")).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").timeout(Duration.ofSeconds(30)).GET().build();
        long started = System.nanoTime();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        double millis = (System.nanoTime() - started) / 1e6;
        if (response.statusCode() != 200) {
            System.err.println("GET /admin/roles answered " + response.statusCode() + ": " + response.body());
            System.exit(1);
        }
        into.add(new Sample("", 0, millis, 0));
    }

    /** The first page of the prefix, then up to pages - 1 more through next_cursor. */
    private static void walk(HttpClient client, String base, String token, String prefix, int pages, List<Sample> into)
            throws IOException, InterruptedException {
        String cursor = null;
        for (int page = 1; page <= pages; page++) {
            String uri = base + "/admin/users?email_prefix=" + encode(prefix) + "&limit=50"
                    + (cursor == null ? "" : "&cursor=" + encode(cursor));
            HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json").timeout(Duration.ofSeconds(30)).GET().build();
            long started = System.nanoTime();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            double millis = (System.nanoTime() - started) / 1e6;
            if (response.statusCode() != 200) {
                System.err.println("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
                System.exit(1);
            }
            String body = response.body();
            into.add(new Sample(prefix, page, millis, count(USER.matcher(body))));
            Matcher next = NEXT_CURSOR.matcher(body);
            if (!next.find()) {
                return;
            }
            cursor = next.group(1);
        }
    }

    private static int count(Matcher matcher) {
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static List<Double> sorted(List<Sample> samples) {
        List<Double> millis = new ArrayList<>(samples.stream().map(Sample::millis).toList());
        Collections.sort(millis);
        return millis;
    }

    /** Nearest-rank percentile. */
    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(p * sorted.size()) - 1)));
    }
}
