package io.echotag.analytics;

import io.echotag.projects.Project;
import io.echotag.testing.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static io.echotag.testing.TestGateway.await;
import static io.echotag.testing.TestGateway.resultOf;
import static org.assertj.core.api.Assertions.assertThat;

/** The stream-token secret, shared through the database by every verticle and node. */
class StreamTokensTest {
  private static TestGateway gateway;
  private static Pool pool;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    pool = gateway.gateway().services().pool();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("a node that loads the secret while another node is creating it signs with the other node's secret")
  void secretCreatedConcurrently() throws Exception {
    gateway.sql("DELETE FROM server_secrets WHERE name = $1", StreamTokens.SECRET_NAME);
    byte[] theirs = "the secret another node is inserting".getBytes(StandardCharsets.UTF_8);
    SqlConnection other = resultOf(pool.getConnection());
    try {
      Transaction tx = resultOf(other.begin());
      resultOf(other.preparedQuery("INSERT INTO server_secrets (name, secret) VALUES ($1, $2)")
          .execute(Tuple.of(StreamTokens.SECRET_NAME, Buffer.buffer(theirs))));

      Project project = resultOf(gateway.gateway().services().projects().get(gateway.projectId()));
      Future<JsonObject> issued = new StreamTokens(pool).issue(project, Instant.now());
      await("the load to wait on the uncommitted row", 10_000,
          () -> gateway.count("SELECT count(*) FROM pg_locks WHERE NOT granted") > 0);
      resultOf(tx.commit());

      String token = resultOf(issued).getString("token");
      String payload = token.substring(0, token.lastIndexOf('.'));
      assertThat(token.substring(token.lastIndexOf('.') + 1)).isEqualTo(hmac(theirs, payload));
    } finally {
      other.close();
    }
  }

  private static String hmac(byte[] key, String payload) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
  }
}
