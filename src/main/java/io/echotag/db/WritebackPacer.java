package io.echotag.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the embedded database's growing table files to disk in small steps.
 *
 * <p>PostgreSQL extends a table or index by writing a zero page, which the kernel keeps dirty: the
 * checkpointer later writes the page's content and starts its writeback
 * ({@code checkpoint_flush_after}), but only for pages that were in the buffer pool when its
 * checkpoint began. Under steady ingest the newest tens of megabytes of every growing file stay
 * dirty until the checkpoint's closing {@code fsync} or the kernel's 30 s expiry writes them in one
 * burst, and every commit's WAL flush waits behind that burst on the disk (a device cache flush
 * covers everything written before it). At 1,000 events/s with a webhook the files grow by
 * ~2.7 MB/s, and the kernel held 30-70 MB of them dirty.
 *
 * <p>Every {@code interval}, each file under {@code base/} that grew since the last look is
 * {@code fdatasync}ed from this process, so what the kernel holds stays at one interval's growth.
 * Durability does not depend on it (PostgreSQL's checkpoint still syncs every file); it only moves
 * the writes earlier. Runs on a thread of its own: a sync blocks.
 */
final class WritebackPacer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WritebackPacer.class);

  /** Syncs one file's data; {@link #fdatasync} outside tests. */
  interface Sync {
    void sync(Path file) throws IOException;
  }

  private final Path base;
  private final Sync sync;
  /** Each file's size at the last look (only the files that look found). */
  private Map<Path, Long> sizes = new HashMap<>();
  private final AtomicLong syncs = new AtomicLong();
  private ScheduledExecutorService timer;
  private boolean warned;

  WritebackPacer(Path dataDirectory, Sync sync) {
    this.base = dataDirectory.resolve("base");
    this.sync = sync;
  }

  /** Starts pacing {@code dataDirectory}'s table files every {@code intervalMs}. */
  static WritebackPacer start(Path dataDirectory, long intervalMs) {
    WritebackPacer pacer = new WritebackPacer(dataDirectory, WritebackPacer::fdatasync);
    pacer.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "echotag-writeback");
      thread.setDaemon(true);
      return thread;
    });
    pacer.timer.scheduleWithFixedDelay(pacer::safeTick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    return pacer;
  }

  /** Files synced so far. */
  long syncs() {
    return syncs.get();
  }

  /**
   * One look: syncs the files that grew since the previous look. A file seen for the first time is
   * only remembered (its pages may be old; the checkpoint covers them).
   */
  void tick() throws IOException {
    if (!Files.isDirectory(base)) {
      return;
    }
    // Rebuilt at every look, so that files PostgreSQL dropped (a table rewritten or dropped) are forgotten.
    Map<Path, Long> seen = new HashMap<>();
    try (DirectoryStream<Path> databases = Files.newDirectoryStream(base)) {
      for (Path database : databases) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(database)) {
          for (Path file : files) {
            look(file, seen);
          }
        } catch (NoSuchFileException dropped) {
          // A database dropped meanwhile.
        }
      }
    }
    sizes = seen;
  }

  private void look(Path file, Map<Path, Long> seen) throws IOException {
    try {
      long size = Files.size(file);
      seen.put(file, size);
      Long before = sizes.get(file);
      if (before != null && size > before) {
        sync.sync(file);
        syncs.incrementAndGet();
      }
    } catch (NoSuchFileException dropped) {
      seen.remove(file);
    }
  }

  private void safeTick() {
    try {
      tick();
    } catch (IOException | RuntimeException e) {
      // The kernel and the checkpoint still write everything; only the pacing is lost.
      if (!warned) {
        warned = true;
        LOG.warn("Writeback pacing of {} failed (it keeps trying; this is logged once): {}", base, e.toString());
      }
    }
  }

  private static void fdatasync(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.force(false);
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
