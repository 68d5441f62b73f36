package io.echotag.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The default database: a real PostgreSQL 17 run from the jar with its data kept in
 * {@code <data_dir>/pg} between runs. Blocking; call it on a worker thread before deploying.
 *
 * <p>A {@code kill -9} of the gateway leaves the postmaster running without its parent. On the
 * next start the {@code postmaster.pid} in the data directory names it: we ask it to shut down
 * (fast mode) and wait, so that a crash never needs a person to clean up. A postmaster whose
 * gateway still runs (it holds {@code epg-lock}) is not an orphan: that start fails instead.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  static final Duration STALE_SHUTDOWN_WAIT = Duration.ofSeconds(30);
  /** The file EmbeddedPostgres keeps locked in the data directory while it runs PostgreSQL there. */
  static final String LOCK_FILE = "epg-lock";

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;
  private final WritebackPacer pacer;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory, WritebackPacer pacer) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
    this.pacer = pacer;
  }

  /** {@link #start(Path, int, long)} without writeback pacing. */
  public static EmbeddedDatabase start(Path dataDirectory, int port) throws IOException {
    return start(dataDirectory, port, 0);
  }

  /**
   * Starts PostgreSQL on {@code dataDirectory} (created on first use), on {@code port} or any free
   * port when 0; its growing table files are written to disk every {@code writebackMs}
   * ({@link WritebackPacer}; 0 = not paced).
   */
  public static EmbeddedDatabase start(Path dataDirectory, int port, long writebackMs) throws IOException {
    Files.createDirectories(dataDirectory);
    stopOrphan(dataDirectory);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        // The library's defaults favour test speed; a 2xx of ours promises a durable commit.
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("fsync", "on")
        .setServerConfig("max_connections", "200")
        // Statistics soon after a table starts to grow. The pool's prepared statements keep
        // their generic plans until the next ANALYZE of the tables they read, so a plan made
        // while a table was nearly empty (a hash join over a sequential scan) otherwise stays
        // for the first minute of load: recording a batch of delivery attempts took 41 ms
        // instead of 0.4 ms in the webhook benchmark's first minute.
        .setServerConfig("autovacuum_naptime", "5s")
        // A checkpoint every 30 s (the default is 5 min) keeps the kernel from holding the
        // tables' new pages dirty until its 30 s expiry and then writing them back in one
        // burst, which stalls every commit's WAL flush behind it (40-50 ms on a small disk):
        // the checkpointer writes them in small steps instead (checkpoint_flush_after), and
        // WAL segments are recycled from the first checkpoint on rather than created. The
        // cost is more full-page images in the WAL after each checkpoint.
        .setServerConfig("checkpoint_timeout", "30s");
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
    LOG.info("Embedded PostgreSQL started on port {} with data in {}", postgres.getPort(), dataDirectory);
    return new EmbeddedDatabase(postgres, dataDirectory,
        writebackMs > 0 ? WritebackPacer.start(dataDirectory, writebackMs) : null);
  }

  public int port() {
    return postgres.getPort();
  }

  /** Table files the writeback pacer has synced (0 when not paced). */
  long writebackSyncs() {
    return pacer == null ? 0 : pacer.syncs();
  }

  public DatabaseTarget target() {
    return new DatabaseTarget("localhost", port(), "postgres", "postgres", "postgres");
  }

  @Override
  public void close() throws IOException {
    if (pacer != null) {
      pacer.close();
    }
    postgres.close();
    LOG.info("Embedded PostgreSQL stopped ({})", dataDirectory);
  }

  /** Stops a postmaster left running on this data directory by a process that died. */
  static void stopOrphan(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    Optional<ProcessHandle> orphan = readPid(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
        .filter(EmbeddedDatabase::isPostgres);
    if (orphan.isEmpty()) {
      LOG.info("Found a stale postmaster.pid in {} with no live server; PostgreSQL will replace it", dataDirectory);
      return;
    }
    ProcessHandle process = orphan.get();
    if (lockedByLiveProcess(dataDirectory)) {
      throw new IOException("PostgreSQL (pid " + process.pid() + ") in " + dataDirectory + " belongs to a running "
          + "process that holds " + dataDirectory.resolve(LOCK_FILE) + "; is another EchoTag using this data_dir?");
    }
    LOG.warn("A PostgreSQL server (pid {}) left by an earlier run still holds {}; stopping it", process.pid(),
        dataDirectory);
    signal(process, "-INT");
    try {
      process.onExit().get(STALE_SHUTDOWN_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("PostgreSQL (pid {}) did not stop within {}; killing it", process.pid(), STALE_SHUTDOWN_WAIT);
      process.destroyForcibly();
      process.onExit().join();
    }
  }

  /**
   * True while a live process runs PostgreSQL on this directory: EmbeddedPostgres holds an exclusive
   * lock on {@code epg-lock} for as long as it runs it, and the system drops that lock when its
   * holder dies. So a postmaster whose lock can be taken has been left behind; one whose lock is held
   * is still someone's database and must not be stopped.
   */
  static boolean lockedByLiveProcess(Path dataDirectory) throws IOException {
    Path lockFile = dataDirectory.resolve(LOCK_FILE);
    if (!Files.isRegularFile(lockFile)) {
      return false;
    }
    FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
    try {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        lock.release();
      }
      channel.close();
      return lock == null;
    } catch (OverlappingFileLockException e) {
      // Held by this JVM. The channel stays open: closing it would drop that lock too, since POSIX
      // locks belong to the process. Only one JVM running two gateways on one directory gets here.
      return true;
    }
  }

  private static Optional<Long> readPid(Path pidFile) throws IOException {
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isPostgres(ProcessHandle process) {
    return process.info().command().map(c -> c.endsWith("postgres") || c.contains("/postgres")).orElse(true);
  }

  private static void signal(ProcessHandle process, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() == 0) {
        return;
      }
    } catch (IOException e) {
      LOG.debug("kill {} failed: {}", signal, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroy();
  }
}
