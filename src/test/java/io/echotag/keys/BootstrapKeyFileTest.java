package io.echotag.keys;

import io.echotag.Gateway;
import io.echotag.config.ConfigLoader;
import io.echotag.testing.Api;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The generated bootstrap key and {@code <data_dir>/bootstrap-key} never disagree: the file is
 * written before the key is committed, a key left in the file by a start that stopped before its
 * commit is adopted, and a missing file never leads to a second key.
 */
@DisplayName("The generated bootstrap key")
class BootstrapKeyFileTest {
  static final String LEFT_BY_CRASH = "et_live_" + "LeftByAStartThatCrashedBeforeCommit0123456789";

  @TempDir
  Path dataDir;

  private Gateway gateway;

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.stop();
    }
  }

  @Test
  @DisplayName("is not stored when its file cannot be written: start-up fails, and the next start writes a key "
      + "that works and is the only one")
  void failedWriteStoresNoKey() throws Exception {
    Path file = dataDir.resolve(Bootstrap.FILE_NAME);
    Files.createDirectories(file.resolve("in-the-way"));

    assertThatThrownBy(this::startWithoutKey).as("start-up while bootstrap-key cannot be written")
        .hasStackTraceContaining(Bootstrap.FILE_NAME);
    try (Stream<Path> left = Files.list(dataDir)) {
      assertThat(left.map(p -> p.getFileName().toString())).as("no temporary file left behind")
          .noneMatch(name -> name.endsWith(".tmp"));
    }

    Files.delete(file.resolve("in-the-way"));
    Files.delete(file);
    gateway = startWithoutKey();
    assertThat(file).as("the key file once it can be written").isRegularFile();
    Api api = api(Files.readString(file).trim());
    Api.Response keys = api.get("/v1/auth/keys");
    assertThat(keys.status()).as("an admin call with the written key: %s", keys).isEqualTo(200);
    assertThat(keys.data()).as("keys: none was stored by the failed start").hasSize(1);
  }

  @Test
  @DisplayName("left in the file by a start that stopped before its commit is adopted, not replaced; once stored, "
      + "deleting the file creates no second key")
  void keyInFileIsAdoptedAndNeverDoubled() throws Exception {
    Path file = dataDir.resolve(Bootstrap.FILE_NAME);
    Files.writeString(file, LEFT_BY_CRASH + "\n");

    gateway = startWithoutKey();
    assertThat(Files.readString(file)).as("bootstrap-key after the start").isEqualTo(LEFT_BY_CRASH + "\n");
    Api api = api(LEFT_BY_CRASH);
    Api.Response keys = api.get("/v1/auth/keys");
    assertThat(keys.status()).as("an admin call with the key from the file: %s", keys).isEqualTo(200);
    assertThat(keys.data()).hasSize(1);

    gateway.stop();
    gateway = null;
    Files.delete(file);
    gateway = startWithoutKey();

    assertThat(file).as("bootstrap-key: the stored key cannot be written again, and no new one is made")
        .doesNotExist();
    Api.Response again = api(LEFT_BY_CRASH).get("/v1/auth/keys");
    assertThat(again.status()).as("the first key after the restart: %s", again).isEqualTo(200);
    assertThat(again.data()).as("keys after a start without the file").hasSize(1);
  }

  private Api api(String key) {
    return new Api("http://127.0.0.1:" + gateway.port(), key);
  }

  private Gateway startWithoutKey() throws Exception {
    gateway = Gateway.start(ConfigLoader.load(Map.of(), new JsonObject()
        .put("database", new JsonObject().put("url", ""))
        .put("data_dir", dataDir.toString())
        .put("bootstrap_key", "")
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("rate_limit", new JsonObject().put("enabled", false))));
    return gateway;
  }
}
