package io.echotag.triggers;

import io.echotag.Services;
import io.echotag.bus.Addresses;
import io.echotag.events.IngestBuffer;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The trigger engine's loop: drains trigger work when an ingest commit wrote some
 * ({@link Addresses#TRIGGERS_WAKE}) and on a timer (the sweep that recovers what the bus lost),
 * and runs or cancels waiting executions once their wait is over. Owns an {@link IngestBuffer}
 * for the events that {@code track_event} actions derive.
 */
public final class TriggerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerVerticle.class);

  private final Services services;
  private final AtomicLong waiting = new AtomicLong();
  private TriggerEngine engine;
  private IngestBuffer ingest;
  private boolean running;
  private boolean again;
  private boolean wakePending;

  public TriggerVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    ingest = new IngestBuffer(vertx, services);
    engine = new TriggerEngine(services, ingest);
    Gauge.builder("echotag.trigger.executions.waiting", waiting, AtomicLong::get)
        .description("Executions waiting for their wait condition").register(services.registry());
    vertx.eventBus().consumer(Addresses.TRIGGERS_WAKE, message -> wake());
    vertx.eventBus().<JsonObject>consumer(Addresses.CONFIG_CHANGED, message -> {
      if ("trigger".equals(message.body().getString("kind"))) {
        engine.invalidate(message.body().getString("id"));
      }
    });
    vertx.setPeriodic(services.config().triggers().pollIntervalMs(), id -> {
      drain();
      services.pool().query(TriggerSql.WAITING_COUNT).execute()
          .onSuccess(rows -> waiting.set(rows.iterator().next().getLong(0)));
    });
    drain();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return ingest.close();
  }

  private int batch() {
    return services.config().triggers().batchSize();
  }

  /**
   * News of new work: drain after {@code triggers.wake_delay_ms}, so that the work of the many
   * ingest commits of that interval is one pass (one transaction), not one pass each.
   */
  private void wake() {
    int delay = services.config().triggers().wakeDelayMs();
    if (delay == 0) {
      drain();
    } else if (!wakePending) {
      wakePending = true;
      vertx.setTimer(delay, id -> {
        wakePending = false;
        drain();
      });
    }
  }

  /** One pass at a time; a wake-up during a pass runs another one after it. */
  private void drain() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    engine.work(batch())
        .compose(work -> engine.due(batch()).map(due -> {
          if (work.queuedDeliveries() || due.queuedDeliveries()) {
            vertx.eventBus().publish(Addresses.DELIVERIES_WAKE, null);
          }
          return work.handled() == batch() || due.handled() == batch();
        }))
        .onComplete(ar -> {
          running = false;
          if (ar.failed()) {
            LOG.warn("Trigger pass failed (its work stays queued and is retried): {}", ar.cause().toString());
          }
          if (again || (ar.succeeded() && ar.result())) {
            drain();
          }
        });
  }
}
