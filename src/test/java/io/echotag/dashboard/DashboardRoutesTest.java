package io.echotag.dashboard;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("dashboard: static page at / and /dashboard")
class DashboardRoutesTest {
  static TestGateway gateway;
  static Api anonymous;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    anonymous = gateway.api().withKey(null);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("/ and /dashboard serve the page without a key, with a same-origin CSP")
  void page() {
    for (String path : new String[] {"/", "/dashboard"}) {
      Api.Response response = anonymous.get(path);
      assertThat(response.status()).as(path).isEqualTo(200);
      assertThat(response.header("Content-Type")).as(path).startsWith("text/html");
      assertThat(response.body()).as(path).contains("<title>EchoTag · Live</title>", "/dashboard/dashboard.js");
      assertThat(response.header("Content-Security-Policy")).as(path).contains("default-src 'self'", "connect-src 'self'");
      assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }
  }

  @Test
  @DisplayName("the script and style sheet are served with their types; no other classpath file is reachable (JSON 404)")
  void assets() {
    Api.Response script = anonymous.get("/dashboard/dashboard.js");
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.header("Content-Type")).startsWith("text/javascript");
    assertThat(script.body()).contains("/v1/analytics/realtime/token", "/v1/analytics/realtime/stream");
    Api.Response style = anonymous.get("/dashboard/dashboard.css");
    assertThat(style.status()).isEqualTo(200);
    assertThat(style.header("Content-Type")).startsWith("text/css");
    for (String path : new String[] {"/dashboard/missing.js", "/dashboard/index.html", "/logback.xml", "/dashboard/../logback.xml"}) {
      Api.Response missing = anonymous.get(path);
      assertThat(missing.status()).as(path).isEqualTo(404);
      assertThat(missing.error().getString("type")).as(path).isEqualTo("invalid_request");
    }
  }

  @Test
  @DisplayName("serving the page does not open the API: /v1 still needs a key")
  void apiStillNeedsKey() {
    assertThat(anonymous.get("/v1/events").status()).isEqualTo(401);
  }
}
