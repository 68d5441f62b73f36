package io.echotag.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("ConfigLoader")
class ConfigLoaderTest {
  @TempDir
  Path dir;

  /** Loads with exactly the given environment, never the process's own. */
  EchoTagConfig load(Map<String, String> env) {
    return ConfigLoader.load(env, null);
  }

  @Test
  @DisplayName("without overrides the bundled defaults apply")
  void defaults() {
    EchoTagConfig config = load(Map.of());

    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.http().host()).isEqualTo("0.0.0.0");
    assertThat(config.http().bodyLimit()).isEqualTo(1_048_576L);
    assertThat(config.ingest().batchMaxEvents()).isEqualTo(2500);
    assertThat(config.ingest().batchBodyLimit()).isEqualTo(4L * 1024 * 1024);
    assertThat(config.ingest().dataMaxBytes()).isEqualTo(32 * 1024);
    assertThat(config.ingest().idempotencyWindowDays()).isEqualTo(7);
    assertThat(config.database().embedded()).isTrue();
    assertThat(config.webhooks().allowPrivateNetworks()).isFalse();
    assertThat(config.rateLimit().enabled()).isTrue();
  }

  @Test
  @DisplayName("envName upper-cases the key path, turns . into _ and prefixes ECHOTAG_")
  void envName() {
    assertThat(ConfigLoader.envName("http.port")).isEqualTo("ECHOTAG_HTTP_PORT");
    assertThat(ConfigLoader.envName("webhooks.allow_private_networks"))
        .isEqualTo("ECHOTAG_WEBHOOKS_ALLOW_PRIVATE_NETWORKS");
    assertThat(ConfigLoader.envName("data_dir")).isEqualTo("ECHOTAG_DATA_DIR");
  }

  @Test
  @DisplayName("ECHOTAG_* variables override numbers, booleans and strings, each parsed as its default's type")
  void envOverrides() {
    EchoTagConfig config = load(Map.of(
        "ECHOTAG_HTTP_PORT", "9090",
        "ECHOTAG_HTTP_BODY_LIMIT", " 4096 ",
        "ECHOTAG_HTTP_HOST", "127.0.0.1",
        "ECHOTAG_INGEST_BATCH_MAX_EVENTS", "10",
        "ECHOTAG_RATE_LIMIT_ENABLED", "false",
        "ECHOTAG_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", "TRUE",
        "ECHOTAG_DATABASE_URL", "postgresql://u:p@db.example:5432/echotag",
        "ECHOTAG_DATA_DIR", "/var/lib/echotag"));

    assertThat(config.http().port()).isEqualTo(9090);
    assertThat(config.http().bodyLimit()).isEqualTo(4096L);
    assertThat(config.http().host()).isEqualTo("127.0.0.1");
    assertThat(config.ingest().batchMaxEvents()).isEqualTo(10);
    assertThat(config.rateLimit().enabled()).isFalse();
    assertThat(config.webhooks().allowPrivateNetworks()).isTrue();
    assertThat(config.database().url()).isEqualTo("postgresql://u:p@db.example:5432/echotag");
    assertThat(config.database().embedded()).isFalse();
    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/echotag"));
    assertThat(config.raw().getJsonObject("http").getValue("port")).isInstanceOf(Number.class);
  }

  @Test
  @DisplayName("variables that name no configuration key are ignored")
  void unknownVariables() {
    EchoTagConfig config = load(Map.of("ECHOTAG_NOPE", "x", "ECHOTAG_HTTP", "y", "HTTP_PORT", "1"));
    assertThat(config.http().port()).isEqualTo(8080);
  }

  @Test
  @DisplayName("a number variable that is not a number fails with a ConfigException naming the variable")
  void badNumber() {
    assertThatThrownBy(() -> load(Map.of("ECHOTAG_HTTP_PORT", "eighty")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ECHOTAG_HTTP_PORT")
        .hasMessageContaining("eighty");
  }

  @Test
  @DisplayName("a boolean variable that is not true/false fails with a ConfigException naming the variable")
  void badBoolean() {
    assertThatThrownBy(() -> load(Map.of("ECHOTAG_RATE_LIMIT_ENABLED", "yes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ECHOTAG_RATE_LIMIT_ENABLED")
        .hasMessageContaining("yes");
  }

  @Test
  @DisplayName("a fraction where a whole number is expected is rejected, naming key and variable")
  void fraction() {
    assertThatThrownBy(() -> load(Map.of("ECHOTAG_INGEST_LINGER_MS", "2.5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.linger_ms")
        .hasMessageContaining("ECHOTAG_INGEST_LINGER_MS");
  }

  @Test
  @DisplayName("out-of-range values are rejected with the key, its variable and the allowed range")
  void outOfRange() {
    assertThatThrownBy(() -> load(Map.of("ECHOTAG_HTTP_PORT", "70000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port")
        .hasMessageContaining("ECHOTAG_HTTP_PORT")
        .hasMessageContaining("between 0 and 65535")
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> load(Map.of("ECHOTAG_HTTP_BODY_LIMIT", "10")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ECHOTAG_HTTP_BODY_LIMIT");
    assertThatThrownBy(() -> load(Map.of("ECHOTAG_INGEST_BATCH_MAX_EVENTS", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ECHOTAG_INGEST_BATCH_MAX_EVENTS");
    assertThatThrownBy(() -> load(Map.of("ECHOTAG_RETRY_AFTER_SECONDS", "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ECHOTAG_RETRY_AFTER_SECONDS");
  }

  @Test
  @DisplayName("every problem is reported in one ConfigException, not only the first")
  void allProblems() {
    assertThatThrownBy(() -> load(Map.of("ECHOTAG_HTTP_PORT", "-5", "ECHOTAG_INGEST_MAX_BATCH", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ECHOTAG_HTTP_PORT")
        .hasMessageContaining("ECHOTAG_INGEST_MAX_BATCH");
  }

  @Test
  @DisplayName("programmatic overrides win over environment variables and are range-checked too")
  void overrides() {
    EchoTagConfig config = ConfigLoader.load(Map.of("ECHOTAG_HTTP_PORT", "9090"),
        new JsonObject().put("http", new JsonObject().put("port", 7070)));
    assertThat(config.http().port()).isEqualTo(7070);
    assertThat(config.http().host()).as("sibling keys keep their defaults").isEqualTo("0.0.0.0");

    assertThatThrownBy(() -> ConfigLoader.load(Map.of(),
        new JsonObject().put("ingest", new JsonObject().put("data_max_bytes", 1))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.data_max_bytes");
  }

  @Test
  @DisplayName("the file named by ECHOTAG_CONFIG overrides the defaults, and variables override the file")
  void configFile() throws IOException {
    Path file = dir.resolve("echotag.json");
    Files.writeString(file, "{\"http\": {\"port\": 8181, \"body_limit\": 2048}}");

    EchoTagConfig fromFile = load(Map.of("ECHOTAG_CONFIG", file.toString()));
    EchoTagConfig fromEnv = load(Map.of("ECHOTAG_CONFIG", file.toString(), "ECHOTAG_HTTP_PORT", "8282"));

    assertThat(fromFile.http().port()).isEqualTo(8181);
    assertThat(fromFile.http().bodyLimit()).isEqualTo(2048L);
    assertThat(fromEnv.http().port()).isEqualTo(8282);
    assertThat(fromEnv.http().bodyLimit()).isEqualTo(2048L);
  }

  @Test
  @DisplayName("ECHOTAG_CONFIG naming a missing file or a file that is not JSON stops start-up")
  void badConfigFile() throws IOException {
    assertThatThrownBy(() -> load(Map.of("ECHOTAG_CONFIG", dir.resolve("absent.json").toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ECHOTAG_CONFIG");

    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"http\": ");
    assertThatThrownBy(() -> load(Map.of("ECHOTAG_CONFIG", broken.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("broken.json");
  }

  @Test
  @DisplayName("a bootstrap key or database URL of the wrong shape is rejected; the URL's password is masked")
  void shapes() {
    assertThatThrownBy(() -> load(Map.of("ECHOTAG_BOOTSTRAP_KEY", "secret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ECHOTAG_BOOTSTRAP_KEY");
    assertThatThrownBy(() -> load(Map.of("ECHOTAG_DATABASE_URL", "mysql://root:hunter2@db/echotag")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ECHOTAG_DATABASE_URL")
        .hasMessageNotContaining("hunter2");
  }
}
