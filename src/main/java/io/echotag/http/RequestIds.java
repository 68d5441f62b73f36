package io.echotag.http;

import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Gives every request an id, echoed from {@code X-Request-Id} when the client sent a sane one. */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "request_id";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");

  private RequestIds() {
  }

  static void assign(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && SANE.matcher(given).matches() ? given : generate();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  public static String get(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  private static String generate() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "req_" + Long.toString(System.currentTimeMillis(), 36) + Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
  }
}
