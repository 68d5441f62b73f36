package io.echotag.webhooks;

import io.echotag.config.EchoTagConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One circuit breaker per endpoint ({@code wh:<webhook id>}, {@code int:<integration id>} or
 * {@code url:<origin>}): open after {@code delivery.breaker_max_failures} consecutive failures,
 * half-open (one probe) after {@code delivery.breaker_reset_ms}. Every transition is logged and
 * exported as {@code echotag_webhook_circuit_state{endpoint}} (0 closed, 1 half-open, 2 open).
 */
public final class Breakers {
  private static final Logger LOG = LoggerFactory.getLogger(Breakers.class);

  private final Vertx vertx;
  private final EchoTagConfig.Delivery config;
  private final MeterRegistry registry;
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  public Breakers(Vertx vertx, EchoTagConfig.Delivery config, MeterRegistry registry) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
  }

  public CircuitBreaker forEndpoint(String endpoint) {
    return breakers.computeIfAbsent(endpoint, this::create);
  }

  /** {@code closed}, {@code open} or {@code half_open}, as the API shows it; closed for endpoints never used. */
  public String state(String endpoint) {
    CircuitBreaker breaker = breakers.get(endpoint);
    if (breaker == null) {
      return "closed";
    }
    return switch (breaker.state()) {
      case OPEN -> "open";
      case HALF_OPEN -> "half_open";
      case CLOSED -> "closed";
    };
  }

  /** Whether deliveries to the endpoint must wait: its circuit is open. */
  public boolean isOpen(String endpoint) {
    CircuitBreaker breaker = breakers.get(endpoint);
    return breaker != null && breaker.state() == CircuitBreakerState.OPEN;
  }

  /** Whether the endpoint's circuit is half-open (one probe at a time). */
  public boolean isHalfOpen(String endpoint) {
    CircuitBreaker breaker = breakers.get(endpoint);
    return breaker != null && breaker.state() == CircuitBreakerState.HALF_OPEN;
  }

  /** Endpoints whose deliveries must not be claimed now: circuit open, or half-open with its probe under way. */
  public java.util.List<String> waitingEndpoints(Map<String, Integer> inFlight) {
    java.util.List<String> waiting = new java.util.ArrayList<>();
    breakers.forEach((endpoint, breaker) -> {
      CircuitBreakerState state = breaker.state();
      if (state == CircuitBreakerState.OPEN
          || (state == CircuitBreakerState.HALF_OPEN && inFlight.getOrDefault(endpoint, 0) > 0)) {
        waiting.add(endpoint);
      }
    });
    return waiting;
  }

  public long resetMillis() {
    return config.breakerResetMs();
  }

  private CircuitBreaker create(String endpoint) {
    CircuitBreaker breaker = CircuitBreaker.create("webhook-" + endpoint, vertx, new CircuitBreakerOptions()
        .setMaxFailures(config.breakerMaxFailures())
        .setResetTimeout(config.breakerResetMs())
        // Requests carry their own timeouts; the breaker only counts outcomes.
        .setTimeout(-1)
        .setFallbackOnFailure(false)
        .setNotificationAddress(null)
        // Failures are counted over a long window and cleared on success (see DeliveryVerticle),
        // which makes "max_failures in a row" rather than "in the last 10 s".
        .setFailuresRollingWindow(Math.max(60_000L, 10L * config.breakerResetMs())));
    breaker.openHandler(v -> LOG.warn("Circuit for {} opened after {} consecutive failures; deliveries wait {} ms",
            endpoint, config.breakerMaxFailures(), config.breakerResetMs()))
        .halfOpenHandler(v -> LOG.info("Circuit for {} half-open: one probe delivery", endpoint))
        .closeHandler(v -> LOG.info("Circuit for {} closed", endpoint));
    Gauge.builder("echotag.webhook.circuit.state", breaker, b -> switch (b.state()) {
          case CLOSED -> 0;
          case HALF_OPEN -> 1;
          case OPEN -> 2;
        })
        .tag("endpoint", endpoint)
        .description("Circuit-breaker state per endpoint: 0 closed, 1 half-open, 2 open")
        .register(registry);
    return breaker;
  }
}
