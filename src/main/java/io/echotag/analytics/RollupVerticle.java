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
    AnalyticsRollups.applyIfFree(services.pool())
        .onFailure(e -> LOG.debug("Analytics rollups not applied this time: {}", e.toString()))
        .onComplete(ar -> running = false);
  }
}
