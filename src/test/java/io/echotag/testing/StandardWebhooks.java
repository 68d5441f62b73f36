package io.echotag.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A receiver's view of the Standard Webhooks signature, written from the scheme (and RFC 2104
 * for HMAC over SHA-256) rather than from the gateway's signer, so a test that verifies with it
 * checks the gateway against the contract and not against itself.
 */
public final class StandardWebhooks {
  private static final int BLOCK = 64;

  private StandardWebhooks() {
  }

  /** {@code base64(HMAC-SHA256(base64decode(secret minus "whsec_"), id + "." + timestamp + "." + body))}. */
  public static String expectedSignature(String secret, String id, String timestamp, String body) {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    byte[] message = (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8);
    return Base64.getEncoder().encodeToString(hmacSha256(key, message));
  }

  /** The base64 signatures of a {@code webhook-signature} header: its space-separated {@code v1,<sig>} entries. */
  public static List<String> signatures(String header) {
    List<String> out = new ArrayList<>();
    for (String entry : header.trim().split(" +")) {
      if (!entry.startsWith("v1,")) {
        throw new AssertionError("not a v1 signature entry: " + entry + " in " + header);
      }
      out.add(entry.substring(3));
    }
    return out;
  }

  /** Whether one of the header's signatures was made with {@code secret} over this id, timestamp and body. */
  public static boolean verifies(String secret, String id, String timestamp, String body, String header) {
    String expected = expectedSignature(secret, id, timestamp, body);
    return signatures(header).stream().anyMatch(s -> MessageDigest.isEqual(
        s.getBytes(StandardCharsets.US_ASCII), expected.getBytes(StandardCharsets.US_ASCII)));
  }

  public static byte[] hmacSha256(byte[] key, byte[] message) {
    byte[] k = key.length > BLOCK ? sha256(key) : key;
    byte[] inner = new byte[BLOCK];
    byte[] outer = new byte[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      byte b = i < k.length ? k[i] : 0;
      inner[i] = (byte) (b ^ 0x36);
      outer[i] = (byte) (b ^ 0x5c);
    }
    return sha256(outer, sha256(inner, message));
  }

  private static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
