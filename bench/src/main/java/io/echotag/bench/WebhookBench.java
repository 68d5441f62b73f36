package io.echotag.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Webhook delivery benchmark for the EchoTag gateway. See bench/README.md.
 *
 * <p>In one JVM: a webhook sink (an HTTP server on 127.0.0.1), a webhook subscribed to every
 * event type pointing at it, then two phases. The latency phase sends single events open loop
 * at a fixed rate and measures ingest-sent → webhook-received latency; the throughput phase
 * ingests a fixed number of events in batches as fast as possible and measures how fast the
 * gateway delivers them all. The webhook is deleted at the end.
 *
 * <p>Exit status: 0 when every expected delivery arrived, 3 when some did not within the time
 * bounds (the figures are printed anyway), 1 when the run failed (no webhook, nothing ingested,
 * nothing delivered), 2 for a bad command line.
 */
public final class WebhookBench {

  static final int EXIT_INCOMPLETE = 3;
  private static final long SETUP_TIMEOUT_S = 30;
  /** The flush probe ends with the measured window, long before the deliveries are drained. */
  private static final long PROBE_JOIN_MS = 10_000;
  /** On SIGTERM / Ctrl-C there is little time: whoever stops us waits only so long. */
  private static final long SHUTDOWN_DELETE_S = 5;
  private static final long POLL_MS = 100;
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final WebhookOptions options;
  private final BadAnswers badAnswers = new BadAnswers();

