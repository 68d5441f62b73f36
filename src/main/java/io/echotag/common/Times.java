package io.echotag.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** The API's timestamps: ISO-8601 UTC with milliseconds, {@code 2025-01-27T10:15:30.123Z}. */
public final class Times {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final long SECONDS_PER_DAY = 86_400;
  /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: four-digit years, formatted by hand. */
  private static final long FIRST_FAST_SECOND = -62_167_219_200L;
  private static final long LAST_FAST_SECOND = 253_402_300_799L;

  private Times() {
  }

  /**
   * The API's form of {@code instant}. Every stored event, delivery and attempt goes through
   * here, so four-digit years are written by hand into one buffer (what {@code FORMAT} would
   * write, without its per-call objects); other years fall back to {@code FORMAT}.
   */
  public static String format(Instant instant) {
    if (instant == null) {
      return null;
    }
    long seconds = instant.getEpochSecond();
    if (seconds < FIRST_FAST_SECOND || seconds > LAST_FAST_SECOND) {
      return FORMAT.format(instant);
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, SECONDS_PER_DAY));
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    byte[] text = new byte[24];
    digits(text, 0, date.getYear(), 4);
    text[4] = '-';
    digits(text, 5, date.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, date.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, secondOfDay / 3600, 2);
    text[13] = ':';
    digits(text, 14, secondOfDay / 60 % 60, 2);
    text[16] = ':';
    digits(text, 17, secondOfDay % 60, 2);
    text[19] = '.';
    digits(text, 20, instant.getNano() / 1_000_000, 3);
    text[23] = 'Z';
    return new String(text, StandardCharsets.US_ASCII);
  }

  /** Writes {@code value} as exactly {@code width} decimal digits at {@code offset}. */
  private static void digits(byte[] text, int offset, int value, int width) {
    for (int i = offset + width - 1; i >= offset; i--) {
      text[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  public static String format(OffsetDateTime time) {
    return time == null ? null : format(time.toInstant());
  }

  /** Parses an ISO-8601 instant with a zone or offset; returns null when it is not one. */
  public static Instant parseInstant(String text) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The time truncated to what the API shows and PostgreSQL keeps for us: milliseconds. */
  public static Instant millis(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS);
  }

  public static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
