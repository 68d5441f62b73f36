package io.echotag;

import io.echotag.analytics.RealtimeVerticle;
import io.echotag.analytics.RollupVerticle;
import io.echotag.bus.Addresses;
import io.echotag.cluster.Clustering;
import io.echotag.common.Ids;
import io.echotag.config.EchoTagConfig;
import io.echotag.db.Database;
import io.echotag.db.DatabaseTarget;
import io.echotag.db.EmbeddedDatabase;
import io.echotag.db.Migrations;
import io.echotag.http.Failures;
import io.echotag.http.HttpVerticle;
import io.echotag.http.OpsVerticle;
import io.echotag.http.RateLimiter;
import io.echotag.keys.Bootstrap;
import io.echotag.keys.KeyCache;
import io.echotag.metrics.Meters;
import io.echotag.projects.ProjectCache;
import io.echotag.webhooks.Breakers;
import io.echotag.triggers.TriggerGate;
import io.echotag.triggers.TriggerVerticle;
import io.echotag.webhooks.DeliveryHandOver;
import io.echotag.webhooks.DeliveryVerticle;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running gateway: database (embedded or external), migrations, Vert.x with metrics (clustered
 * over Hazelcast when {@code cluster.enabled}), the shared services and the verticles of the roles
 * switched on; a node without the API role still serves {@code /health/*} and {@code /metrics}. {@link #start} blocks until the
 * gateway listens; {@link #stop} undeploys (flushing ingest buffers), closes the pool and stops
 * the embedded database, in that order.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  static final long LAST_USED_FLUSH_MS = 30_000;
  static final long STOP_TIMEOUT_SECONDS = 60;

  private final EchoTagConfig config;
  private final EmbeddedDatabase embedded;
  private final Vertx vertx;
  private final Services services;
  private final List<String> deployments;
  private final String nodeId;

  private Gateway(EchoTagConfig config, EmbeddedDatabase embedded, Vertx vertx, Services services,
                  List<String> deployments, String nodeId) {
    this.config = config;
    this.embedded = embedded;
    this.vertx = vertx;
    this.services = services;
    this.deployments = deployments;
    this.nodeId = nodeId;
  }

  /** Starts everything and returns once the HTTP server listens. Blocking; not for an event loop. */
  public static Gateway start(EchoTagConfig config) throws Exception {
    EmbeddedDatabase embedded = config.database().embedded()
        ? EmbeddedDatabase.start(config.dataDir().resolve("pg"), config.database().embeddedPort(),
            config.database().embeddedWritebackMs())
        : null;
    Vertx vertx = null;
    try {
      DatabaseTarget target = embedded != null ? embedded.target() : DatabaseTarget.fromUrl(config.database().url());
      Migrations.migrate(target);

      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      registry.config().meterFilter(httpHistograms());
      int loops = eventLoops(config.http().instances(), Runtime.getRuntime().availableProcessors(),
          config.database().embedded());
      // Netty's epoll transport where it loads (the jar carries it for Linux x86-64), NIO elsewhere:
      // fewer system calls and copies per socket write (the gateway's CPU per event fell ~10 %).
      VertxOptions options = new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true)
          .setMetricsOptions(new MicrometerMetricsOptions()
              .setEnabled(true)
              .setJvmMetricsEnabled(true)
              .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE,
                  Label.POOL_NAME)));
      vertx = await(Clustering.vertx(Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry)), options,
          config.cluster(), registry));

      Pool pool = Database.pool(vertx, target, config.database(), loops);
      long cacheTtl = config.keys().cacheTtlMs();
      Services services = new Services(config, pool, registry, new Meters(registry),
          new KeyCache(pool, cacheTtl), new ProjectCache(pool, cacheTtl),
          new RateLimiter(config.rateLimit().requestsPerSecond(), config.rateLimit().burst()),
          new Failures(config.retryAfterSeconds()), new Breakers(vertx, config.delivery(), registry),
          new DeliveryHandOver(vertx, pool, config.delivery()),
          new TriggerGate(vertx, pool), new AtomicInteger());

      await(Bootstrap.ensure(vertx, pool, config));
      listenForConfigChanges(vertx, services);
      vertx.setPeriodic(LAST_USED_FLUSH_MS, id -> services.keys().flushLastUsed()
          .onFailure(e -> LOG.debug("Could not record API key use: {}", e.toString())));

      String nodeId = Ids.next("node");
      List<String> deployments = new ArrayList<>();
      if (config.roles().triggers()) {
        deployments.add(await(vertx.deployVerticle(new TriggerVerticle(services))));
      }
      if (config.roles().delivery()) {
        deployments.add(await(vertx.deployVerticle(new DeliveryVerticle(services, services.breakers(), nodeId))));
      }
      if (config.roles().realtime()) {
        deployments.add(await(vertx.deployVerticle(new RealtimeVerticle(services))));
      }
      if (config.roles().api()) {
        deployments.add(await(vertx.deployVerticle(new RollupVerticle(services))));
        deployments.add(await(vertx.deployVerticle(() -> new HttpVerticle(services),
            new DeploymentOptions().setInstances(loops))));
        LOG.info("EchoTag listening on http://{}:{} (node {}, roles {}, transport {}, {} event loop(s))",
            config.http().host(), services.httpPort().get(), nodeId, config.roles().names(), transportName(vertx),
            loops);
      } else {
        // No API on this node, but probes and Prometheus still need an address.
        deployments.add(await(vertx.deployVerticle(new OpsVerticle(services))));
        LOG.info("EchoTag listening on http://{}:{} (node {}, roles {}, transport {}; /health and /metrics only)",
            config.http().host(), services.httpPort().get(), nodeId, config.roles().names(), transportName(vertx));
      }
      return new Gateway(config, embedded, vertx, services, deployments, nodeId);
    } catch (Exception | Error e) {
      if (vertx != null) {
        vertx.close();
      }
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /**
   * Event loops, and as many HTTP verticles: {@code http.instances}, or when it is 0 one per core,
   * except with the embedded database, which runs on the same cores: then half of them, rounded up.
   * At load PostgreSQL needs more CPU than the gateway, and every event crosses both: on 2 cores at
   * 1,000 events/s with a webhook, one loop instead of two cut the CPU of the gateway and of
   * PostgreSQL by about a quarter each (README, Benchmarks).
   */
  static int eventLoops(int configured, int cores, boolean embeddedDatabase) {
    if (configured > 0) {
      return configured;
    }
    return embeddedDatabase ? Math.max(1, (cores + 1) / 2) : cores;
  }

  /** Stops accepting, flushes ingest buffers, closes the pool and Vert.x, stops the embedded database. */
  public void stop() throws Exception {
    LOG.info("EchoTag stopping");
    try {
      // Reverse order: HTTP stops accepting (and flushes) before the engines behind it stop.
      for (int i = deployments.size() - 1; i >= 0; i--) {
        await(vertx.undeploy(deployments.get(i)));
      }
      await(services.keys().flushLastUsed().recover(e -> Future.succeededFuture()));
      await(services.pool().close());
      await(vertx.close());
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
    LOG.info("EchoTag stopped");
  }

  public int port() {
    return services.httpPort().get();
  }

  /** This node's id: the lease owner of the deliveries it claims, and in its start-up log line. */
  public String nodeId() {
    return nodeId;
  }

  /** "epoll" when Netty's native transport loaded (Linux), else "nio". */
  private static String transportName(Vertx vertx) {
    return vertx.isNativeTransportEnabled() ? "epoll" : "nio";
  }

  public Vertx vertx() {
    return vertx;
  }

  public Services services() {
    return services;
  }

  public EchoTagConfig config() {
    return config;
  }

  /** The embedded database, or null when an external one is configured. */
  public EmbeddedDatabase embeddedDatabase() {
    return embedded;
  }

  private static void listenForConfigChanges(Vertx vertx, Services services) {
    vertx.eventBus().<JsonObject>consumer(Addresses.CONFIG_CHANGED, message -> {
      JsonObject change = message.body();
      switch (change.getString("kind", "")) {
        case "key" -> services.keys().invalidate(change.getString("id"));
        case "project" -> services.projects().invalidate(change.getString("id"));
        default -> {
          // other kinds belong to other features' caches
        }
      }
    });
  }

  /** Latency histograms (not only sums) for the HTTP server, so p99 per route can be read in Prometheus. */
  private static MeterFilter httpHistograms() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getName().startsWith("vertx.http.server")) {
          return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
        }
        return config;
      }
    };
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
