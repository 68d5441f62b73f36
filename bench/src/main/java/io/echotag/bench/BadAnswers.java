package io.echotag.bench;

import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prints the first few non-2xx answers and transport failures to stderr. A benchmark that
 * silently counts errors invites reading a fast stream of 401s as a fast gateway; a handful of
 * samples shows at once what went wrong without flooding the terminal.
 */
final class BadAnswers {

  private static final int LIMIT = 5;
  private static final int BODY_CHARS = 500;

  private final AtomicInteger statuses = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();

  void status(int status, Buffer body) {
    if (statuses.getAndIncrement() < LIMIT) {
      System.err.println("non-2xx answer: HTTP " + status + " " + abbreviate(body.toString()));
    }
  }

  void failure(Throwable cause) {
    if (failures.getAndIncrement() < LIMIT) {
      System.err.println("request failed: " + cause);
    }
  }

  private static String abbreviate(String text) {
    String flat = text.replace('\n', ' ');
    return flat.length() <= BODY_CHARS ? flat : flat.substring(0, BODY_CHARS) + "...";
  }
}
