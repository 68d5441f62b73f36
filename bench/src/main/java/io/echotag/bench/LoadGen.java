package io.echotag.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Closed-loop HTTP load generator for the EchoTag ingest endpoints. See bench/README.md.
 *
 * <p>Exit status: 0 when at least one request succeeded in the measured window, 1 when none
 * did (or the run did not finish in time), 2 for a bad command line.
 */
public final class LoadGen {

  /** Beyond the planned run time, how long to wait before giving up on the drivers. */
  private static final long OVERRUN_SECONDS = 30;

  private final LoadOptions options;
  private final BadAnswers badAnswers = new BadAnswers();

  private LoadGen(LoadOptions options) {
    this.options = options;
  }

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(LoadOptions.USAGE);
      return;
    }
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("loadgen: " + e.getMessage());
      System.err.println(LoadOptions.USAGE);
      System.exit(2);
      return;
    }
    System.exit(new LoadGen(options).run());
  }

  private int run() {
    printPlan();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops()));
    try {
      Window window = new Window(System.nanoTime(),
          TimeUnit.SECONDS.toNanos(options.warmupSeconds()),
          TimeUnit.SECONDS.toNanos(options.durationSeconds()), options.maxRequests());
      Tally total = awaitTally(deployDrivers(vertx, window));
      new Report(options, total, measuredNanos(window, total)).print();
      return total.ok > 0 ? 0 : 1;
    } catch (TimeoutException e) {
      System.err.println("loadgen: the run did not finish within its time bound");
      return 1;
    } catch (Exception e) {
      System.err.println("loadgen: " + e);
      return 1;
    } finally {
      closeQuietly(vertx);
    }
  }

  private void printPlan() {
    System.out.printf("LoadGen %s -> %s: %d connections, %d s warm-up, %d s measured%s%n",
        options.mode().label(), options.url(), options.connections(), options.warmupSeconds(),
        options.durationSeconds(),
        options.mode() == Mode.BATCH ? ", " + options.batchSize() + " events/request" : "");
  }

  /** Spreads the connections evenly over the client's event loops, one driver per loop. */
  private List<Future<Tally>> deployDrivers(Vertx vertx, Window window) {
    List<Future<Tally>> finished = new ArrayList<>();
    int loops = Math.min(options.eventLoops(), options.connections());
    for (int i = 0; i < loops; i++) {
      int share = options.connections() / loops + (i < options.connections() % loops ? 1 : 0);
      Driver driver = new Driver(options, share, window, badAnswers);
      finished.add(vertx.deployVerticle(driver).compose(id -> driver.finished()));
    }
    return finished;
  }

  private Tally awaitTally(List<Future<Tally>> finished) throws Exception {
    long bound = options.warmupSeconds() + options.durationSeconds() + OVERRUN_SECONDS
        + TimeUnit.MILLISECONDS.toSeconds(Driver.DRAIN_GRACE_MS);
    Future.all(finished).toCompletionStage().toCompletableFuture().get(bound, TimeUnit.SECONDS);
    Tally total = new Tally();
    for (Future<Tally> tally : finished) {
      total.add(tally.result());
    }
    return total;
  }

  /**
   * The measured time is the whole window, unless the request cap ended the run early; then it
   * runs up to the last answer counted.
   */
  private long measuredNanos(Window window, Tally total) {
    long full = window.stopAt() - window.measureFrom();
    if (!window.budgetSpent() || total.lastRecordedNanos == 0) {
      return full;
    }
    System.out.println(
        "note: --max-requests " + options.maxRequests() + " reached; the run ended early");
    return Math.min(full, total.lastRecordedNanos - window.measureFrom());
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("loadgen: closing: " + e);
    }
  }
}
