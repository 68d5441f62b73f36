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
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The delivery engine. Claims due deliveries from PostgreSQL under a lease ({@code FOR UPDATE
 * SKIP LOCKED}, so replicas share the work and a crashed node's leases expire), sends each
 * behind its endpoint's circuit breaker, records every attempt, and schedules retries. Woken by
 * {@link Addresses#DELIVERIES_WAKE} and by a timer. Concurrency is bounded overall and per
 * endpoint; a saturated endpoint or an open circuit is left out of the claim, so a hung
 * receiver never holds back a healthy one.
 */
public final class DeliveryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryVerticle.class);
  static final long STOP_WAIT_MS = 15_000;
  static final long POSTPONE_MAX_MS = 1_000;

  private final Services services;
  private final Breakers breakers;
  private final String owner;
  private final Map<String, Integer> perEndpoint = new HashMap<>();
  private final Set<String> sending = new HashSet<>();
  private final AtomicLong pending = new AtomicLong();
  private Pool pool;
  private DeliverySender sender;
  private int inFlight;
  private boolean polling;
  private boolean pollAgain;
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
    Gauge.builder("echotag.webhook.deliveries.pending", pending, AtomicLong::get)
        .description("Deliveries waiting for an attempt (pending or retrying)").register(services.registry());
    vertx.eventBus().consumer(Addresses.DELIVERIES_WAKE, message -> poll());
    vertx.setPeriodic(services.config().delivery().pollIntervalMs(), id -> poll());
    vertx.setPeriodic(5_000, id -> pool.query(DeliverySql.PENDING).execute()
        .onSuccess(rows -> pending.set(rows.iterator().next().getLong(0))));
    poll();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    idle = Promise.promise();
    checkIdle();
    return idle.future()
        .timeout(STOP_WAIT_MS, TimeUnit.MILLISECONDS)
        .recover(e -> Future.succeededFuture())
        .compose(v -> pool.preparedQuery(DeliverySql.RELEASE_ALL).execute(Tuple.of(owner)))
        .recover(e -> Future.succeededFuture())
        .mapEmpty();
  }

  private void poll() {
    if (stopping) {
      return;
    }
    if (polling) {
      pollAgain = true;
      return;
    }
    int room = Math.min(services.config().delivery().maxInFlight() - inFlight, services.config().delivery().batchSize());
    if (room <= 0) {
      return;
    }
    polling = true;
    pool.preparedQuery(DeliverySql.CLAIM)
        .execute(Tuple.of(owner, room, busyEndpoints(), services.config().delivery().leaseSeconds()))
        .onComplete(ar -> {
          polling = false;
          int claimed = 0;
          if (ar.succeeded()) {
            for (Row row : ar.result()) {
              claimed++;
              ClaimedDelivery delivery = ClaimedDelivery.from(row);
              // Back because its lease ran out while this node still sends it (a request may outlast
              // lease_seconds): the claim has renewed the lease. Sending it again would send it twice,
              // and the older attempt's late result would overwrite the newer one's.
              if (!sending.contains(delivery.id())) {
                deliver(delivery);
              }
            }
          } else {
            LOG.debug("Claiming deliveries failed: {}", ar.cause().toString());
          }
          if (pollAgain || (ar.succeeded() && claimed == room)) {
            pollAgain = false;
            poll();
          }
        });
  }

  private String[] busyEndpoints() {
    Set<String> busy = new HashSet<>();
    perEndpoint.forEach((endpoint, count) -> {
      if (count >= services.config().delivery().perEndpointInFlight()) {
        busy.add(endpoint);
      }
    });
    busy.addAll(breakers.waitingEndpoints(perEndpoint));
    return busy.toArray(String[]::new);
  }

  private void deliver(ClaimedDelivery delivery) {
    inFlight++;
    sending.add(delivery.id());
    perEndpoint.merge(delivery.endpoint(), 1, Integer::sum);
    attempt(delivery).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Delivery {} could not be recorded (its lease will expire and it will be retried): {}",
            delivery.id(), ar.cause().toString());
      }
      inFlight--;
      sending.remove(delivery.id());
      perEndpoint.computeIfPresent(delivery.endpoint(), (k, n) -> n <= 1 ? null : n - 1);
      checkIdle();
      poll();
    });
  }

  private Future<Void> attempt(ClaimedDelivery delivery) {
    if (delivery.unsendable() != null) {
      return record(delivery, new DeliverySender.Result(null, 0, Outcome.E_INVALID_TARGET, delivery.unsendable(),
          new io.vertx.core.json.JsonObject(), null, -1), Outcome.FAILED);
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
        .transform(ignored -> result[0] == null
            ? postpone(delivery)
            : record(delivery, result[0], result[0].outcome()));
  }

  /** The circuit refused the call: no attempt is spent; try again when it may be half-open. */
  private Future<Void> postpone(ClaimedDelivery delivery) {
    double seconds = Math.min(breakers.resetMillis(), POSTPONE_MAX_MS) / 1000.0;
    return pool.preparedQuery(DeliverySql.POSTPONE).execute(Tuple.of(delivery.id(), seconds, owner)).mapEmpty();
  }

  private Future<Void> record(ClaimedDelivery delivery, DeliverySender.Result result, Outcome outcome) {
    int attempt = delivery.attempts() + 1;
    boolean retry = outcome == Outcome.RETRY && attempt < delivery.retry().maxAttempts();
    String status = outcome == Outcome.SUCCEEDED ? "succeeded" : retry ? "retrying" : "failed";
    Instant next = retry ? Instant.now().plusMillis(RetrySchedule.delayMs(delivery.retry(), attempt,
        result.retryAfterMs(), ThreadLocalRandom.current())) : null;
    meter(result, status);
    if (retry) {
      // The row is the truth; the timer only spares the retry a wait for the next poll.
      vertx.setTimer(Math.max(1, next.toEpochMilli() - System.currentTimeMillis()), id -> poll());
      LOG.info("Delivery {} attempt {} failed ({} {}); retry at {}", delivery.id(), attempt, result.errorCode(),
          result.error(), Times.format(next));
    } else if (!status.equals("succeeded")) {
      LOG.warn("Delivery {} failed after {} attempt(s): {} {}", delivery.id(), attempt, result.errorCode(),
          result.error());
    }
    Future<Object> recorded = pool.preparedQuery(DeliverySql.RECORD).execute(Tuple.tuple()
        .addString(delivery.projectId())
        .addString(Ids.next("att"))
        .addString(delivery.id())
        .addString(delivery.webhookId())
        .addString(delivery.eventId())
        .addString(delivery.eventType())
        .addInteger(attempt)
        .addString(status)
        .addInteger(result.statusCode())
        .addInteger((int) result.durationMs())
        .addString(result.errorCode())
        .addString(result.error())
        .addValue(result.request())
        .addValue(result.response())
        .addOffsetDateTime(Times.utc(next))
        .addString(owner)).map(rows -> rows);
    if (outcome == Outcome.GONE && delivery.webhookId() != null) {
      String reason = "The endpoint answered 410 Gone on " + Times.format(Instant.now());
      LOG.warn("Webhook {} deactivated: {}", delivery.webhookId(), reason);
      recorded = recorded.compose(v -> pool.preparedQuery(DeliverySql.DEACTIVATE_WEBHOOK)
          .execute(Tuple.of(delivery.webhookId(), delivery.projectId(), reason)).map(rows -> rows));
    }
    return recorded.mapEmpty();
  }

  private void meter(DeliverySender.Result result, String status) {
    String outcome = status.equals("succeeded") ? "succeeded" : status.equals("retrying") ? "retrying" : "failed";
    Counter.builder("echotag.webhook.attempts")
        .tag("outcome", outcome)
        .tag("error_code", result.errorCode() == null ? "none" : result.errorCode())
        .description("Webhook delivery attempts by outcome and error code")
        .register(services.registry()).increment();
    Timer.builder("echotag.webhook.attempt.duration").publishPercentileHistogram()
        .description("Duration of one delivery attempt").register(services.registry())
        .record(result.durationMs(), TimeUnit.MILLISECONDS);
  }

  private void checkIdle() {
    if (idle != null && inFlight == 0) {
      idle.tryComplete();
    }
  }
}
