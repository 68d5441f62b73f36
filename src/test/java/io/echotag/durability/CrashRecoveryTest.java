package io.echotag.durability;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.echotag.durability.ChildGateway.readPid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ARCHITECTURE.md: a {@code kill -9} of the gateway leaves the embedded PostgreSQL running without
 * its parent, and the next start on the same data directory must deal with it on its own: a crash
 * must never need a person to clean up.
 */
@DisplayName("A gateway killed with SIGKILL")
class CrashRecoveryTest {
  static final String VISITOR = "crash-visitor";

  @TempDir
  Path tmp;

  private ChildGateway child;
  private TestGateway recovered;
  private ExecutorService load;

  @AfterEach
  void stopEverything() throws Exception {
    try {
      if (load != null) {
        load.shutdownNow();
      }
      if (recovered != null) {
        recovered.close();
      }
    } finally {
      if (child != null) {
        child.close();
      }
    }
  }

  @Test
  @DisplayName("leaves an orphaned PostgreSQL that the next start on the same data directory stops by itself; "
      + "that start then serves every event acknowledged before the kill, even those answered just before it")
  void nextStartStopsTheOrphanAndKeepsAcknowledgedEvents() throws Exception {
    Crash crash = crashUnderLoad();
    ProcessHandle postmaster = child.postmaster();
    Path pidFile = child.postmasterPidFile();
    assertThat(pidFile).as("postmaster.pid after the kill").isRegularFile();
    assertThat(readPid(pidFile)).isEqualTo(postmaster.pid());
    assertThat(postmaster.isAlive()).as("the postmaster named in postmaster.pid outlives the gateway").isTrue();

    recovered = TestGateway.start(embeddedOn(child));

    assertThat(postmaster.isAlive()).as("the orphaned postmaster (pid %d) after the next start", postmaster.pid())
        .isFalse();
    long newPid = readPid(pidFile);
    assertThat(newPid).as("the new postmaster").isNotEqualTo(postmaster.pid());
    assertThat(ProcessHandle.of(newPid).map(ProcessHandle::isAlive)).contains(true);
    assertEveryAcknowledgedEventIsServed(crash);
  }

  @Test
  @DisplayName("together with its PostgreSQL leaves a stale postmaster.pid that the next start gets past, "
      + "serving every event acknowledged before the kill")
  void nextStartGetsPastAStalePidFile() throws Exception {
    Crash crash = crashUnderLoad();
    ProcessHandle postmaster = child.postmaster();
    // As when the whole machine or container dies: every PostgreSQL process is killed at once.
    List<ProcessHandle> postgresProcesses = new ArrayList<>(postmaster.descendants().toList());
    postgresProcesses.add(postmaster);
    postgresProcesses.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle process : postgresProcesses) {
      process.onExit().get(30, TimeUnit.SECONDS);
    }
    Path pidFile = child.postmasterPidFile();
    assertThat(pidFile).as("postmaster.pid after killing PostgreSQL too").isRegularFile();
    assertThat(ProcessHandle.of(readPid(pidFile)).filter(ProcessHandle::isAlive)).as("a live process it names")
        .isEmpty();

    recovered = TestGateway.start(embeddedOn(child));

    assertThat(ProcessHandle.of(readPid(pidFile)).map(ProcessHandle::isAlive)).as("the new postmaster")
        .contains(true);
    assertEveryAcknowledgedEventIsServed(crash);
  }

  /** What a crash left: the ids answered 201 and how many events were sent at all. */
  record Crash(Set<String> acknowledged, int sent) {
  }

  /** Starts the gateway as a child JVM, ingests, and SIGKILLs it while four clients keep ingesting. */
  private Crash crashUnderLoad() throws Exception {
    child = ChildGateway.launch(tmp, tmp.resolve("data"), TestGateway.randomKey());
    Api api = child.api();

    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger seq = new AtomicInteger();
    for (int i = 0; i < 20; i++) {
      Api.Response response = track(api, seq.incrementAndGet());
      assertThat(response.status()).as("event %d: %s", i, response).isEqualTo(201);
      acknowledged.add(response.json().getString("id"));
    }

    // Keep ingesting while the kill lands: the events answered 201 last must survive too.
    AtomicBoolean killed = new AtomicBoolean();
    load = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      load.submit(() -> {
        while (!killed.get()) {
          try {
            Api.Response response = track(api, seq.incrementAndGet());
            if (response.status() == 201) {
              acknowledged.add(response.json().getString("id"));
            }
          } catch (IllegalStateException e) {
            return; // the connection died with the process
          }
        }
      });
    }
    int beforeLoad = acknowledged.size();
    TestGateway.await("more events acknowledged under load", 30_000, () -> acknowledged.size() >= beforeLoad + 40);

    Process process = child.process();
    process.destroyForcibly();
    killed.set(true);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the gateway JVM died").isTrue();
    assertThat(process.exitValue()).as("exit status of a SIGKILLed JVM").isEqualTo(128 + 9);
    load.shutdown();
    assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).as("load threads finished").isTrue();
    return new Crash(Set.copyOf(acknowledged), seq.get());
  }

  private static JsonObject embeddedOn(ChildGateway child) {
    return new JsonObject()
        .put("database", new JsonObject().put("url", ""))
        .put("data_dir", child.dataDir().toString())
        .put("bootstrap_key", child.key());
  }

  private void assertEveryAcknowledgedEventIsServed(Crash crash) {
    List<String> listed = new ArrayList<>();
    recovered.api().get("/v1/events?visitor_id=" + VISITOR + "&limit=1000").data()
        .forEach(e -> listed.add(((JsonObject) e).getString("id")));
    assertThat(new HashSet<>(listed)).as("events after recovery").containsAll(crash.acknowledged());
    // A request cut off by the kill may have been committed without its answer; it was still sent.
    assertThat(listed.size()).isBetween(crash.acknowledged().size(), crash.sent());
    assertThat(recovered.api().get("/v1/visitors/" + VISITOR).json().getLong("event_count"))
        .as("the visitor's event count").isEqualTo(listed.size());
    Api.Response after = track(recovered.api(), crash.sent() + 1);
    assertThat(after.status()).as("ingest after recovery: %s", after).isEqualTo(201);
  }

  private static Api.Response track(Api api, int seq) {
    return api.post("/v1/events", new JsonObject()
        .put("event_type", "page_view")
        .put("visitor_id", VISITOR)
        .put("data", new JsonObject().put("seq", seq)));
  }
}
