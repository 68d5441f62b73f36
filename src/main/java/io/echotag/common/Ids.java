package io.echotag.common;

import java.security.SecureRandom;

/**
 * Server ids: a type prefix and 26 Crockford base-32 characters, the first ten of which encode
 * the creation time in milliseconds, so ids sort by time (ULID layout), then 80 random bits.
 */
public final class Ids {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {
  }

  /** A new id such as {@code evt_01JH3Q0Z8X4V6T2R9M5N7K1B3C}; {@code prefix} without the underscore. */
  public static String next(String prefix) {
    return next(prefix, System.currentTimeMillis());
  }

  static String next(String prefix, long epochMillis) {
    char[] out = new char[prefix.length() + 1 + 26];
    prefix.getChars(0, prefix.length(), out, 0);
    int p = prefix.length();
    out[p++] = '_';
    for (int i = 9; i >= 0; i--) {
      out[p + i] = ALPHABET[(int) (epochMillis & 31)];
      epochMillis >>>= 5;
    }
    p += 10;
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 5; i++) {
      hi = (hi << 8) | (random[i] & 0xff);
      lo = (lo << 8) | (random[i + 5] & 0xff);
    }
    for (int i = 7; i >= 0; i--) {
      out[p + i] = ALPHABET[(int) (hi & 31)];
      hi >>>= 5;
      out[p + 8 + i] = ALPHABET[(int) (lo & 31)];
      lo >>>= 5;
    }
    return new String(out);
  }
}
