package io.echotag.bench;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The load generator's command line, validated. Every number has an upper bound so that a
 * run always ends by itself and stays within what a laptop-sized test box can take.
 */
record LoadOptions(
    String url,
    String host,
    int port,
    String path,
    String key,
    int connections,
    int durationSeconds,
    int warmupSeconds,
    Mode mode,
    int batchSize,
    int visitors,
    long maxRequests,
    int eventLoops) {

  static final String USAGE = String.join("\n",
      "usage: java -jar echotag-bench.jar --url http://127.0.0.1:PORT/v1/events [options]",
      "  --url URL            target (loopback only: 127.x, localhost, [::1])",
      "  --key KEY            API key, sent as 'Authorization: Bearer KEY' (optional)",
      "  --connections N      keep-alive HTTP/1.1 connections, one request in flight each (64)",
      "  --duration S         measured seconds (20)",
      "  --warmup S           seconds of load before measuring starts (5)",
      "  --mode single|batch  one event per request, or {\"events\": [...]} (single)",
      "  --batch-size N       events per batch request, at most 2500 (100)",
      "  --visitors N         distinct visitor ids to draw from (10000)",
      "  --max-requests N     hard cap on requests sent, warm-up included (100000000)",
      "  --event-loops N      client event loops (1)");

  private static final Set<String> FLAGS = Set.of("--url", "--key", "--connections",
      "--duration", "--warmup", "--mode", "--batch-size", "--visitors", "--max-requests",
      "--event-loops");

  static LoadOptions parse(String[] args) {
    Map<String, String> flags = toMap(args);
    String url = required(flags, "--url");
    URI uri = URI.create(url);
    if (!"http".equals(uri.getScheme())) {
      throw new IllegalArgumentException("--url must be an http:// URL, got: " + url);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("--url has no valid host: " + url);
    }
    String host = Loopback.require(uri.getHost());
    int port = uri.getPort() == -1 ? 80 : uri.getPort();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path = path + "?" + uri.getRawQuery();
    }
    return new LoadOptions(url, host, port, path,
        flags.get("--key"),
        intFlag(flags, "--connections", 64, 1, 1024),
        intFlag(flags, "--duration", 20, 1, 3600),
        intFlag(flags, "--warmup", 5, 0, 600),
        Mode.parse(flags.getOrDefault("--mode", "single")),
        intFlag(flags, "--batch-size", 100, 1, 2500),
        intFlag(flags, "--visitors", 10_000, 1, 100_000_000),
        intFlag(flags, "--max-requests", 100_000_000, 1, 1_000_000_000),
        intFlag(flags, "--event-loops", 1, 1, 16));
  }

  /** Events carried by one request. */
  int eventsPerRequest() {
    return mode == Mode.BATCH ? batchSize : 1;
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
