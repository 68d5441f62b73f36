package io.echotag.events;

import io.echotag.Services;
import io.echotag.bus.Addresses;
import io.echotag.common.Ids;
import io.echotag.common.Times;
import io.echotag.config.EchoTagConfig;
import io.echotag.db.Database;
import io.echotag.http.ApiError;
import io.echotag.metrics.Meters;
import io.echotag.projects.Project;
import io.echotag.webhooks.DeliveryHandOver;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Set;
import java.util.HashSet;
import java.util.function.Predicate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Group commit for one event loop. Requests queue their validated events; a flush takes up to
 * {@code ingest.max_batch} events as soon as that many wait, or after {@code ingest.linger_ms},
 * and commits them in one transaction ({@link IngestTransaction}). Only then are the batch's
 * deliveries handed to this node's delivery engine ({@link DeliveryHandOver}), each request
 * answered, and the committed events published on {@link Addresses#EVENTS}. At most
 * {@code ingest.max_in_flight} transactions run at once per loop (1 by default); the rest wait in
 * the queue and leave together as one batch when a commit ends. On a small machine fewer
 * concurrent transactions answer sooner: they do not contend for the cores PostgreSQL shares
 * with the gateway, and the batches they leave behind grow instead.
 *
 * <p>Confined to its verticle's event loop: no locks.
 */
public final class IngestBuffer {
  private static final Logger LOG = LoggerFactory.getLogger(IngestBuffer.class);
  static final int DEADLOCK_RETRIES = 3;

  private record Pending(List<EventInput> events, Promise<List<StoredEvent>> promise) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final EchoTagConfig.Ingest config;
  private final int retryAfterSeconds;
  private final Meters meters;
  private final IngestTransaction transaction;
  private final TriggerFilter triggerFilter;
  private final DeliveryHandOver deliveries;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int queuedEvents;
  private int inFlight;
  /** Hand-overs not yet done (a refused one is given back first): {@link #close()} waits for them too. */
  private int handingOver;
  private long timer = -1;
  private Promise<Void> drained;

  public IngestBuffer(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.pool = services.pool();
    this.config = services.config().ingest();
    this.retryAfterSeconds = services.config().retryAfterSeconds();
    this.meters = services.meters();
    this.deliveries = services.deliveryHandOver();
    this.transaction = new IngestTransaction(config.idempotencyWindowDays(), deliveries);
    this.triggerFilter = services.triggerFilter();
  }

  /** Queues events for the next commit; completes once they are committed, in input order. */
  Future<List<StoredEvent>> submit(List<EventInput> events) {
    if (drained != null) {
      return Future.failedFuture(ApiError.unavailable(retryAfterSeconds));
    }
    Promise<List<StoredEvent>> promise = Promise.promise();
    queue.add(new Pending(events, promise));
    queuedEvents += events.size();
    if (queuedEvents >= config.maxBatch() || config.lingerMs() == 0) {
      flush();
    } else if (timer < 0) {
      timer = vertx.setTimer(config.lingerMs(), id -> {
        timer = -1;
        flush();
      });
    }
    return promise.future();
  }

  /**
   * Emits a derived event (a trigger's {@code track_event}) through the same group commit. The
   * idempotency key makes a replayed execution return the event it emitted the first time.
   */
  public Future<JsonObject> submitDerived(Project project, String eventType, String visitorId, JsonObject data,
                                         String idempotencyKey, int depth, String sourceTriggerId) {
    Instant now = Times.millis(Instant.now());
    EventInput input = new EventInput(Ids.next("evt"), project.id(), eventType, visitorId, null,
        data, now, now, idempotencyKey, project.sessionTimeoutMs(), depth, sourceTriggerId);
    return submit(List.of(input)).map(stored -> stored.get(0).event());
  }

  /** Commits what is queued and completes when nothing is left in flight; later submissions get {@code 503}. */
  public Future<Void> close() {
    drained = Promise.promise();
    flush();
    checkDrained();
    return drained.future();
  }

  private void flush() {
    while (!queue.isEmpty() && inFlight < config.maxInFlight()) {
      List<Pending> batch = new ArrayList<>();
      List<EventInput> events = new ArrayList<>();
      while (!queue.isEmpty() && (events.isEmpty() || events.size() + queue.peek().events().size() <= config.maxBatch())) {
        Pending next = queue.poll();
        queuedEvents -= next.events().size();
        batch.add(next);
        events.addAll(next.events());
      }
      inFlight++;
      commit(events, DEADLOCK_RETRIES).onComplete(ar -> {
        inFlight--;
        if (ar.succeeded()) {
          answer(batch, ar.result());
        } else {
          Throwable error = toApiError(ar.cause(), events.size());
          batch.forEach(p -> p.promise().fail(error));
        }
        flush();
        checkDrained();
      });
    }
  }

  private Future<IngestTransaction.Committed> commit(List<EventInput> events, int retriesLeft) {
    Timer.Sample sample = Timer.start();
    Set<String> projects = new HashSet<>();
    events.forEach(event -> projects.add(event.projectId()));
    TriggerFilter filter = triggerFilter;
    Predicate<EventInput> needsWork = input -> filter.mayTrigger(input.projectId(), input.eventType(),
        input.sourceTriggerId(), () -> input.toJson(null));
    return filter.prepare(projects)
        .compose(ready -> pool.getConnection())
        .compose(conn -> transaction.run(conn, events, needsWork)
            .recover(e -> conn.query("ROLLBACK").execute().transform(ignored -> Future.failedFuture(e)))
            .eventually(conn::close))
        .onSuccess(stored -> {
          sample.stop(meters.commitLatency());
          meters.batchSize().record(events.size());
        })
        .recover(e -> retriesLeft > 0 && isSerializationFailure(e)
            ? commit(events, retriesLeft - 1)
            : Future.failedFuture(e));
  }

  private void answer(List<Pending> batch, IngestTransaction.Committed committed) {
    // First, as the webhook latency runs from here: the engine starts sending at once.
    handOver(committed.deliveries());
    List<StoredEvent> stored = committed.events();
    JsonArray created = new JsonArray();
    int offset = 0;
    for (Pending pending : batch) {
      List<StoredEvent> mine = stored.subList(offset, offset + pending.events().size());
      offset += pending.events().size();
      for (StoredEvent event : mine) {
        if (event.created()) {
          created.add(event.event());
        }
      }
      pending.promise().complete(mine);
    }
    meters.eventsIngested().increment(created.size());
    meters.eventsDuplicate().increment(stored.size() - created.size());
    if (!created.isEmpty()) {
      // This node's news only: what must happen elsewhere is in the database (see Addresses).
      vertx.eventBus().publish(Addresses.EVENTS, created, Addresses.localOnly());
    }
    if (committed.triggerWork() > 0) {
      vertx.eventBus().publish(Addresses.TRIGGERS_WAKE, null);
    }
  }

  private void handOver(DeliveryHandOver.Queued queued) {
    handingOver++;
    deliveries.handOver(queued).onComplete(ar -> {
      handingOver--;
      checkDrained();
    });
  }

  private Throwable toApiError(Throwable failure, int events) {
    if (Database.isUnavailable(failure)) {
      meters.ingestFailures("unavailable").increment();
      LOG.warn("Group commit of {} event(s) failed, database unavailable: {}", events, failure.toString());
      return ApiError.unavailable(retryAfterSeconds);
    }
    meters.ingestFailures("error").increment();
    LOG.error("Group commit of {} event(s) failed", events, failure);
    return failure;
  }

  private void checkDrained() {
    if (drained != null && queue.isEmpty() && inFlight == 0 && handingOver == 0) {
      drained.tryComplete();
    }
  }

  private static boolean isSerializationFailure(Throwable e) {
    return e instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
  }
}
