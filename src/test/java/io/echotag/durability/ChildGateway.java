package io.echotag.durability;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code io.echotag.EchoTag} in a JVM of its own, configured only through the environment as an
 * operator would run it, so that tests can send it real signals (SIGKILL, SIGTERM). Its output
 * goes to a file that is read until it logs its URL.
 */
final class ChildGateway implements AutoCloseable {
  static final Pattern LISTENING = Pattern.compile("EchoTag listening on http://127\\.0\\.0\\.1:(\\d+)");
  static final long START_TIMEOUT_MS = 120_000;

  private final Process process;
  private final Path log;
  private final Path dataDir;
  private final String key;
  private final int port;
  private final ProcessHandle postmaster;

  private ChildGateway(Process process, Path log, Path dataDir, String key, int port) throws IOException {
    this.process = process;
    this.log = log;
    this.dataDir = dataDir;
    this.key = key;
    this.port = port;
    this.postmaster = ProcessHandle.of(readPid(postmasterPidFile())).orElseThrow();
  }

  /** Starts a gateway on the embedded PostgreSQL in {@code dataDir}; returns once it listens. */
  static ChildGateway launch(Path workDir, Path dataDir, String key) throws IOException {
    Path log = workDir.resolve("gateway.log");
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // a small, quick-starting JVM: the machine is shared with builds
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"),
        "io.echotag.EchoTag");
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("ECHOTAG_"));
    env.put("ECHOTAG_HTTP_PORT", "0");
    env.put("ECHOTAG_HTTP_HOST", "127.0.0.1");
    env.put("ECHOTAG_DATA_DIR", dataDir.toString());
    env.put("ECHOTAG_BOOTSTRAP_KEY", key);
    env.put("ECHOTAG_RATE_LIMIT_ENABLED", "false");
    // A working directory of its own, so that no conf/echotag.json of the checkout is read.
    Process process = builder.directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    try {
      return new ChildGateway(process, log, dataDir, key, awaitListening(process, log));
    } catch (IOException | RuntimeException | Error e) {
      process.destroyForcibly();
      throw e;
    }
  }

  Process process() {
    return process;
  }

  /** The embedded PostgreSQL this gateway started (it outlives a SIGKILL of the gateway). */
  ProcessHandle postmaster() {
    return postmaster;
  }

  Api api() {
    return new Api("http://127.0.0.1:" + port, key);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  String key() {
    return key;
  }

  Path dataDir() {
    return dataDir;
  }

  Path postmasterPidFile() {
    return dataDir.resolve("pg/postmaster.pid");
  }

  /** Everything the process has written to stdout and stderr so far. */
  String output() {
    return read(log);
  }

  /**
   * Stops the gateway if it still runs (SIGTERM, then SIGKILL), then the PostgreSQL it started if
   * that still runs, so that a failed test leaves no process behind.
   */
  @Override
  public void close() throws InterruptedException {
    stop(process.toHandle());
    stop(postmaster);
  }

  private static void stop(ProcessHandle handle) throws InterruptedException {
    if (!handle.isAlive()) {
      return;
    }
    handle.destroy();
    try {
      handle.onExit().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      handle.destroyForcibly();
    }
  }

  /** Reads the output until it names the port; fails with that output if the process dies or takes too long. */
  private static int awaitListening(Process process, Path log) {
    int[] port = {-1};
    TestGateway.await("the child gateway to log its URL", START_TIMEOUT_MS, () -> {
      String output = read(log);
      Matcher m = LISTENING.matcher(output);
      if (m.find()) {
        port[0] = Integer.parseInt(m.group(1));
        return true;
      }
      if (!process.isAlive()) {
        throw new AssertionError("the child gateway exited with " + process.exitValue() + ":\n" + output);
      }
      return false;
    });
    return port[0];
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static long readPid(Path pidFile) throws IOException {
    String first = Files.readAllLines(pidFile).stream().findFirst()
        .orElseThrow(() -> new AssertionError(pidFile + " is empty"));
    return Long.parseLong(first.trim());
  }
}
