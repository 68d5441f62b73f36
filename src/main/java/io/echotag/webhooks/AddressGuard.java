package io.echotag.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Refuses webhook targets that point inside the network (SSRF). Checked when a webhook is saved
 * and again on every connection, against the address actually connected to, so DNS rebinding
 * gains nothing. Host spellings that C resolvers accept ({@code 2130706433}, {@code 0x7f.1},
 * {@code 0177.0.0.1}, {@code 127.1}) are read as the addresses they are.
 *
 * <p>{@code webhooks.allow_private_networks} lifts the private ranges (loopback, RFC 1918, CGNAT,
 * IPv6 ULA) for development and tests; the unspecified, link-local (cloud metadata), multicast and
 * broadcast addresses stay refused.
 */
public final class AddressGuard {
  /** How an address is judged. */
  public enum Verdict { PUBLIC, PRIVATE, FORBIDDEN }

  private final boolean allowPrivate;

  public AddressGuard(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  public boolean allows(InetAddress address) {
    Verdict verdict = classify(address);
    return verdict == Verdict.PUBLIC || (verdict == Verdict.PRIVATE && allowPrivate);
  }

  /** The URL's problem for a person to read, or null when its scheme and host are acceptable. */
  public String urlProblem(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      return "url is not a valid URL";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "url must use http or https";
    }
    String host = host(uri);
    if (host == null || host.isEmpty()) {
      return "url must name a host";
    }
    InetAddress literal = literal(host);
    if (literal != null && !allows(literal)) {
      return "url points to a " + (classify(literal) == Verdict.PRIVATE ? "private or loopback" : "forbidden")
          + " address (" + literal.getHostAddress() + ")";
    }
    return null;
  }

  /** The host of a URI without IPv6 brackets or a trailing dot. */
  public static String host(URI uri) {
    String host = uri.getHost();
    if (host == null) {
      return null;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  /** The address a host spelling stands for without DNS (IPv4 in any inet_aton form, or IPv6), else null. */
  public static InetAddress literal(String host) {
    if (host.contains(":")) {
      try {
        return InetAddress.getByName(host.startsWith("[") ? host : "[" + host + "]");
      } catch (UnknownHostException e) {
        return null;
      }
    }
    long value = ipv4Number(host);
    if (value < 0) {
      return null;
    }
    byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** inet_aton: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the rest. */
  static long ipv4Number(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length < 1 || parts.length > 4) {
      return -1;
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = part(parts[i]);
      if (values[i] < 0) {
        return -1;
      }
    }
    long result = 0;
    for (int i = 0; i < parts.length - 1; i++) {
      if (values[i] > 255) {
        return -1;
      }
      result |= values[i] << (8 * (3 - i));
    }
    long last = values[parts.length - 1];
    int lastBytes = 4 - (parts.length - 1);
    if (last >= (1L << (8 * lastBytes))) {
      return -1;
    }
    return result | last;
  }

  private static long part(String part) {
    if (part.isEmpty()) {
      return -1;
    }
    try {
      if (part.startsWith("0x") || part.startsWith("0X")) {
        return part.length() == 2 ? 0 : Long.parseLong(part.substring(2), 16);
      }
      if (part.length() > 1 && part.startsWith("0")) {
        return Long.parseLong(part.substring(1), 8);
      }
      return part.chars().allMatch(Character::isDigit) ? Long.parseLong(part) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public static Verdict classify(InetAddress address) {
    if (address instanceof Inet4Address) {
      return classifyV4(address.getAddress());
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet6Address) {
      if (isZero(b, 0, 16)) {
        return Verdict.FORBIDDEN;
      }
      if (isZero(b, 0, 15) && b[15] == 1) {
        return Verdict.PRIVATE;
      }
      // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) embed an IPv4 address.
      boolean mapped = isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      boolean compatible = isZero(b, 0, 12);
      boolean nat64 = (b[0] & 0xff) == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
          && isZero(b, 4, 12);
      if (mapped || compatible || nat64) {
        return classifyV4(new byte[] {b[12], b[13], b[14], b[15]});
      }
      if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
        return classifyV4(new byte[] {b[2], b[3], b[4], b[5]});
      }
      if ((b[0] & 0xff) == 0xff) {
        return Verdict.FORBIDDEN;
      }
      if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
        return Verdict.FORBIDDEN;
      }
      if ((b[0] & 0xff) == 0xfd && (b[1] & 0xff) == 0x00 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2
          && isZero(b, 4, 14) && (b[14] & 0xff) == 0x02 && (b[15] & 0xff) == 0x54) {
        return Verdict.FORBIDDEN; // fd00:ec2::254, a cloud metadata address inside the ULA range
      }
      if ((b[0] & 0xfe) == 0xfc) {
        return Verdict.PRIVATE;
      }
    }
    return Verdict.PUBLIC;
  }

  private static Verdict classifyV4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    if (a0 == 0 || a0 >= 224 || (a0 == 169 && a1 == 254)) {
      return Verdict.FORBIDDEN;
    }
    if (a0 == 127 || a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)
        || (a0 == 100 && a1 >= 64 && a1 <= 127)) {
      return Verdict.PRIVATE;
    }
    return Verdict.PUBLIC;
  }

  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
