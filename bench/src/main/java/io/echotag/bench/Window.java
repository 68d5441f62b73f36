package io.echotag.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The run's time line and request budget, shared by every driver. Times are System.nanoTime()
 * values so that wall-clock jumps cannot stretch or shrink the measurement.
 */
final class Window {

  private final long measureFrom;
  private final long stopAt;
  private final long maxRequests;
  private final AtomicLong issued = new AtomicLong();

  Window(long startNanos, long warmupNanos, long durationNanos, long maxRequests) {
    this.measureFrom = startNanos + warmupNanos;
    this.stopAt = measureFrom + durationNanos;
    this.maxRequests = maxRequests;
  }

  long measureFrom() {
    return measureFrom;
  }

  long stopAt() {
    return stopAt;
  }

  /** Takes one request from the budget; false once time is up or the budget is spent. */
  boolean tryIssue(long now) {
    return now < stopAt && issued.incrementAndGet() <= maxRequests;
  }

  /** True when a request was refused for lack of budget while there was still time. */
  boolean budgetSpent() {
    return issued.get() > maxRequests;
  }

  /** Only answers that arrive inside the measured window count. */
  boolean measures(long now) {
    return now >= measureFrom && now < stopAt;
  }
}
