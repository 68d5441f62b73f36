package io.echotag.webhooks;

/** Write-only values: shown as {@code ****} and their last four characters. */
public final class Secrets {
  static final String MASK = "****";

  private Secrets() {
  }

  public static String mask(String value) {
    if (value == null) {
      return null;
    }
    return value.length() <= 8 ? MASK : MASK + value.substring(value.length() - 4);
  }

  /** Whether a value sent back by a client is the masked form of {@code current} (so: unchanged). */
  public static boolean isMaskOf(String given, String current) {
    return given != null && current != null && given.startsWith(MASK) && given.equals(mask(current));
  }
}
