package io.echotag.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key token buckets: {@code requestsPerSecond} refill, {@code burst} capacity. One limiter
 * per process, shared by every event loop; each bucket is a tiny critical section.
 */
public final class RateLimiter {
  /** The outcome of one request, with what the {@code X-RateLimit-*} headers report. */
  public record Decision(boolean allowed, int limit, int remaining, long resetEpochSeconds, int retryAfterSeconds) {
  }

  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(double tokens, long refilledAt) {
      this.tokens = tokens;
      this.refilledAt = refilledAt;
    }
  }

  private final int requestsPerSecond;
  private final int burst;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(int requestsPerSecond, int burst) {
    this.requestsPerSecond = requestsPerSecond;
    this.burst = burst;
  }

  public Decision take(String keyId) {
    return take(keyId, System.nanoTime(), System.currentTimeMillis());
  }

  Decision take(String keyId, long nowNanos, long nowEpochMillis) {
    Bucket bucket = buckets.computeIfAbsent(keyId, k -> new Bucket(burst, nowNanos));
    synchronized (bucket) {
      double elapsedSeconds = (nowNanos - bucket.refilledAt) / 1e9;
      bucket.tokens = Math.min(burst, bucket.tokens + elapsedSeconds * requestsPerSecond);
      bucket.refilledAt = nowNanos;
      boolean allowed = bucket.tokens >= 1;
      if (allowed) {
        bucket.tokens -= 1;
      }
      double secondsToFull = (burst - bucket.tokens) / requestsPerSecond;
      long reset = (nowEpochMillis + (long) Math.ceil(secondsToFull * 1000)) / 1000;
      int retryAfter = allowed ? 0 : (int) Math.max(1, Math.ceil((1 - bucket.tokens) / requestsPerSecond));
      return new Decision(allowed, requestsPerSecond, (int) Math.floor(bucket.tokens), reset, retryAfter);
    }
  }
}
