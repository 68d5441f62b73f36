package io.echotag.http;

import io.echotag.common.Times;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * Query parameters. An empty value ({@code event_type=}) means "no filter", exactly as if the
 * parameter were absent: clients built on {@code URLSearchParams} send them.
 */
public final class Query {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private Query() {
  }

  /** The parameter's value, or null when absent or empty. */
  public static String string(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    if (value != null && Bodies.hasNul(value)) {
      throw ApiError.invalid(name, name + " must not contain the NUL character (%00)");
    }
    return value == null || value.isEmpty() ? null : value;
  }

  public static Boolean bool(RoutingContext ctx, String name) {
    String value = string(ctx, name);
    if (value == null) {
      return null;
    }
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    throw ApiError.invalid(name, name + " must be true or false");
  }

  /** {@code limit} and {@code offset}, validated. */
  public static Page page(RoutingContext ctx) {
    return new Page(integer(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT), integer(ctx, "offset", 0, 0, 10_000_000));
  }

  /**
   * A date bound: {@code YYYY-MM-DD} is a whole day in {@code zone} ({@code start_date} takes its
   * first instant; {@code end_date} is inclusive, so it takes the start of the next day and callers
   * compare with {@code <}), or a full ISO-8601 instant.
   */
  public static Instant date(RoutingContext ctx, String name, ZoneId zone, boolean end) {
    String value = string(ctx, name);
    return value == null ? null : dateBound(name, value, zone, end);
  }

  /** {@link #date} for a value read elsewhere (a body field): the same forms, the same error naming {@code name}. */
  public static Instant dateBound(String name, String value, ZoneId zone, boolean end) {
    if (value.length() == 10) {
      try {
        LocalDate day = LocalDate.parse(value);
        return (end ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
      } catch (DateTimeParseException e) {
        throw ApiError.invalid(name, name + " must be YYYY-MM-DD or an ISO-8601 instant");
      }
    }
    Instant instant = Times.parseInstant(value);
    if (instant == null) {
      throw ApiError.invalid(name, name + " must be YYYY-MM-DD or an ISO-8601 instant");
    }
    return end ? instant.plusMillis(1) : instant;
  }

  private static int integer(RoutingContext ctx, String name, int fallback, int min, int max) {
    String value = string(ctx, name);
    if (value == null) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(value);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // fall through to the error below
    }
    throw ApiError.invalid(name, name + " must be a whole number between " + min + " and " + max);
  }
}
