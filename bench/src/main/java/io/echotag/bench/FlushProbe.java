package io.echotag.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The disk's flush latency while the gateway is measured: every 5 ms, one 8 KB write and a data
 * sync ({@code fdatasync}) of a file in a directory on the database's disk, the same kind of
 * flush every commit waits for. Runs on a thread of its own over the measured window and keeps
 * the stalls above {@link #STALL_MS} with their offsets into the window, so that they can be
 * set beside the report's slow quarter-seconds.
 */
final class FlushProbe {
  static final long STALL_MS = 20;
  private static final int BLOCK = 8192;
  private static final int BLOCKS = 512;
  private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /** A flush slower than {@link #STALL_MS}: when it started, in seconds from the window's start. */
  record Stall(double offsetSeconds, double millis) {
  }

  record Result(Histogram micros, List<Stall> stalls, String failure) {
  }

  private final Path directory;
  private Thread thread;
  private volatile Result result;

  FlushProbe(Path directory) {
    this.directory = directory;
  }

  /** Probes from {@code fromNanos} to {@code untilNanos} ({@code System.nanoTime()} values). */
  void start(long fromNanos, long untilNanos) {
    thread = new Thread(() -> result = run(fromNanos, untilNanos), "flush-probe");
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits for the probe to end (it ends by itself at the window's end). */
  Result await(long timeoutMillis) throws InterruptedException {
    thread.join(timeoutMillis);
    return result;
  }

  private Result run(long fromNanos, long untilNanos) {
    Histogram micros = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    List<Stall> stalls = new ArrayList<>();
    Path file = directory.resolve("flush-probe-" + ProcessHandle.current().pid());
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
      ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
      // Written and synced once first, so that the probe measures flushes, not block allocation.
      for (int i = 0; i < BLOCKS; i++) {
        channel.write(block.clear(), (long) i * BLOCK);
      }
      channel.force(true);
      LockSupport.parkNanos(fromNanos - System.nanoTime());
      long next = System.nanoTime();
      for (int i = 0; next < untilNanos; i = (i + 1) % BLOCKS) {
        long started = System.nanoTime();
        channel.write(block.clear(), (long) i * BLOCK);
        channel.force(false);
        long took = System.nanoTime() - started;
        micros.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(took), micros.getHighestTrackableValue()));
        if (took > TimeUnit.MILLISECONDS.toNanos(STALL_MS)) {
          stalls.add(new Stall((started - fromNanos) / 1e9, took / 1e6));
        }
        next = Math.max(next + INTERVAL_NANOS, System.nanoTime());
        LockSupport.parkNanos(next - System.nanoTime());
      }
      return new Result(micros, stalls, null);
    } catch (IOException e) {
      return new Result(micros, stalls, e.toString());
    }
  }
}
