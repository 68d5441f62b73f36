package io.echotag.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Guards the load generator so it can only hit this machine. A load tool pointed at someone
 * else's host is a denial-of-service tool; refusing anything but loopback makes a typo harmless.
 */
final class Loopback {

  private static final Pattern IPV4_127 =
      Pattern.compile("127\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  private Loopback() {
  }

  /** Returns the host without IPv6 brackets, or throws when it is not a loopback host. */
  static String require(String host) {
    String bare = stripBrackets(host == null ? "" : host);
    if (!isLoopbackName(bare) || !resolvesToLoopback(bare)) {
      throw new IllegalArgumentException(
          "refusing non-loopback host '" + host + "': use 127.x.x.x, localhost or [::1]");
    }
    return bare;
  }

  private static String stripBrackets(String host) {
    if (host.startsWith("[") && host.endsWith("]")) {
      return host.substring(1, host.length() - 1);
    }
    return host;
  }

  // Syntactic check first, so that no other name is ever even looked up.
  private static boolean isLoopbackName(String host) {
    if (host.equalsIgnoreCase("localhost") || host.equals("::1")) {
      return true;
    }
    var matcher = IPV4_127.matcher(host);
    if (!matcher.matches()) {
      return false;
    }
    for (int group = 1; group <= 3; group++) {
      if (Integer.parseInt(matcher.group(group)) > 255) {
        return false;
      }
    }
    return true;
  }

  // "localhost" comes from /etc/hosts, which could say anything: check what it really means.
  private static boolean resolvesToLoopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
