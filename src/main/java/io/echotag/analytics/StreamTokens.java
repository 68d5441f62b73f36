package io.echotag.analytics;

import io.echotag.common.Times;
import io.echotag.keys.Principal;
import io.echotag.keys.Scope;
import io.echotag.projects.Project;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Stream tokens for browsers' {@code EventSource}, which cannot send an Authorization header:
 * {@code rt1.<organization_id>.<project_id>.<expires_epoch_s>.<signature>}, the signature an
 * HMAC-SHA256 of the rest under a server secret kept in the database ({@code server_secrets}),
 * so every node of a cluster checks every node's tokens, across restarts, without a lookup per
 * token. A token is stateless: it stays valid until it expires (1 h), even if the key that asked
 * for it is revoked meanwhile — it only ever reads one project's realtime stream.
 */
public final class StreamTokens {
  /** The one path that accepts {@code ?access_token=}. */
  public static final String STREAM_PATH = "/v1/analytics/realtime/stream";
  static final Duration LIFETIME = Duration.ofHours(1);
  static final String SECRET_NAME = "realtime_stream_token";
  private static final String VERSION = "rt1";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;
  private Future<byte[]> secret;

  public StreamTokens(Pool pool) {
    this.pool = pool;
  }

  /** A token for {@code project}, valid for an hour from {@code now}: {@code {"token", "expires_at"}}. */
  Future<JsonObject> issue(Project project, Instant now) {
    long expires = now.plus(LIFETIME).getEpochSecond();
    String payload = VERSION + "." + project.organizationId() + "." + project.id() + "." + expires;
    return secret().map(key -> new JsonObject()
        .put("token", payload + "." + sign(key, payload))
        .put("expires_at", Times.format(Instant.ofEpochSecond(expires))));
  }

  /**
   * The principal a token stands for (read scope, its one project), or null when the token is
   * malformed, wrongly signed or expired.
   */
  public Future<Principal> verify(String token) {
    String[] parts = token == null ? new String[0] : token.split("\\.", -1);
    if (parts.length != 5 || !parts[0].equals(VERSION) || !parts[3].matches("[0-9]{1,12}")) {
      return Future.succeededFuture(null);
    }
    Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[3]));
    if (!Instant.now().isBefore(expires)) {
      return Future.succeededFuture(null);
    }
    String payload = token.substring(0, token.lastIndexOf('.'));
    return secret().map(key -> {
      byte[] expected = sign(key, payload).getBytes(StandardCharsets.US_ASCII);
      if (!MessageDigest.isEqual(expected, parts[4].getBytes(StandardCharsets.US_ASCII))) {
        return null;
      }
      return new Principal("stream_token", parts[1], "realtime stream token", Set.of(Scope.READ),
          List.of(parts[2]), parts[2], expires);
    });
  }

  private synchronized Future<byte[]> secret() {
    if (secret == null || secret.failed()) {
      byte[] fresh = new byte[32];
      RANDOM.nextBytes(fresh);
      secret = pool.preparedQuery(RealtimeSql.SECRET).execute(Tuple.of(SECRET_NAME, Buffer.buffer(fresh)))
          .map(rows -> rows.iterator().next().getBuffer("secret").getBytes());
    }
    return secret;
  }

  private static String sign(byte[] key, String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