  private WebhookBench(WebhookOptions options) {
    this.options = options;
  }

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(WebhookOptions.USAGE);
      return;
    }
    WebhookOptions options;
    try {
      options = WebhookOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("webhookbench: " + e.getMessage());
      System.err.println(WebhookOptions.USAGE);
      System.exit(2);
      return;
    }
    System.exit(new WebhookBench(options).run());
  }

  /**
   * What the latency phase sent, what the sink received of its measured window, and the disk's
   * flush latency over that window (null unless {@code --flush-probe}).
   */
  record Latency(OpenLoopSender.Result sent, WebhookSink.Phase delivered, FlushProbe.Result flush) {
  }

  /**
   * What the throughput phase sent, what the sink received of it, and how many deliveries of
   * the latency phase were still outstanding when it began.
   */
  record Throughput(BatchSender.Result sent, WebhookSink.Phase delivered, long backlogAtStart) {
  }

  private int run() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops()));
    HttpClientAgent api = vertx.createHttpClient(StampedEvents.clientOptions());
    // Deleted exactly once: by the finally below, or by the hook when the JVM is stopped early.
    AtomicReference<String> webhook = new AtomicReference<>();
    Thread hook = new Thread(() -> deleteWebhook(api, webhook.getAndSet(null), SHUTDOWN_DELETE_S));
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      WebhookSink sink = new WebhookSink();
      await(vertx.deployVerticle(sink), SETUP_TIMEOUT_S);
      System.out.println("sink listening on " + sink.url());
      webhook.set(createWebhook(api, sink.url()));
      System.out.println("webhook " + webhook.get() + " -> " + sink.url() + " (events [\"*\"])");

      Latency latency = latencyPhase(vertx, sink);
      Throughput throughput = throughputPhase(vertx, sink, latency.sent());
      WebhookReport report = new WebhookReport(options, latency, throughput, sink.totals());
      report.print();
      if (!report.somethingDelivered()) {
        System.err.println("webhookbench: a phase ingested or delivered nothing");
        return 1;
      }
      return report.complete() ? 0 : EXIT_INCOMPLETE;
    } catch (ExecutionException e) {
      System.err.println("webhookbench: " + e.getCause());
      return 1;
    } catch (TimeoutException e) {
      System.err.println("webhookbench: a step did not finish within its time bound");
      return 1;
    } catch (Exception e) {
      System.err.println("webhookbench: " + e);
      return 1;
    } finally {
      deleteWebhook(api, webhook.getAndSet(null), SETUP_TIMEOUT_S);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is already running (or ran); nothing is left for it to do.
      }
      closeQuietly(vertx);
    }
  }

  // ---------------------------------------------------------------- phases

  private Latency latencyPhase(Vertx vertx, WebhookSink sink) throws Exception {
    System.out.printf("latency phase: %d events/s open loop over at most %d connections,"
            + " %d s warm-up + %d s measured%n", options.rate(), options.connections(),
        options.warmupSeconds(), options.durationSeconds());
    // One schedule: the warm-up runs straight into the measured seconds over the same keep-alive
    // connections. (Run as two schedules with a drain between them, the measured seconds began
    // from an idle gateway and an empty connection pool: their first second opened connections
    // under load and showed waits of 100-300 ms that a steady stream of events never sees.) The
    // warm-up is long enough for the gateway to have caught up with its JIT-cold start by then.
    FlushProbe probe = options.flushProbe() == null ? null : new FlushProbe(options.flushProbe());
    OpenLoopSender.Result sent = send(vertx, sink, probe);
    System.out.printf("latency phase: sending done (%d acknowledged 2xx, %d of them in the"
        + " measured window), waiting up to %d s for their deliveries%n", sent.ok(),
        sent.okInWindow(), options.drainTimeoutSeconds());
    // Every delivery of the phase: the throughput phase should not start behind a backlog.
    awaitDeliveries("latency",
        () -> sink.latencyReceived() >= sent.okInWindow()
            && sink.latencyPhaseReceived() >= sent.ok(),
        () -> sink.latencyPhaseReceived() + " of " + sent.ok(),
        System.nanoTime() + TimeUnit.SECONDS.toNanos(options.drainTimeoutSeconds()));
    return new Latency(sent, sink.latency(), probe == null ? null : probe.await(PROBE_JOIN_MS));
  }

  /**
   * Runs the latency phase's open-loop schedule (warm-up, then measured seconds) and returns what
   * it sent; the probe, if any, times flushes over the measured seconds.
   */
  private OpenLoopSender.Result send(Vertx vertx, WebhookSink sink, FlushProbe probe) throws Exception {
    OpenLoopSender sender = new OpenLoopSender(options, sink, badAnswers);
    String id = await(vertx.deployVerticle(sender), SETUP_TIMEOUT_S);
    // On the wall clock too, so that samplers outside the bench (disk, database) can be lined up
    // with the report's offsets into the window.
    Instant windowStart = Instant.now().plusNanos(sender.window().measureFrom() - System.nanoTime());
    System.out.printf("latency phase: the measured window starts at %s (UTC)%n",
        windowStart.truncatedTo(ChronoUnit.MILLIS));
    if (probe != null) {
      // The sender's schedule (and with it the measured window) starts when it is deployed.
      probe.start(sender.window().measureFrom(), sender.window().stopAt());
    }
    // The sender bounds itself (schedule + grace); this only guards against a bug.
    long bound = options.warmupSeconds() + options.durationSeconds() + 60;
    OpenLoopSender.Result sent = await(sender.finished(), bound);
    await(vertx.undeploy(id), SETUP_TIMEOUT_S);
    return sent;
  }

  private Throughput throughputPhase(Vertx vertx, WebhookSink sink, OpenLoopSender.Result before)
      throws Exception {
    System.out.printf("throughput phase: %d events in batches of %d, %d in flight%n",
        options.events(), options.batchSize(), options.batchConnections());
    long from = System.nanoTime();
    // Everything sent from now on belongs to this phase, as far as the sink is concerned.
    sink.throughputFrom(from);
    long backlog = Math.max(0, before.ok() - sink.latencyPhaseReceived());
    if (backlog > 0) {
      System.out.printf("throughput phase: starting behind %d undelivered events of the latency"
          + " phase; they compete with this phase's deliveries%n", backlog);
    }
    long deadline = from + TimeUnit.SECONDS.toNanos(options.throughputTimeoutSeconds());
    BatchSender sender = new BatchSender(options, badAnswers, deadline);
    String id = await(vertx.deployVerticle(sender), SETUP_TIMEOUT_S);
    // The sender stops by itself at the deadline; the slack only guards against a bug.
    BatchSender.Result sent = await(sender.finished(), options.throughputTimeoutSeconds() + 30);
    await(vertx.undeploy(id), SETUP_TIMEOUT_S);
    if (sent.cutShort()) {
      System.out.printf("throughput phase: time ran out while ingesting (%d accepted so far)%n",
          sent.accepted());
    } else {
      System.out.printf("throughput phase: ingest done (%d accepted), waiting for deliveries%n",
          sent.accepted());
    }
    awaitDeliveries("throughput", () -> sink.throughputReceived() >= sent.accepted(),
        () -> sink.throughputReceived() + " of " + sent.accepted(), deadline);
    return new Throughput(sent, sink.throughput(), backlog);
  }

  /** Polls until {@code done} holds or the deadline passes, printing progress now and then. */
  private static void awaitDeliveries(String phase, BooleanSupplier done,
      Supplier<String> progress, long deadline) throws InterruptedException {
    long nextProgress = System.nanoTime() + PROGRESS_EVERY_NANOS;
    while (!done.getAsBoolean() && System.nanoTime() - deadline < 0) {
      Thread.sleep(POLL_MS);
      if (System.nanoTime() - nextProgress >= 0) {
        System.out.printf("%s phase: %s deliveries received%n", phase, progress.get());
        nextProgress += PROGRESS_EVERY_NANOS;
      }
    }
    if (!done.getAsBoolean()) {
      System.out.printf("%s phase: gave up waiting with %s deliveries received%n", phase,
          progress.get());
    }
  }

  // ---------------------------------------------------------------- the webhook

  private String createWebhook(HttpClientAgent api, String sinkUrl) throws Exception {
    JsonObject body = new JsonObject()
        .put("name", "bench sink")
        .put("url", sinkUrl)
        .put("events", new JsonArray().add("*"));
    Answer answer = await(call(api, HttpMethod.POST, "/v1/webhooks", body.toBuffer()),
        SETUP_TIMEOUT_S);
    if (answer.status() != 201) {
      String hint = answer.status() == 422
          ? " (a loopback target needs webhooks.allow_private_networks=true on the gateway,"
              + " i.e. ECHOTAG_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true)"
          : "";
      throw new IllegalStateException("creating the webhook: HTTP " + answer.status() + " "
          + answer.body() + hint);
    }
    String id = answer.body().toJsonObject().getString("id");
    if (id == null) {
      throw new IllegalStateException("creating the webhook: no id in " + answer.body());
    }
    return id;
  }

  /** Best effort: a webhook left behind would point at a port nobody listens on any more. */
  private void deleteWebhook(HttpClientAgent api, String webhookId, long timeoutSeconds) {
    if (webhookId == null) {
      return;
    }
    try {
      Answer answer = await(call(api, HttpMethod.DELETE, "/v1/webhooks/" + webhookId, null),
          timeoutSeconds);
      if (answer.status() != 204 && answer.status() != 404) {
        System.err.println("webhookbench: deleting webhook " + webhookId + ": HTTP "
            + answer.status() + " " + answer.body());
      }
    } catch (Exception e) {
      System.err.println("webhookbench: deleting webhook " + webhookId + ": " + e);
    }
  }

  private Future<Answer> call(HttpClientAgent api, HttpMethod method, String path, Buffer body) {
    return api.request(StampedEvents.request(options, method, path))
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(answer -> new Answer(resp.statusCode(), answer)));
  }

  private record Answer(int status, Buffer body) {
  }

  // ---------------------------------------------------------------- plumbing

  private static <T> T await(Future<T> future, long seconds) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("webhookbench: closing: " + e);
    }
  }
}
