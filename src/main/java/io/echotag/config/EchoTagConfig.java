package io.echotag.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The gateway's typed configuration. Every key has its default in {@code conf/echotag.json}
 * and an {@code ECHOTAG_*} override (see {@link ConfigLoader}); the README's configuration
 * table lists them all. {@code raw} keeps the merged JSON for features that read their own
 * section.
 */
public record EchoTagConfig(
    Http http,
    Database database,
    Path dataDir,
    String bootstrapKey,
    Ingest ingest,
    RateLimit rateLimit,
    Keys keys,
    int retryAfterSeconds,
    Webhooks webhooks,
    Delivery delivery,
    Triggers triggers,
    Reports reports,
    Roles roles,
    Realtime realtime,
    Cluster cluster,
    JsonObject raw) {

  private static final Pattern API_KEY = Pattern.compile("et_live_[A-Za-z0-9]{32,}");
  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9._-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");

  /**
   * HTTP listener. {@code port} 0 picks a free port; {@code instances} 0 means one event loop per
   * core, half of them (rounded up) with the embedded database.
   */
  public record Http(String host, int port, int instances, long bodyLimit) {
  }

  /**
   * {@code url} empty means the embedded PostgreSQL under {@code data_dir/pg}; its growing table files
   * are written to disk every {@code embeddedWritebackMs} (0 = left to the kernel and checkpoints).
   */
  public record Database(String url, int poolSize, int connectTimeoutMs, int embeddedPort, int embeddedWritebackMs) {
    public boolean embedded() {
      return url.isBlank();
    }
  }

  /** Group commit and ingest limits. */
  public record Ingest(int maxBatch, int lingerMs, int maxInFlight, int batchMaxEvents, long batchBodyLimit,
                       int dataMaxBytes, int idempotencyWindowDays) {
  }

  /** Per-key token bucket. */
  public record RateLimit(boolean enabled, int requestsPerSecond, int burst) {
  }

  /** API key rotation grace and the cache lifetime of a resolved key. */
  public record Keys(long rotationGraceMs, long cacheTtlMs) {
  }

  /** Outbound webhook requests: the address guard switch and timeouts. */
  public record Webhooks(boolean allowPrivateNetworks, int connectTimeoutMs, int timeoutMs, int testTimeoutMs) {
  }

  /** The delivery engine: concurrency, claiming, leases and circuit breakers. */
  public record Delivery(int maxInFlight, int perEndpointInFlight, int batchSize, int pollIntervalMs, int leaseSeconds,
                         int breakerMaxFailures, int breakerResetMs, int recordLingerMs) {
  }

  /** The trigger engine: how often it sweeps for work and due waits, and how much it takes at once. */
  public record Triggers(int pollIntervalMs, int batchSize, int wakeDelayMs) {
  }

  /**
   * Reports: the most rows one answers, the most groups an events report holds while counting, the
   * most events one run reads (more is a 422 asking for a narrower report, not a minute-long
   * request), and how many runs a node streams at once (each holds a pooled connection).
   */
  public record Reports(int maxRows, int maxGroups, long maxEvents, int maxConcurrent) {
  }

  /** Which verticles this process runs, so roles can scale apart. */
  public record Roles(boolean api, boolean triggers, boolean delivery, boolean realtime) {
    /** The roles switched on, e.g. {@code api,delivery} (for the start-up line); {@code none} if none. */
    public String names() {
      List<String> on = new java.util.ArrayList<>();
      if (api) {
        on.add("api");
      }
      if (triggers) {
        on.add("triggers");
      }
      if (delivery) {
        on.add("delivery");
      }
      if (realtime) {
        on.add("realtime");
      }
      return on.isEmpty() ? "none" : String.join(",", on);
    }
  }

  /**
   * Cluster mode: Vert.x clustered over Hazelcast so the event bus (cache invalidations, wake-ups,
   * realtime deltas) spans the replicas. {@code host} empty lets Hazelcast pick the address;
   * {@code busPort} 0 is any free port. Members come from {@code members} (TCP/IP, host:port) or
   * from {@code kubernetesServiceDns} (a headless service), never both.
   */
  public record Cluster(boolean enabled, String name, String host, int port, int busPort, List<String> members,
                        String kubernetesServiceDns) {
  }

  /**
   * Live dashboards: how often snapshots and keep-alive comments go out, how many events each
   * project's replay ring holds, how many unflushed bytes one SSE connection may owe before it is
   * closed, and up to how many distinct visitors a second is counted exactly (a sketch beyond).
   */
  public record Realtime(int snapshotIntervalMs, int keepAliveMs, int replayEvents, int maxBacklogBytes,
                         int exactVisitors) {
  }

  static EchoTagConfig from(JsonObject json) {
    ConfigReader r = new ConfigReader(json);
    EchoTagConfig config = new EchoTagConfig(
        new Http(
            r.string("http.host"),
            r.integer("http.port", 0, 65535),
            r.integer("http.instances", 0, 256),
            r.longValue("http.body_limit", 1024, 1L << 30)),
        new Database(
            r.string("database.url"),
            r.integer("database.pool_size", 1, 500),
            r.integer("database.connect_timeout_ms", 100, 600_000),
            r.integer("database.embedded_port", 0, 65535),
            r.integer("database.embedded_writeback_ms", 0, 60_000)),
        Path.of(r.string("data_dir")),
        r.string("bootstrap_key"),
        new Ingest(
            r.integer("ingest.max_batch", 1, 10_000),
            r.integer("ingest.linger_ms", 0, 1000),
            r.integer("ingest.max_in_flight", 1, 64),
            r.integer("ingest.batch_max_events", 1, 100_000),
            r.longValue("ingest.batch_body_limit", 1024, 1L << 30),
            r.integer("ingest.data_max_bytes", 16, 1 << 24),
            r.integer("ingest.idempotency_window_days", 1, 365)),
        new RateLimit(
            r.bool("rate_limit.enabled"),
            r.integer("rate_limit.requests_per_second", 1, 10_000_000),
            r.integer("rate_limit.burst", 1, 10_000_000)),
        new Keys(
            r.longValue("keys.rotation_grace_ms", 0, 365L * 86_400_000),
            r.longValue("keys.cache_ttl_ms", 0, 86_400_000)),
        r.integer("retry_after_seconds", 1, 3600),
        new Webhooks(
            r.bool("webhooks.allow_private_networks"),
            r.integer("webhooks.connect_timeout_ms", 100, 600_000),
            r.integer("webhooks.timeout_ms", 100, 600_000),
            r.integer("webhooks.test_timeout_ms", 100, 600_000)),
        new Delivery(
            r.integer("delivery.max_in_flight", 1, 10_000),
            r.integer("delivery.per_endpoint_in_flight", 1, 1000),
            r.integer("delivery.batch_size", 1, 10_000),
            r.integer("delivery.poll_interval_ms", 10, 600_000),
            r.integer("delivery.lease_seconds", 1, 3600),
            r.integer("delivery.breaker_max_failures", 1, 1000),
            r.integer("delivery.breaker_reset_ms", 100, 3_600_000),
            r.integer("delivery.record_linger_ms", 0, 10_000)),
        new Triggers(
            r.integer("triggers.poll_interval_ms", 10, 600_000),
            r.integer("triggers.batch_size", 1, 10_000),
            r.integer("triggers.wake_delay_ms", 0, 10_000)),
        new Reports(
            r.integer("reports.max_rows", 1, 100_000),
            r.integer("reports.max_groups", 1, 10_000_000),
            r.longValue("reports.max_events", 1, 1_000_000_000L),
            r.integer("reports.max_concurrent", 1, 1000)),
        new Roles(r.bool("api.enabled"), r.bool("triggers.enabled"), r.bool("delivery.enabled"),
            r.bool("realtime.enabled")),
        new Realtime(
            r.integer("realtime.snapshot_interval_ms", 50, 60_000),
            r.integer("realtime.keep_alive_ms", 100, 600_000),
            r.integer("realtime.replay_events", 0, 100_000),
            r.integer("realtime.max_backlog_bytes", 1024, 1 << 30),
            r.integer("realtime.exact_visitors", 1, 1_000_000)),
        new Cluster(
            r.bool("cluster.enabled"),
            r.string("cluster.name"),
            r.string("cluster.host").trim(),
            r.integer("cluster.port", 1, 65535),
            r.integer("cluster.bus_port", 0, 65535),
            r.strings("cluster.members"),
            r.string("cluster.kubernetes.service_dns").trim()),
        json);
    if (!config.bootstrapKey.isEmpty() && !API_KEY.matcher(config.bootstrapKey).matches()) {
      r.fail("bootstrap_key", "must look like et_live_ followed by at least 32 letters and digits");
    }
    String url = config.database.url;
    if (!url.isBlank() && !url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
      r.fail("database.url", "must start with postgresql:// (got '" + url.replaceAll(":[^:@/]*@", ":****@") + "')");
    }
    checkCluster(r, config.cluster);
    r.throwIfFailed();
    return config;
  }

  private static void checkCluster(ConfigReader r, Cluster cluster) {
    if (!CLUSTER_NAME.matcher(cluster.name).matches()) {
      r.fail("cluster.name", "must be 1 to 64 letters, digits, '.', '_' or '-', got '" + cluster.name + "'");
    }
    for (String member : cluster.members) {
      if (!MEMBER.matcher(member).matches()) {
        r.fail("cluster.members", "each member must be host or host:port, got '" + member + "'");
      }
    }
    if (!cluster.enabled) {
      return;
    }
    boolean tcp = !cluster.members.isEmpty();
    boolean kubernetes = !cluster.kubernetesServiceDns.isEmpty();
    if (tcp && kubernetes) {
      r.fail("cluster.members", "set either cluster.members (TCP/IP) or cluster.kubernetes.service_dns, not both");
    } else if (!tcp && !kubernetes) {
      r.fail("cluster.members", "cluster.enabled needs cluster.members (host:port list) or "
          + "cluster.kubernetes.service_dns (" + ConfigLoader.envName("cluster.kubernetes.service_dns") + ")");
    }
  }
}
