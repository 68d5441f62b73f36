package io.echotag.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The analytics benchmark: loads {@code --events} events spread over the last {@code --days}
 * days into the key's default project through {@code POST /v1/events/batch} (so the rollups are
 * written by the real ingest path), then times {@code GET /v1/analytics?<query>} {@code --runs}
 * times, one request at a time, after {@code --warmup-runs} untimed ones.
 *
 * <p>The events are sessions replayed in time order: each session is one visitor (of
 * {@code --visitors}) with 1 to 15 events a few seconds to a minute apart; 60 % page views over
 * 200 urls (a few popular), then clicks, add_to_cart, signup and purchase (with a revenue).
 *
 * <pre>
 * java -cp bench/target/echotag-bench.jar io.echotag.bench.AnalyticsBench --url http://127.0.0.1:8080 \
 *   --key et_live_... [--events 1000000] [--days 30] [--visitors 50000] [--batch-size 500]
 *   [--connections 4] [--runs 30] [--warmup-runs 5] [--query period=30d] [--load true]
 * </pre>
 * Prints {@code LOADED ...} and one {@code RESULT ...} line per query.
 */
public final class AnalyticsBench {
  private static final String[] TYPES = {"click", "click", "click", "click", "add_to_cart", "add_to_cart",
      "signup", "purchase", "purchase", "search"};

  private AnalyticsBench() {
  }

