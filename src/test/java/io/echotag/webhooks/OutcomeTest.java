package io.echotag.webhooks;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Outcome (how one attempt is judged)")
class OutcomeTest {
  @ParameterizedTest(name = "HTTP {0} → {1}, endpoint unhealthy: {2}")
  @DisplayName("HTTP answers: 2xx succeeds, 408/429/5xx retry, 410 is gone, 3xx and other 4xx fail for good")
  @CsvSource({
      "200, SUCCEEDED, false",
      "201, SUCCEEDED, false",
      "204, SUCCEEDED, false",
      "299, SUCCEEDED, false",
      "301, FAILED,    false",
      "302, FAILED,    false",
      "304, FAILED,    false",
      "400, FAILED,    false",
      "401, FAILED,    false",
      "404, FAILED,    false",
      "408, RETRY,     true",
      "410, GONE,      false",
      "422, FAILED,    false",
      "429, RETRY,     true",
      "500, RETRY,     true",
      "502, RETRY,     true",
      "503, RETRY,     true",
      "504, RETRY,     true"})
  void http(int status, Outcome outcome, boolean unhealthy) {
    String errorCode = status >= 200 && status < 300 ? null : Outcome.E_HTTP;
    assertThat(Outcome.of(status, errorCode)).isEqualTo(outcome);
    assertThat(Outcome.endpointUnhealthy(status, errorCode)).isEqualTo(unhealthy);
  }

  @ParameterizedTest(name = "{0} is retried and counts against the endpoint")
  @DisplayName("network errors without an answer are retried and count for the circuit breaker")
  @ValueSource(strings = {Outcome.E_TIMEOUT, Outcome.E_CONNECTION, Outcome.E_DNS, Outcome.E_TLS})
  void networkErrors(String errorCode) {
    assertThat(Outcome.of(null, errorCode)).isEqualTo(Outcome.RETRY);
    assertThat(Outcome.endpointUnhealthy(null, errorCode)).isTrue();
  }

  @Test
  @DisplayName("a target refused by the address guard fails for good and does not count against the endpoint")
  void invalidTarget() {
    assertThat(Outcome.of(null, Outcome.E_INVALID_TARGET)).isEqualTo(Outcome.FAILED);
    assertThat(Outcome.endpointUnhealthy(null, Outcome.E_INVALID_TARGET)).isFalse();
  }

  @Test
  @DisplayName("the error codes are the documented strings")
  void codes() {
    assertThat(new String[] {Outcome.E_TIMEOUT, Outcome.E_CONNECTION, Outcome.E_DNS, Outcome.E_TLS, Outcome.E_HTTP,
        Outcome.E_INVALID_TARGET}).containsExactly("E_TIMEOUT", "E_CONNECTION", "E_DNS", "E_TLS", "E_HTTP",
        "E_INVALID_TARGET");
  }

  @Test
  @DisplayName("DeliverySender.errorCode maps failures (and their causes) to the documented codes")
  void errorCodes() {
    assertThat(DeliverySender.errorCode(new TimeoutException("late"))).isEqualTo(Outcome.E_TIMEOUT);
    assertThat(DeliverySender.errorCode(new SocketTimeoutException("read timed out"))).isEqualTo(Outcome.E_TIMEOUT);
    assertThat(DeliverySender.errorCode(new UnknownHostException("nowhere.invalid"))).isEqualTo(Outcome.E_DNS);
    assertThat(DeliverySender.errorCode(new SSLHandshakeException("bad certificate"))).isEqualTo(Outcome.E_TLS);
    assertThat(DeliverySender.errorCode(new ConnectException("refused"))).isEqualTo(Outcome.E_CONNECTION);
    assertThat(DeliverySender.errorCode(new IOException("connection reset"))).isEqualTo(Outcome.E_CONNECTION);
    assertThat(DeliverySender.errorCode(new RuntimeException("wrapped", new UnknownHostException("x"))))
        .isEqualTo(Outcome.E_DNS);
    assertThat(DeliverySender.errorCode(new RuntimeException("wrapped", new SSLHandshakeException("x"))))
        .isEqualTo(Outcome.E_TLS);
    assertThat(DeliverySender.errorCode(new io.netty.channel.ConnectTimeoutException("connect timed out")))
        .isEqualTo(Outcome.E_TIMEOUT);
    assertThat(DeliverySender.errorCode(new io.vertx.core.http.HttpClosedException("closed")))
        .isEqualTo(Outcome.E_CONNECTION);
  }
}
