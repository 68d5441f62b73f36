package io.echotag.analytics;

import io.echotag.Services;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds the commits queued for the analytics rollups in, every {@link AnalyticsRollups#INTERVAL_MS}
 * (one pass at a time on this node; nodes take turns through the applier's lock). A failed pass
 * (database down) leaves the queue as it was for the next one.
 */
public final class RollupVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RollupVerticle.class);

  private final Services services;
  private boolean running;
  private boolean failing;

  public RollupVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(AnalyticsRollups.INTERVAL_MS, id -> pass());
    return Future.succeededFuture();
  }

  private void pass() {
    if (running) {
      return;
    }
    running = true;
    AnalyticsRollups.applyIfFree(services.pool()).onComplete(ar -> {
      running = false;
      if (ar.failed() && !failing) {
        // Once per outage or fault, not every pass: the queue keeps the commits until a pass succeeds.
        LOG.warn("Analytics rollups could not be applied (queued commits wait): {}", ar.cause().toString());
      } else if (ar.succeeded() && failing) {
        LOG.info("Analytics rollups applied again");
      }
      failing = ar.failed();
    });
  }
}
