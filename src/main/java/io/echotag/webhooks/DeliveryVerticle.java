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
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The delivery engine. Sends deliveries leased to this node behind their endpoint's circuit
 * breaker, records every attempt, and schedules retries. Every delivery it holds is leased to it
 * in PostgreSQL (so replicas share the work and a crashed node's leases expire).
 *
 * <p>Two ways in: the <b>hand-over</b> — the ingest on this node writes its new deliveries already
 * leased to this engine and hands them over after COMMIT ({@link DeliveryHandOver}), with no claim
 * statement — and the <b>sweep</b>, which claims due rows ({@code FOR UPDATE SKIP LOCKED}), woken
 * by {@link Addresses#DELIVERIES_WAKE} and by a timer, for retries, other nodes' work, given-back
 * deliveries and whatever a crash left.
 *
 * <p>Held deliveries wait in a queue per endpoint ({@link DeliveryQueues}); at most
 * {@code per_endpoint_in_flight} requests per endpoint (one while its circuit is half-open) and
 * {@code max_in_flight} deliveries overall are under way (sent or being recorded). The sweep claims
 * only while fewer than {@code max_in_flight} are held (queues beyond an endpoint's own cap not
 * counted) and leaves saturated endpoints and open circuits out, so a hung receiver never holds
 * back a healthy one. Hand-overs beyond the hold limits ({@link DeliveryQueues#HELD_MAX_MULTIPLE}),
 * or to an endpoint whose circuit is open, are given back to the table at once (the sweep takes
 * them later), never dropped. Attempts are written in batches ({@link AttemptRecorder}).
 */
public final class DeliveryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryVerticle.class);
  static final long STOP_WAIT_MS = 15_000;
  static final long POSTPONE_MAX_MS = 1_000;

  private final Services services;
  private final Breakers breakers;
  private final String owner;
  private final AtomicLong pending = new AtomicLong();
  private final Map<String, Counter> attemptCounters = new HashMap<>();
  private Pool pool;
  private DeliveryHandOver.Engine attachment;
  private DeliveryQueues queues;
  private DeliverySender sender;
  private AttemptRecorder recorder;
  private Timer attemptDuration;
  private boolean polling;
  private boolean pollAgain;
  private boolean dispatching;
  private boolean dispatchAgain;
  /** Due work may be left in the table (a claim was cut by room or busy endpoints): sweep again when a delivery ends. */
  private boolean backlog = true;
  /** A sweep is set for when an open circuit that hand-overs were given back for lets a probe through. */
  private boolean circuitWakeSet;
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
    queues = new DeliveryQueues(services.config().delivery().maxInFlight(),
        services.config().delivery().perEndpointInFlight());
    sender = new DeliverySender(vertx, services.config().webhooks(), services.config().webhooks().timeoutMs(),
        services.config().delivery().maxInFlight());
    recorder = new AttemptRecorder(vertx, pool, owner, services.config().delivery().recordLingerMs());
    attemptDuration = Timer.builder("echotag.webhook.attempt.duration").publishPercentileHistogram()
        .description("Duration of one delivery attempt").register(services.registry());
    Gauge.builder("echotag.webhook.deliveries.pending", pending, AtomicLong::get)
        .description("Deliveries waiting for an attempt (pending or retrying)").register(services.registry());
    vertx.eventBus().consumer(Addresses.DELIVERIES_WAKE, message -> poll());
    vertx.setPeriodic(services.config().delivery().pollIntervalMs(), id -> poll());
    vertx.setPeriodic(5_000, id -> pool.query(DeliverySql.PENDING).execute()
        .onSuccess(rows -> pending.set(rows.iterator().next().getLong(0))));
    attachment = services.deliveryHandOver().attach(owner, context, this::takeHandedOver);
    poll();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    // Hand-overs from now on are refused (and given back by the ingest); what was accepted and
    // queued was not sent: every lease of this owner is given back below.
    services.deliveryHandOver().detach(attachment);
    queues.dropQueued();
    recorder.drain();
    idle = Promise.promise();
    checkIdle();
    return idle.future()
        .timeout(STOP_WAIT_MS, TimeUnit.MILLISECONDS)
        .recover(e -> Future.succeededFuture())
        .compose(v -> pool.preparedQuery(DeliverySql.RELEASE_ALL).execute(Tuple.of(owner)))
        .recover(e -> Future.succeededFuture())
        .mapEmpty();
  }

  /**
   * Deliveries this node's ingest wrote leased to this engine: held like claimed ones, except
   * those to an endpoint whose circuit is open (no attempt is spent) or beyond the hold limits,
   * which are given back for the sweep.
   */
  private void takeHandedOver(List<ClaimedDelivery> deliveries) {
    Set<String> waiting = new HashSet<>(breakers.waitingEndpoints(queues.sendingTo()));
    List<String> back = new ArrayList<>();
    boolean circuitOpen = false;
    for (ClaimedDelivery delivery : deliveries) {
      if (waiting.contains(delivery.endpoint())) {
        circuitOpen = true;
        back.add(delivery.id());
      } else if (queues.mayHold(delivery.endpoint())) {
        queues.hold(delivery);
      } else {
        back.add(delivery.id());
      }
    }
    dispatch();
    if (!back.isEmpty()) {
      backlog = true;
      Future<Void> given = services.deliveryHandOver().giveBack(owner, back);
      if (circuitOpen && !circuitWakeSet) {
        circuitWakeSet = true;
        given.onComplete(ar -> sweepWhenHalfOpen());
      }
    }
  }

  /**
   * One sweep when the circuit may be half-open, however many hand-overs were given back meanwhile
   * (one timer each would each run a claim); circuits still open then wait for the periodic sweep.
   */
  private void sweepWhenHalfOpen() {
    vertx.setTimer(breakers.resetMillis() + 1, id -> {
      circuitWakeSet = false;
      backlog = true;
      poll();
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
    int room = Math.min(queues.room(), services.config().delivery().batchSize());
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

  /** Holds claimed deliveries and starts what may start; returns how many rows came back. */
  private int take(RowSet<Row> rows) {
    int claimed = 0;
    for (Row row : rows) {
      claimed++;
      if (!stopping) {
        queues.hold(ClaimedDelivery.from(row));
      }
    }
    dispatch();
    return claimed;
  }

  /**
   * Starts queued deliveries while their endpoint and the node have room. Re-entrant calls (an
   * attempt that ends at once, e.g. refused by an open circuit) only ask for another round.
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
    queues.startable(breakers::isHalfOpen).forEach(this::deliver);
  }

  private String[] busyEndpoints() {
    Set<String> busy = queues.saturated();
    busy.addAll(breakers.waitingEndpoints(queues.sendingTo()));
    return busy.toArray(String[]::new);
  }

  private void deliver(ClaimedDelivery delivery) {
    Runnable answered = () -> {
      queues.answered(delivery);
      dispatch();
    };
    attempt(delivery, answered).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Delivery {} could not be recorded (its lease will expire and it will be retried): {}",
            delivery.id(), ar.cause().toString());
      }
      queues.recorded(delivery);
      checkIdle();
      dispatch();
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
    if (idle != null && queues.isEmpty()) {
      idle.tryComplete();
    }
  }
}
