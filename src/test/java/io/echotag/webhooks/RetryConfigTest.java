package io.echotag.webhooks;

import io.echotag.http.ApiError;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("RetryConfig.from (retry_config validation)")
class RetryConfigTest {
  static ApiError refused(JsonObject json) {
    return catchThrowableOfType(ApiError.class, () -> RetryConfig.from(json, RetryConfig.DEFAULT));
  }

  static void assertRefused(JsonObject json, String field) {
    ApiError error = refused(json);
    assertThat(error).as("%s", json).isNotNull();
    assertThat(error.status()).as("%s", json).isEqualTo(422);
    assertThat(error.param()).as("%s", json).isEqualTo("retry_config." + field);
    assertThat(error.getMessage()).as("%s", json).startsWith("retry_config." + field);
  }

  @Test
  @DisplayName("the defaults are 3 attempts, multiplier 2, 1000 ms initial and 30000 ms max")
  void defaults() {
    assertThat(RetryConfig.DEFAULT).isEqualTo(new RetryConfig(3, 2, 1000, 30_000));
    assertThat(RetryConfig.from(null, RetryConfig.DEFAULT)).isEqualTo(RetryConfig.DEFAULT);
    assertThat(RetryConfig.from(new JsonObject(), RetryConfig.DEFAULT)).isEqualTo(RetryConfig.DEFAULT);
    assertThat(RetryConfig.DEFAULT.toJson()).isEqualTo(new JsonObject().put("max_attempts", 3)
        .put("backoff_multiplier", 2.0).put("initial_delay", 1000L).put("max_delay", 30_000L));
  }

  @Test
  @DisplayName("given fields replace the base and missing ones keep it")
  void partial() {
    RetryConfig base = new RetryConfig(5, 3, 500, 10_000);
    assertThat(RetryConfig.from(new JsonObject().put("max_attempts", 7), base))
        .isEqualTo(new RetryConfig(7, 3, 500, 10_000));
    assertThat(RetryConfig.from(new JsonObject().put("backoff_multiplier", 1.5).put("max_delay", 60_000), base))
        .isEqualTo(new RetryConfig(5, 1.5, 500, 60_000));
  }

  @Test
  @DisplayName("the limits themselves are accepted: 1 and 20 attempts, multiplier 1 and 10, max_delay equal to initial_delay")
  void limitsAccepted() {
    assertThat(RetryConfig.from(new JsonObject().put("max_attempts", 1), RetryConfig.DEFAULT).maxAttempts())
        .isEqualTo(1);
    assertThat(RetryConfig.from(new JsonObject().put("max_attempts", 20), RetryConfig.DEFAULT).maxAttempts())
        .isEqualTo(20);
    assertThat(RetryConfig.from(new JsonObject().put("backoff_multiplier", 1), RetryConfig.DEFAULT)
        .backoffMultiplier()).isEqualTo(1.0);
    assertThat(RetryConfig.from(new JsonObject().put("backoff_multiplier", 10), RetryConfig.DEFAULT)
        .backoffMultiplier()).isEqualTo(10.0);
    assertThat(RetryConfig.from(new JsonObject().put("initial_delay", 5000).put("max_delay", 5000),
        RetryConfig.DEFAULT)).isEqualTo(new RetryConfig(3, 2, 5000, 5000));
  }

  @Test
  @DisplayName("max_attempts outside 1–20, fractional or not a number is a 422 on retry_config.max_attempts")
  void maxAttempts() {
    assertRefused(new JsonObject().put("max_attempts", 0), "max_attempts");
    assertRefused(new JsonObject().put("max_attempts", 21), "max_attempts");
    assertRefused(new JsonObject().put("max_attempts", -3), "max_attempts");
    assertRefused(new JsonObject().put("max_attempts", 2.5), "max_attempts");
    assertRefused(new JsonObject().put("max_attempts", "3"), "max_attempts");
    assertRefused(new JsonObject().put("max_attempts", true), "max_attempts");
  }

  @Test
  @DisplayName("backoff_multiplier below 1, above 10 or not a number is a 422 on retry_config.backoff_multiplier")
  void multiplier() {
    assertRefused(new JsonObject().put("backoff_multiplier", 0.5), "backoff_multiplier");
    assertRefused(new JsonObject().put("backoff_multiplier", 0), "backoff_multiplier");
    assertRefused(new JsonObject().put("backoff_multiplier", -2), "backoff_multiplier");
    assertRefused(new JsonObject().put("backoff_multiplier", 10.5), "backoff_multiplier");
    assertRefused(new JsonObject().put("backoff_multiplier", "2"), "backoff_multiplier");
  }

  @Test
  @DisplayName("a negative or non-numeric delay is a 422 on that delay")
  void delays() {
    assertRefused(new JsonObject().put("initial_delay", -1), "initial_delay");
    assertRefused(new JsonObject().put("initial_delay", "1s"), "initial_delay");
    assertRefused(new JsonObject().put("max_delay", -1).put("initial_delay", 0), "max_delay");
    assertRefused(new JsonObject().put("max_delay", 1.5), "max_delay");
    assertRefused(new JsonObject().put("max_delay", RetryConfig.MAX_DELAY_CEILING_MS + 1), "max_delay");
  }

  @Test
  @DisplayName("max_delay below initial_delay is a 422 on retry_config.max_delay, also against the base's value")
  void maxBelowInitial() {
    assertRefused(new JsonObject().put("initial_delay", 5000).put("max_delay", 4999), "max_delay");
    assertRefused(new JsonObject().put("initial_delay", 60_000), "max_delay");
    assertRefused(new JsonObject().put("max_delay", 999), "max_delay");
  }
}
