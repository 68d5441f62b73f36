package io.echotag.durability;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.echotag.durability.ChildGateway.readPid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The orphan handling of the embedded database (see {@link CrashRecoveryTest}) must only ever stop a
 * PostgreSQL whose gateway is gone: a second start on a directory that a live gateway runs (a
 * mistaken second instance, a rolling update on the same volume) must not take its database away.
 */
@DisplayName("A gateway started on the data directory of a running one")
class SharedDataDirectoryTest {
  @TempDir
  Path tmp;

  private ChildGateway running;
  private TestGateway inProcess;

  @AfterEach
  void stopEverything() throws Exception {
    try {
      if (inProcess != null) {
        inProcess.close();
      }
    } finally {
      if (running != null) {
        running.close();
      }
    }
  }

  @Test
  @DisplayName("refuses to start and leaves the running gateway's PostgreSQL serving it")
  void refusesAndLeavesTheRunningDatabaseAlone() throws Exception {
    running = ChildGateway.launch(tmp, tmp.resolve("data"), TestGateway.randomKey());
    Api api = running.api();
    assertThat(api.post("/v1/events", event(1)).status()).isEqualTo(201);
    ProcessHandle postmaster = running.postmaster();

    assertThatThrownBy(() -> TestGateway.start(embeddedOn(running.dataDir(), running.key())))
        .as("a second start on the same data_dir")
        .rootCause().hasMessageContaining(running.dataDir().resolve("pg").toString());

    assertThat(postmaster.isAlive()).as("the running gateway's postmaster (pid %d)", postmaster.pid()).isTrue();
    assertThat(readPid(running.postmasterPidFile())).isEqualTo(postmaster.pid());
    Api.Response after = api.post("/v1/events", event(2));
    assertThat(after.status()).as("ingest on the running gateway afterwards: %s", after).isEqualTo(201);
    assertThat(api.get("/v1/events?limit=10").data()).hasSize(2);
  }

  @Test
  @DisplayName("refuses to start and leaves the running gateway's PostgreSQL alone also when both run in one JVM")
  void refusesInTheSameJvm() throws Exception {
    Path dataDir = tmp.resolve("data");
    inProcess = TestGateway.start(embeddedOn(dataDir, TestGateway.randomKey()));
    ProcessHandle postmaster = ProcessHandle.of(readPid(dataDir.resolve("pg/postmaster.pid"))).orElseThrow();

    assertThatThrownBy(() -> TestGateway.start(embeddedOn(dataDir, inProcess.adminKey())))
        .as("a second start on the same data_dir").rootCause().hasMessageContaining(dataDir.resolve("pg").toString());

    assertThat(postmaster.isAlive()).as("the running gateway's postmaster (pid %d)", postmaster.pid()).isTrue();
    assertThat(inProcess.api().post("/v1/events", event(1)).status()).isEqualTo(201);
  }

  private static JsonObject embeddedOn(Path dataDir, String key) {
    return new JsonObject()
        .put("database", new JsonObject().put("url", ""))
        .put("data_dir", dataDir.toString())
        .put("bootstrap_key", key);
  }

  private static JsonObject event(int seq) {
    return new JsonObject()
        .put("event_type", "page_view")
        .put("visitor_id", "shared-visitor")
        .put("data", new JsonObject().put("seq", seq));
  }
}
