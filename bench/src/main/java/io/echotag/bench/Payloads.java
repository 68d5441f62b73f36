package io.echotag.bench;

import io.vertx.core.buffer.Buffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds request bodies. Each body is fresh (new visitor ids, new page numbers) so the gateway
 * sees realistic visitor and session churn rather than one hot row.
 */
final class Payloads {

  private static final int PAGES = 10_000;

  private final Mode mode;
  private final int batchSize;
  private final int visitors;

  Payloads(Mode mode, int batchSize, int visitors) {
    this.mode = mode;
    this.batchSize = batchSize;
    this.visitors = visitors;
  }

  Buffer next() {
    return Buffer.buffer(mode == Mode.BATCH ? batch() : event(new StringBuilder(128)).toString());
  }

  private String batch() {
    StringBuilder json = new StringBuilder(16 + batchSize * 112).append("{\"events\":[");
    for (int i = 0; i < batchSize; i++) {
      if (i > 0) {
        json.append(',');
      }
      event(json);
    }
    return json.append("]}").toString();
  }

  private StringBuilder event(StringBuilder json) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return json.append("{\"event_type\":\"page_view\",\"visitor_id\":\"v")
        .append(random.nextInt(visitors))
        .append("\",\"data\":{\"url\":\"https://example.com/p/")
        .append(random.nextInt(PAGES))
        .append("\",\"title\":\"Bench\"}}");
  }
}
