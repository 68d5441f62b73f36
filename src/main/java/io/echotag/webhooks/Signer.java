package io.echotag.webhooks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Standard Webhooks signatures: {@code v1,} + base64 HMAC-SHA256 over
 * {@code <webhook-id>.<webhook-timestamp>.<body>}, keyed with the base64-decoded part of the
 * secret after {@code whsec_}. During a rotation both secrets sign, space-separated.
 */
public final class Signer {
  public static final String SECRET_PREFIX = "whsec_";
  static final int SECRET_BYTES = 24;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Mac.getInstance looks the provider up each time; one instance per thread, re-keyed per signature. */
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  });

  private Signer() {
  }

  public static String newSecret() {
    byte[] bytes = new byte[SECRET_BYTES];
    RANDOM.nextBytes(bytes);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(bytes);
  }

  /** True when {@code secret} is {@code whsec_} + base64 of at least 16 bytes. */
  public static boolean isValidSecret(String secret) {
    if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length())).length >= 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static String sign(String secret, String id, long timestampSeconds, String body) {
    try {
      byte[] key = Base64.getDecoder().decode(secret.startsWith(SECRET_PREFIX)
          ? secret.substring(SECRET_PREFIX.length()) : secret);
      Mac mac = MAC.get();
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest = mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  /** The {@code webhook-signature} header value for every secret in force. */
  public static String header(List<String> secrets, String id, long timestampSeconds, String body) {
    return secrets.stream().map(s -> sign(s, id, timestampSeconds, body)).collect(Collectors.joining(" "));
  }
}
