package io.echotag.webhooks;

import io.echotag.Services;
import io.echotag.bus.Addresses;
import io.echotag.common.Ids;
import io.echotag.common.Times;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The delivery engine. Claims due deliveries from PostgreSQL under a lease ({@code FOR UPDATE
 * SKIP LOCKED}, so replicas share the work and a crashed node's leases expire), sends each
 * behind its endpoint's circuit breaker, records every attempt, and schedules retries.
 *
 * <p>Two ways in: the <b>fast path</b> — the ingest on this node sends the ids of the deliveries
 * it just committed to {@link Addresses#DELIVERIES_READY}, and they are claimed by primary key at
 * once — and the <b>sweep</b>, woken by {@link Addresses#DELIVERIES_WAKE} and by a timer, for
 * retries, other nodes' work and whatever the bus lost. Claimed deliveries wait in a queue per
 * endpoint; at most {@code per_endpoint_in_flight} requests per endpoint (one while its circuit
 * is half-open) and {@code max_in_flight} deliveries overall are under way. A saturated endpoint
 * or an open circuit is left out of the sweep, so a hung receiver never holds back a healthy
 * one. Attempts are written in batches ({@link AttemptRecorder}).
 */
public final class DeliveryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryVerticle.class);
  static final long STOP_WAIT_MS = 15_000;
  static final long POSTPONE_MAX_MS = 1_000;
  /** Fast-path ids kept while there is no room to claim them; beyond this the sweep finds them. */
  static final int READY_MAX_MULTIPLE = 16;

  private final Services services;
  private final Breakers breakers;
  private final String owner;
  /** Per endpoint: claimed deliveries not yet answered (queued or being sent). */
  private final Map<String, Integer> perEndpoint = new HashMap<>();
  /** Per endpoint: requests under way. */
  private final Map<String, Integer> sendingTo = new HashMap<>();
  private final Map<String, ArrayDeque<ClaimedDelivery>> queues = new LinkedHashMap<>();
  /** Ids of every claimed delivery until its attempt is recorded. */
  private final Set<String> held = new HashSet<>();
  private final AtomicLong pending = new AtomicLong();
  private final Map<String, Counter> attemptCounters = new HashMap<>();
  private List<String> ready = new ArrayList<>();
  private Pool pool;
  private DeliverySender sender;
  private AttemptRecorder recorder;
  private Timer attemptDuration;
  private boolean polling;
  private boolean pollAgain;
  private boolean claimingReady;
  private boolean dispatching;
  private boolean dispatchAgain;
  /** Due work may be left in the table (a claim was cut by room or busy endpoints): sweep again when a delivery ends. */
  private boolean backlog = true;
  private boolean stopping;
  private Promise<Void> idle;

  /** {@code owner} names this node in the leases it takes (unique per running node). */
  public DeliveryVerticle(Services services, Breakers breakers, String owner) {
    this.services = services;
    this.breakers = breakers;
    this.owner = owner;
  }

  @Override
  public Future<?> start() {
    pool = services.pool();
    sender = new DeliverySender(vertx, services.config().webhooks(), services.config().webhooks().timeoutMs(),
        services.config().delivery().maxInFlight());
    recorder = new AttemptRecorder(vertx, pool, owner);
    attemptDuration = Timer.builder("echotag.webhook.attempt.duration").publishPercentileHistogram()
        .description("Duration of one delivery attempt").register(services.registry());
    Gauge.builder("echotag.webhook.deliveries.pending", pending, AtomicLong::get)
        .description("Deliveries waiting for an attempt (pending or retrying)").register(services.registry());
    vertx.eventBus().consumer(Addresses.DELIVERIES_WAKE, message -> poll());
    vertx.eventBus().<JsonArray>localConsumer(Addresses.DELIVERIES_READY, this::onReady);
    vertx.setPeriodic(services.config().delivery().pollIntervalMs(), id -> poll());
    vertx.setPeriodic(5_000, id -> pool.query(DeliverySql.PENDING).execute()
        .onSuccess(rows -> pending.set(rows.iterator().next().getLong(0))));
    poll();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    // Queued deliveries were not sent: their leases are given back below.
    queues.values().forEach(queue -> queue.forEach(this::dropQueued));
    queues.clear();
    ready.clear();
    idle = Promise.promise();
    checkIdle();
    return idle.future()
        .timeout(STOP_WAIT_MS, TimeUnit.MILLISECONDS)
        .recover(e -> Future.succeededFuture())
        .compose(v -> pool.preparedQuery(DeliverySql.RELEASE_ALL).execute(Tuple.of(owner)))
        .recover(e -> Future.succeededFuture())
        .mapEmpty();
  }

  /** The fast path: ids of deliveries this node's ingest just committed. Answered at once (the sender needs to know someone listens). */
  private void onReady(Message<JsonArray> message) {
    if (stopping) {
      message.fail(503, "stopping");
      return;
    }
    message.reply(null);
    int max = READY_MAX_MULTIPLE * services.config().delivery().maxInFlight();
    for (Object id : message.body()) {
      if (ready.size() >= max) {
        backlog = true;
        break;
      }
      ready.add((String) id);
    }
    claimReady();
  }

  private int room() {
    return services.config().delivery().maxInFlight() - held.size();
  }

  private void claimReady() {
    if (stopping || claimingReady || ready.isEmpty()) {
      return;
    }
    int room = room();
    if (room <= 0) {
      return;
    }
    List<String> ids = ready;
    ready = new ArrayList<>();
    claimingReady = true;
    String[] busy = busyEndpoints();
    pool.preparedQuery(DeliverySql.CLAIM_IDS)
        .execute(Tuple.of(owner, room, busy, services.config().delivery().leaseSeconds(),
            ids.toArray(String[]::new)))
        .onComplete(ar -> {
          claimingReady = false;
          if (ar.succeeded()) {
            int claimed = take(ar.result());
            if (claimed < ids.size() && busy.length > 0) {
              // Some belong to a saturated endpoint (or a waiting circuit): the sweep takes them when it has room.
              backlog = true;
            }
            if (claimed == room && ids.size() > room) {
              // No room for the rest now: back in line (if still there, the sweep finds them).
              List<String> rest = ready;
              ready = new ArrayList<>(ids.subList(room, ids.size()));
              ready.addAll(rest);
            }
          } else {
            backlog = true;
            LOG.debug("Claiming ready deliveries failed (the sweep will find them): {}", ar.cause().toString());
          }
          claimReady();
        });
  }

  private void poll() {
    if (stopping) {
      return;
    }
    if (polling) {
      pollAgain = true;
      return;
    }
    int room = Math.min(room(), services.config().delivery().batchSize());
    if (room <= 0) {
      return;
    }
    polling = true;
    String[] busy = busyEndpoints();
    pool.preparedQuery(DeliverySql.CLAIM)
        .execute(Tuple.of(owner, room, busy, services.config().delivery().leaseSeconds()))
        .onComplete(ar -> {
          polling = false;
          int claimed = 0;
          if (ar.succeeded()) {
            claimed = take(ar.result());
            backlog = claimed == room || busy.length > 0;
          } else {
            backlog = true;
            LOG.debug("Claiming deliveries failed: {}", ar.cause().toString());
          }
          if (pollAgain || (ar.succeeded() && claimed == room)) {
            pollAgain = false;
            poll();
          }
        });
  }

  /** Queues claimed deliveries per endpoint and starts what may start; returns how many rows came back. */
  private int take(RowSet<Row> rows) {
    int claimed = 0;
    for (Row row : rows) {
      claimed++;
      ClaimedDelivery delivery = ClaimedDelivery.from(row);
      // Back because its lease ran out while this node still holds it (a request may outlast
      // lease_seconds): the claim has renewed the lease. Sending it again would send it twice,
      // and the older attempt's late result would overwrite the newer one's.
      if (stopping || !held.add(delivery.id())) {
        continue;
      }
      perEndpoint.merge(delivery.endpoint(), 1, Integer::sum);
      queues.computeIfAbsent(delivery.endpoint(), k -> new ArrayDeque<>()).add(delivery);
    }
    dispatch();
    return claimed;
  }

  /**
   * Starts queued deliveries while their endpoint has room. Re-entrant calls (an attempt that
   * ends at once, e.g. refused by an open circuit) only ask for another round.
   */
  private void dispatch() {
    if (dispatching) {
      dispatchAgain = true;
      return;
    }
    dispatching = true;
    try {
      do {
        dispatchAgain = false;
        dispatchRound();
      } while (dispatchAgain);
    } finally {
      dispatching = false;
    }
  }

  private void dispatchRound() {
    for (Iterator<Map.Entry<String, ArrayDeque<ClaimedDelivery>>> it = queues.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, ArrayDeque<ClaimedDelivery>> entry = it.next();
      String endpoint = entry.getKey();
      int cap = breakers.isHalfOpen(endpoint) ? 1 : services.config().delivery().perEndpointInFlight();
      ArrayDeque<ClaimedDelivery> queue = entry.getValue();
      while (!queue.isEmpty() && sendingTo.getOrDefault(endpoint, 0) < cap) {
        deliver(queue.poll());
      }
      if (queue.isEmpty()) {
        it.remove();
      }
    }
  }

  private String[] busyEndpoints() {
    Set<String> busy = new HashSet<>();
    perEndpoint.forEach((endpoint, count) -> {
      if (count >= services.config().delivery().perEndpointInFlight()) {
        busy.add(endpoint);
      }
    });
    busy.addAll(breakers.waitingEndpoints(sendingTo));
    return busy.toArray(String[]::new);
  }

  private void dropQueued(ClaimedDelivery delivery) {
    held.remove(delivery.id());
    perEndpoint.computeIfPresent(delivery.endpoint(), (k, n) -> n <= 1 ? null : n - 1);
  }

  private void deliver(ClaimedDelivery delivery) {
    sendingTo.merge(delivery.endpoint(), 1, Integer::sum);
    Runnable answered = () -> {
      // The endpoint's slot is free as soon as it answered; the attempt is still being recorded.
      sendingTo.computeIfPresent(delivery.endpoint(), (k, n) -> n <= 1 ? null : n - 1);
      perEndpoint.computeIfPresent(delivery.endpoint(), (k, n) -> n <= 1 ? null : n - 1);
      dispatch();
    };
    attempt(delivery, answered).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Delivery {} could not be recorded (its lease will expire and it will be retried): {}",
            delivery.id(), ar.cause().toString());
      }
      held.remove(delivery.id());
      checkIdle();
      claimReady();
      if (backlog) {
        poll();
      }
    });
  }

  private Future<Void> attempt(ClaimedDelivery delivery, Runnable answered) {
    if (delivery.unsendable() != null) {
      answered.run();
      return record(delivery, new DeliverySender.Result(null, 0, Outcome.E_INVALID_TARGET, delivery.unsendable(),
          new JsonObject(), null, -1), Outcome.FAILED);
    }
    CircuitBreaker breaker = breakers.forEndpoint(delivery.endpoint());
    DeliverySender.Result[] result = new DeliverySender.Result[1];
    return breaker.<Void>execute(promise -> sender.send(delivery.request()).onComplete(ar -> {
          result[0] = ar.result();
          if (Outcome.endpointUnhealthy(result[0].statusCode(), result[0].errorCode())) {
            promise.fail(result[0].error());
          } else {
            // A healthy answer clears the failure count: the breaker opens on failures in a row.
            breaker.reset();
            promise.complete();
          }
        }))
        .transform(ignored -> {
          answered.run();
          return result[0] == null
              ? postpone(delivery)
              : record(delivery, result[0], result[0].outcome());
        });
  }

  /** The circuit refused the call: no attempt is spent; try again when it may be half-open. */
  private Future<Void> postpone(ClaimedDelivery delivery) {
    long millis = Math.min(breakers.resetMillis(), POSTPONE_MAX_MS);
    return pool.preparedQuery(DeliverySql.POSTPONE).execute(Tuple.of(delivery.id(), millis / 1000.0, owner))
        // As for retries: the row is the truth, the timer spares the delivery a wait for the sweep. Set
        // once the row is written, so that it fires after the row is due.
        .onComplete(ar -> wakeAt(System.currentTimeMillis() + millis))
        .mapEmpty();
  }

  private Future<Void> record(ClaimedDelivery delivery, DeliverySender.Result result, Outcome outcome) {
    int attempt = delivery.attempts() + 1;
    boolean retry = outcome == Outcome.RETRY && attempt < delivery.retry().maxAttempts();
    String status = outcome == Outcome.SUCCEEDED ? "succeeded" : retry ? "retrying" : "failed";
    Instant next = retry ? Instant.now().plusMillis(RetrySchedule.delayMs(delivery.retry(), attempt,
        result.retryAfterMs(), ThreadLocalRandom.current())) : null;
    meter(result, status);
    if (retry) {
      LOG.info("Delivery {} attempt {} failed ({} {}); retry at {}", delivery.id(), attempt, result.errorCode(),
          result.error(), Times.format(next));
    } else if (!status.equals("succeeded")) {
      LOG.warn("Delivery {} failed after {} attempt(s): {} {}", delivery.id(), attempt, result.errorCode(),
          result.error());
    }
    Future<Void> recorded = recorder.record(new AttemptRecorder.Attempt(delivery.projectId(), Ids.next("att"),
        delivery.id(), delivery.webhookId(), delivery.eventId(), delivery.eventType(), attempt, status,
        result.statusCode(), (int) result.durationMs(), result.errorCode(), result.error(), result.request(),
        result.response(), next));
    if (retry) {
      // The row is the truth; the timer only spares the retry a wait for the sweep. Set once the
      // attempt is recorded (the lease released), so that the retry can be claimed when it fires.
      recorded = recorded.onComplete(ar -> wakeAt(next.toEpochMilli()));
    }
    if (outcome == Outcome.GONE && delivery.webhookId() != null) {
      String reason = "The endpoint answered 410 Gone on " + Times.format(Instant.now());
      LOG.warn("Webhook {} deactivated: {}", delivery.webhookId(), reason);
      recorded = recorded.compose(v -> pool.preparedQuery(DeliverySql.DEACTIVATE_WEBHOOK)
          .execute(Tuple.of(delivery.webhookId(), delivery.projectId(), reason)).mapEmpty());
    }
    return recorded;
  }

  /** Sweeps at {@code epochMillis} (or at once if it has passed). */
  private void wakeAt(long epochMillis) {
    vertx.setTimer(Math.max(1, epochMillis - System.currentTimeMillis() + 1), id -> {
      backlog = true;
      poll();
    });
  }

  private void meter(DeliverySender.Result result, String status) {
    String code = result.errorCode() == null ? "none" : result.errorCode();
    attemptCounters.computeIfAbsent(status + '|' + code, k -> Counter.builder("echotag.webhook.attempts")
        .tag("outcome", status)
        .tag("error_code", code)
        .description("Webhook delivery attempts by outcome and error code")
        .register(services.registry())).increment();
    attemptDuration.record(result.durationMs(), TimeUnit.MILLISECONDS);
  }

  private void checkIdle() {
    if (idle != null && held.isEmpty()) {
      idle.tryComplete();
    }
  }
}
