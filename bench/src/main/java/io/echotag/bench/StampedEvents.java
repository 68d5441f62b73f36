package io.echotag.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What WebhookBench sends: events whose {@code data} carries the System.nanoTime() of their
 * send as {@code bench_sent_ns}, for the webhook sink in the same JVM to read back.
 */
final class StampedEvents {

  static final long CONNECT_TIMEOUT_MS = 5_000;
  static final long REQUEST_TIMEOUT_MS = 10_000;

  private StampedEvents() {
  }

  /** {@code {"event_type":"page_view","visitor_id":"v<n>","data":{"bench_sent_ns":<sent>}}}. */
  static Buffer single(int visitors, long sentNanos) {
    return Buffer.buffer(event(new StringBuilder(96), visitors, sentNanos).toString());
  }

  /** {@code {"events":[...]}} with {@code count} events, all stamped {@code sentNanos}. */
  static Buffer batch(int count, int visitors, long sentNanos) {
    StringBuilder json = new StringBuilder(16 + count * 96).append("{\"events\":[");
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        json.append(',');
      }
      event(json, visitors, sentNanos);
    }
    return Buffer.buffer(json.append("]}").toString());
  }

  private static StringBuilder event(StringBuilder json, int visitors, long sentNanos) {
    return json.append("{\"event_type\":\"page_view\",\"visitor_id\":\"v")
        .append(ThreadLocalRandom.current().nextInt(visitors))
        .append("\",\"data\":{\"bench_sent_ns\":")
        .append(sentNanos)
        .append("}}");
  }

  static HttpClientOptions clientOptions() {
    return new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true)
        // Never closed for idleness (0): the open loop's start opens more connections than its
        // steady rate uses, and the pool closed the idle ones a minute later, in the measured window.
        .setKeepAliveTimeout(0)
        .setPipelining(false)
        .setTcpNoDelay(true)
        .setConnectTimeout((int) CONNECT_TIMEOUT_MS);
  }

  /** A JSON request to the gateway, authenticated with the bench's key. */
  static RequestOptions request(WebhookOptions options, HttpMethod method, String path) {
    return new RequestOptions()
        .setMethod(method)
        .setHost(options.host())
        .setPort(options.port())
        .setURI(path)
        // Bounds the wait for a pooled connection as well as the answer, so that every request
        // ends within about twice this time whatever the gateway does.
        .setConnectTimeout(REQUEST_TIMEOUT_MS)
        .setIdleTimeout(REQUEST_TIMEOUT_MS)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + options.key());
  }
}