  public static void main(String[] args) throws Exception {
    String url = arg(args, "--url", null);
    String key = arg(args, "--key", null);
    if (url == null || key == null) {
      throw new IllegalArgumentException("--url and --key are required");
    }
    Loopback.require(URI.create(url).getHost());
    int events = Integer.parseInt(arg(args, "--events", "1000000"));
    int days = Integer.parseInt(arg(args, "--days", "30"));
    int visitors = Integer.parseInt(arg(args, "--visitors", "50000"));
    int batchSize = Integer.parseInt(arg(args, "--batch-size", "500"));
    int connections = Integer.parseInt(arg(args, "--connections", "4"));
    int runs = Integer.parseInt(arg(args, "--runs", "30"));
    int warmupRuns = Integer.parseInt(arg(args, "--warmup-runs", "5"));
    boolean load = Boolean.parseBoolean(arg(args, "--load", "true"));
    List<String> queries = new ArrayList<>();
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--query")) {
        queries.add(args[i + 1]);
      }
    }
    if (queries.isEmpty()) {
      queries.add("period=30d");
    }
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    if (load) {
      load(client, url, key, events, days, visitors, batchSize, connections);
      // The rollups fold commits in after them; the first read after a bulk load waits for the rest.
      HttpRequest first = HttpRequest.newBuilder(URI.create(url + "/v1/analytics?period=7d"))
          .header("Authorization", "Bearer " + key).timeout(Duration.ofMinutes(15)).GET().build();
      long t0 = System.nanoTime();
      HttpResponse<String> answer = client.send(first, HttpResponse.BodyHandlers.ofString());
      System.out.printf("CAUGHT_UP status=%d seconds=%.1f (first read after the load: folds in the rollups' backlog)%n",
          answer.statusCode(), (System.nanoTime() - t0) / 1e9);
    }
    for (String query : queries) {
      measure(client, url, key, query, runs, warmupRuns);
    }
  }

  private static void load(HttpClient client, String url, String key, int events, int days, int visitors,
                           int batchSize, int connections) throws Exception {
    List<String> batches = generate(events, days, visitors, batchSize);
    AtomicInteger next = new AtomicInteger();
    AtomicLong accepted = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    List<Future<?>> lanes = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      lanes.add(pool.submit(() -> {
        for (int b = next.getAndIncrement(); b < batches.size(); b = next.getAndIncrement()) {
          HttpResponse<String> response = client.send(post(url + "/v1/events/batch", key, batches.get(b)),
              HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() != 200) {
            failed.incrementAndGet();
            System.err.println("batch " + b + ": " + response.statusCode() + " " + response.body());
            continue;
          }
          String body = response.body();
          int at = body.indexOf("\"accepted\":") + "\"accepted\":".length();
          int end = at;
          while (end < body.length() && Character.isDigit(body.charAt(end))) {
            end++;
          }
          accepted.addAndGet(Long.parseLong(body.substring(at, end)));
          if (b % 200 == 0) {
            System.err.printf("loaded %d of %d batches%n", b, batches.size());
          }
        }
        return null;
      }));
    }
    for (Future<?> lane : lanes) {
      lane.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("LOADED events=%d accepted=%d failed_batches=%d seconds=%.1f rows_per_s=%.0f%n",
        events, accepted.get(), failed.get(), seconds, accepted.get() / seconds);
    if (failed.get() > 0 || accepted.get() != events) {
      throw new IllegalStateException("the load was not fully accepted");
    }
  }

  /** Sessions in time order over the last {@code days} days, as batch bodies. */
  static List<String> generate(int events, int days, int visitors, int batchSize) {
    Random random = new Random(42);
    long end = Instant.now().minusSeconds(3600).toEpochMilli();
    long start = end - days * 86_400_000L;
    double meanSession = 8;
    long sessions = Math.max(1, (long) (events / meanSession));
    long step = (end - start) / sessions;
    List<String> batches = new ArrayList<>();
    StringBuilder batch = new StringBuilder();
    int inBatch = 0;
    int made = 0;
    long sessionStart = start;
    while (made < events) {
      String visitor = "visitor-" + random.nextInt(visitors);
      int length = Math.min(events - made, 1 + random.nextInt(15));
      long ts = Math.min(end, sessionStart + (long) (random.nextDouble() * step));
      for (int i = 0; i < length; i++) {
        ts += 2_000 + random.nextInt(60_000);
        batch.append(inBatch == 0 ? "{\"events\":[" : ",").append(event(random, visitor, ts));
        made++;
        if (++inBatch == batchSize) {
          batches.add(batch.append("]}").toString());
          batch.setLength(0);
          inBatch = 0;
        }
      }
      sessionStart += step;
    }
    if (inBatch > 0) {
      batches.add(batch.append("]}").toString());
    }
    return batches;
  }

  private static String event(Random random, String visitor, long ts) {
    String timestamp = Instant.ofEpochMilli(ts).toString();
    if (random.nextInt(100) < 60) {
      // A few popular pages, a long tail.
      int page = random.nextInt(100) < 50 ? random.nextInt(10) : random.nextInt(200);
      return "{\"event_type\":\"page_view\",\"visitor_id\":\"" + visitor + "\",\"timestamp\":\"" + timestamp
          + "\",\"data\":{\"url\":\"https://shop.example/p/" + page + "\"}}";
    }
    String type = TYPES[random.nextInt(TYPES.length)];
    String data = type.equals("purchase") ? "{\"revenue\":" + (5 + random.nextInt(200)) + ".5}" : "{}";
    return "{\"event_type\":\"" + type + "\",\"visitor_id\":\"" + visitor + "\",\"timestamp\":\"" + timestamp
        + "\",\"data\":" + data + "}";
  }

  private static void measure(HttpClient client, String url, String key, String query, int runs, int warmupRuns)
      throws Exception {
    double[] ms = new double[runs];
    String source = "";
    String body = "";
    for (int i = -warmupRuns; i < runs; i++) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/analytics?" + query))
          .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(60)).GET().build();
      long t0 = System.nanoTime();
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      long t1 = System.nanoTime();
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET /v1/analytics?" + query + ": " + response.statusCode() + " "
            + response.body());
      }
      source = response.headers().firstValue("X-Analytics-Source").orElse("?");
      body = response.body();
      if (i >= 0) {
        ms[i] = (t1 - t0) / 1e6;
      }
    }
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    System.out.printf("RESULT query=%s source=%s runs=%d p50_ms=%.1f p90_ms=%.1f max_ms=%.1f min_ms=%.1f%n", query,
        source, runs, sorted[runs / 2], sorted[(int) Math.ceil(runs * 0.9) - 1], sorted[runs - 1], sorted[0]);
    System.out.println("ANSWER " + (body.length() > 600 ? body.substring(0, 600) + "..." : body));
  }

  private static HttpRequest post(String url, String key, String body) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
