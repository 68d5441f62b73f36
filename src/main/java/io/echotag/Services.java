package io.echotag;

import io.echotag.config.EchoTagConfig;
import io.echotag.events.TriggerFilter;
import io.echotag.http.Failures;
import io.echotag.http.RateLimiter;
import io.echotag.keys.KeyCache;
import io.echotag.metrics.Meters;
import io.echotag.projects.ProjectCache;
import io.echotag.webhooks.Breakers;
import io.echotag.webhooks.DeliveryHandOver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the verticles of one process share: configuration, the database pool, meters and the
 * per-node caches. Built once by {@link EchoTag} before any verticle is deployed.
 */
public record Services(
    EchoTagConfig config,
    Pool pool,
    PrometheusMeterRegistry registry,
    Meters meters,
    KeyCache keys,
    ProjectCache projects,
    RateLimiter rateLimiter,
    Failures failures,
    Breakers breakers,
    DeliveryHandOver deliveryHandOver,
    TriggerFilter triggerFilter,
    AtomicInteger httpPort) {
}
