package io.echotag.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * WebhookBench's command line, validated. Like LoadGen's, every number has an upper bound, so
 * that a run always ends by itself: the latency phase sends at most rate × (warm-up + duration)
 * events, the throughput phase exactly {@code events}, and every wait has a time limit.
 */
record WebhookOptions(
    String url,
    String host,
    int port,
    String key,
    int rate,
    int durationSeconds,
    int warmupSeconds,
    int connections,
    int maxInFlight,
    int events,
    int batchSize,
    int batchConnections,
    int drainTimeoutSeconds,
    int throughputTimeoutSeconds,
    int visitors,
    int eventLoops,
    Path flushProbe) {

  static final String USAGE = String.join("\n",
      "usage: java -cp echotag-bench.jar io.echotag.bench.WebhookBench"
          + " --url http://127.0.0.1:PORT --key KEY [options]",
      "  --url URL                 the gateway's base URL (loopback only: 127.x, localhost, [::1])",
      "  --key KEY                 API key with write scope, sent as 'Authorization: Bearer KEY'",
      "  latency phase (open loop, POST /v1/events):",
      "  --rate N                  events per second, on a fixed schedule (1000)",
      "  --duration S              measured seconds (20)",
      "  --warmup S                seconds of load before measuring starts (5)",
      "  --connections N           keep-alive connections at most; opened as needed (64)",
      "  --max-in-flight N         unanswered requests at most; beyond, sends fall behind (2000)",
      "  --drain-timeout S         how long to wait for the phase's deliveries after the last"
          + " send (60)",
      "  throughput phase (POST /v1/events/batch, as fast as possible):",
      "  --events N                events to ingest (20000)",
      "  --batch-size N            events per batch request, at most 2500 (500)",
      "  --batch-connections N     batch requests in flight (4)",
      "  --throughput-timeout S    how long to wait for all deliveries, from the first send (300)",
      "  other:",
      "  --visitors N              distinct visitor ids to draw from (10000)",
      "  --event-loops N           event loops shared by the sink and the senders (2)",
      "  --flush-probe DIR         during the measured window, time an 8 KB write + fdatasync every"
          + " 5 ms in DIR (a directory on the database's disk) and report it (off)");

  private static final Set<String> FLAGS = Set.of("--url", "--key", "--rate", "--duration",
      "--warmup", "--connections", "--max-in-flight", "--events", "--batch-size",
      "--batch-connections", "--drain-timeout", "--throughput-timeout", "--visitors",
      "--event-loops", "--flush-probe");

  /** The latency phase keeps its sends' times per event (see {@link OpenLoopSender}). */
  static final long MAX_LATENCY_EVENTS = 4_000_000;

  static WebhookOptions parse(String[] args) {
    Map<String, String> flags = toMap(args);
    String url = required(flags, "--url");
    URI uri = URI.create(url);
    if (!"http".equals(uri.getScheme())) {
      throw new IllegalArgumentException("--url must be an http:// URL, got: " + url);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("--url has no valid host: " + url);
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null) {
      throw new IllegalArgumentException(
          "--url is the gateway's base URL (http://HOST:PORT), without a path: " + url);
    }
    String host = Loopback.require(uri.getHost());
    int port = uri.getPort() == -1 ? 80 : uri.getPort();
    WebhookOptions options = new WebhookOptions("http://" + uri.getRawAuthority(), host, port,
        required(flags, "--key"),
        intFlag(flags, "--rate", 1_000, 1, 20_000),
        intFlag(flags, "--duration", 20, 1, 600),
        intFlag(flags, "--warmup", 5, 0, 300),
        intFlag(flags, "--connections", 64, 1, 1024),
        intFlag(flags, "--max-in-flight", 2_000, 1, 20_000),
        intFlag(flags, "--events", 20_000, 1, 1_000_000),
        intFlag(flags, "--batch-size", 500, 1, 2_500),
        intFlag(flags, "--batch-connections", 4, 1, 64),
        intFlag(flags, "--drain-timeout", 60, 1, 3_600),
        intFlag(flags, "--throughput-timeout", 300, 1, 3_600),
        intFlag(flags, "--visitors", 10_000, 1, 100_000_000),
        intFlag(flags, "--event-loops", 2, 1, 16),
        directory(flags, "--flush-probe"));
    if (options.latencyEvents() > MAX_LATENCY_EVENTS) {
      throw new IllegalArgumentException("--rate x (--warmup + --duration) is " + options.latencyEvents()
          + " events; the latency phase keeps ~30 bytes per event and takes at most " + MAX_LATENCY_EVENTS);
    }
    return options;
  }

  /** Events the latency phase sends in all, warm-up included. */
  long latencyEvents() {
    return (long) rate * (warmupSeconds + durationSeconds);
  }

  private static Map<String, String> toMap(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String flag = args[i];
      if (!FLAGS.contains(flag)) {
        throw new IllegalArgumentException("unknown flag: " + flag);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + flag);
      }
      flags.put(flag, args[i + 1]);
    }
    return flags;
  }

  private static Path directory(Map<String, String> flags, String flag) {
    String value = flags.get(flag);
    if (value == null) {
      return null;
    }
    Path path = Path.of(value);
    if (!Files.isDirectory(path) || !Files.isWritable(path)) {
      throw new IllegalArgumentException(flag + " must be a writable directory, got: " + value);
    }
    return path;
  }

  private static String required(Map<String, String> flags, String flag) {
    String value = flags.get(flag);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(flag + " is required");
    }
    return value;
  }

  private static int intFlag(Map<String, String> flags, String flag, int fallback, int min,
      int max) {
    String text = flags.get(flag);
    if (text == null) {
      return fallback;
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, got: " + text);
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(flag + " must be in " + min + ".." + max + ", got: "
          + value);
    }
    return value;
  }
}
