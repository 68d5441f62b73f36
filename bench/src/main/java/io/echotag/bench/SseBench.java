package io.echotag.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Realtime SSE benchmark. See bench/README.md. Opens {@code --subscribers} realtime streams
 * ({@code include=events}) spread over the source addresses 127.0.0.2 .. 127.0.0.(1+addresses),
 * measures the gateway's heap per subscriber (heap after a full GC with the subscribers minus
 * without, divided by their number; the GC is asked of the gateway with {@code jcmd GC.run}),
 * then tracks events at {@code --rate} per second and measures, for every subscriber and every
 * event, track-request-sent → event-message-received latency (the event carries its sequence
 * number; this JVM keeps each one's send time).
 *
 * <p>Exit status: 0 on a run (figures printed), 1 when it failed, 2 for a bad command line.
 */
public final class SseBench {
  private static final Pattern SEQ = Pattern.compile("\"bench_seq\":(\\d+)");
  private static final Pattern STAMP = Pattern.compile("\"timestamp\":\"([^\"]+)\"");
  private static final Pattern HEAP = Pattern.compile(
      "(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} ([0-9.eE+-]+)$");
  private static final int MAX_EVENTS = 1_000_000;

  private final Map<String, String> opts;
  private final String host;
  private final int port;
  private final String key;
  private final Vertx vertx;
  /** Tracks events and reads /metrics on an event loop of its own, never behind the subscribers' parsing. */
  private final Vertx sender = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
  private final AtomicLongArray sentAt = new AtomicLongArray(MAX_EVENTS);
  private final Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
  private final Histogram ack = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
  /** Snapshot published (its {@code timestamp}, wall clock, ms) -> received, during the measured seconds. */
  private final Histogram snapshots = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
  private volatile boolean measuringSnapshots;
  private final AtomicLong received = new AtomicLong();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger snapshotted = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  /** Streams the gateway closed after answering 200. */
  private final AtomicInteger dropped = new AtomicInteger();
  private volatile int measureFrom = Integer.MAX_VALUE;
  private volatile int measureTo = Integer.MAX_VALUE;

  private SseBench(Map<String, String> opts) {
    this.opts = opts;
    URI url = URI.create(opts.get("url"));
    this.host = Loopback.require(url.getHost());
    this.port = url.getPort();
    this.key = opts.get("key");
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(integer("event-loops"))
        .setPreferNativeTransport(true));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>(Map.of("subscribers", "10000", "addresses", "4", "rate", "5",
        "duration", "30", "warmup", "40", "event-loops", "2", "connect-concurrency", "200"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        System.err.println("ssebench: unexpected argument " + args[i]);
        System.exit(2);
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    if (!opts.containsKey("url") || !opts.containsKey("key") || !opts.containsKey("gateway-pid")) {
      System.err.println("usage: SseBench --url http://127.0.0.1:PORT --key KEY --gateway-pid PID "
          + "[--subscribers 10000] [--addresses 4] [--rate 5] [--duration 30] [--warmup 10] [--event-loops 2]");
      System.exit(2);
    }
    SseBench bench = new SseBench(opts);
    int status;
    try {
      status = bench.run();
    } finally {
      bench.vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      bench.sender.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    System.exit(status);
  }

  private int integer(String name) {
    return Integer.parseInt(opts.get(name));
  }

  private int run() throws Exception {
    int subscribers = integer("subscribers");
    int addresses = integer("addresses");
    int rate = integer("rate");
    HttpClientAgent api = sender.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(8));
    AtomicInteger seq = new AtomicInteger();

    // Ring and windows exist and the ingest path is warm before the baseline heap is taken.
    send(api, seq, rate, 3);
    long heapWithout = heapAfterGc(api);
    log("heap after GC without subscribers: %.1f MiB", heapWithout / 1048576.0);

    long connectStart = System.nanoTime();
    List<NetClient> clients = new ArrayList<>();
    for (int a = 0; a < addresses; a++) {
      clients.add(vertx.createNetClient(new NetClientOptions().setLocalAddress("127.0.0." + (2 + a))
          .setTcpNoDelay(true).setConnectTimeout(30_000)));
    }
    int concurrency = integer("connect-concurrency");
    for (int i = 0; i < subscribers; i++) {
      while (open.get() + failed.get() < i - concurrency + 1) {
        Thread.sleep(1);
      }
      subscribe(clients.get(i % addresses));
    }
    waitFor(() -> snapshotted.get() + failed.get() >= subscribers, 300);
    log("%d subscribers open (%d failed) in %.1f s", open.get(), failed.get(),
        (System.nanoTime() - connectStart) / 1e9);
    if (open.get() == 0) {
      return 1;
    }
    long heapWith = heapAfterGc(api);
    double perSubscriber = (double) (heapWith - heapWithout) / open.get();
    log("heap after GC with subscribers: %.1f MiB -> %.0f bytes per subscriber", heapWith / 1048576.0,
        perSubscriber);
    double gauge = metric(api, "echotag_sse_subscribers");

    log("warm-up: %s s at %d events/s", opts.get("warmup"), rate);
    send(api, seq, rate, integer("warmup"));
    long expectedReceivers = open.get();
    measureTo = Integer.MAX_VALUE;
    measureFrom = seq.get();
    log("measuring: %s s at %d events/s", opts.get("duration"), rate);
    measuringSnapshots = true;
    send(api, seq, rate, integer("duration"));
    measuringSnapshots = false;
    measureTo = seq.get();
    long measured = measureTo - measureFrom;
    waitFor(() -> latency.getTotalCount() >= measured * expectedReceivers, 15);
    long expected = measured * expectedReceivers;

    System.out.printf("subscribers_open=%d failed=%d dropped=%d gauge=%.0f addresses=%d%n", open.get(), failed.get(),
        dropped.get(), gauge, addresses);
    System.out.printf("heap_without_mib=%.1f heap_with_mib=%.1f bytes_per_subscriber=%.0f%n",
        heapWithout / 1048576.0, heapWith / 1048576.0, perSubscriber);
    System.out.printf("events_measured=%d rate=%d expected_receipts=%d receipts=%d missing=%d%n", measured, rate,
        expected, latency.getTotalCount(), expected - latency.getTotalCount());
    System.out.printf("ack_p50_ms=%.3f ack_p99_ms=%.3f (track request sent -> 2xx answer, i.e. commit)%n",
        ms(ack.getValueAtPercentile(50)), ms(ack.getValueAtPercentile(99)));
    System.out.printf("snapshot_receipts=%d snapshot_p50_ms=%.3f snapshot_p90_ms=%.3f snapshot_p99_ms=%.3f "
            + "snapshot_max_ms=%.3f (snapshot published, its timestamp -> received; ms resolution)%n",
        snapshots.getTotalCount(), ms(snapshots.getValueAtPercentile(50)), ms(snapshots.getValueAtPercentile(90)),
        ms(snapshots.getValueAtPercentile(99)), ms(snapshots.getMaxValue()));
    System.out.printf("RESULT subscribers=%d bytes_per_subscriber=%.0f events=%d receipts=%d p50_ms=%.3f "
            + "p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f%n", open.get(), perSubscriber, measured,
        latency.getTotalCount(), ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(90)),
        ms(latency.getValueAtPercentile(99)), ms(latency.getValueAtPercentile(99.9)), ms(latency.getMaxValue()));
    for (NetClient client : clients) {
      client.close();
    }
    return latency.getTotalCount() > 0 ? 0 : 1;
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  /**
   * Opens one stream over a plain TCP connection: the request is written by hand and the
   * response read as bytes, with no HTTP client in between, so the 10,000 connections cost this
   * process as little as possible and the machine's CPU goes to the gateway under test.
   */
  private void subscribe(NetClient client) {
    Buffer request = Buffer.buffer("GET /v1/analytics/realtime/stream?include=events HTTP/1.1\r\n"
        + "Host: " + host + ":" + port + "\r\nAuthorization: Bearer " + key + "\r\n\r\n");
    client.connect(port, host)
        .compose(socket -> {
          FrameScanner scanner = new FrameScanner(socket);
          socket.handler(scanner::scan);
          socket.closeHandler(v -> scanner.closed());
          return socket.write(request);
        })
        .onFailure(e -> {
          if (failed.incrementAndGet() <= 5) {
            System.err.println("subscribe failed: " + e);
          }
        });
  }

  /**
   * Splits one connection's bytes into SSE messages without decoding them: only the first
   * {@link #HEAD} bytes of each message are kept (enough for its id, its type and, for the
   * bench's small events, {@code bench_seq}). The response is chunked, so a message's head may
   * start with the chunk-size line; the markers looked for are unaffected. The first "message"
   * carries the status line, which must be a 200.
   */
  private final class FrameScanner {
    private static final int HEAD = 512;
    /** The first message also holds the response's status line and headers. */
    private static final int FIRST_HEAD = 4096;
    private final NetSocket socket;
    private final byte[] head = new byte[FIRST_HEAD];
    private int length;
    private boolean newline;
    private boolean status = true;
    private boolean first = true;

    FrameScanner(NetSocket socket) {
      this.socket = socket;
    }

    /**
     * Finds the line feeds with {@link ByteBuf#indexOf} (several bytes per step) rather than
     * byte by byte: a snapshot carries 20 recent events, and this runs for every one of the
     * 10,000 subscribers on the same cores as the gateway.
     */
    void scan(Buffer buffer) {
      ByteBuf bytes = ((BufferInternal) buffer).getByteBuf();
      int i = bytes.readerIndex();
      int end = bytes.writerIndex();
      while (i < end) {
        int lf = bytes.indexOf(i, end, (byte) '\n');
        int lineEnd = lf < 0 ? end : lf;
        if (lineEnd > i) {
          keep(bytes, i, lineEnd - i);
          newline = false;
        }
        if (lf < 0) {
          return;
        }
        if (newline) {
          // A blank line: the message ends here.
          frame();
          length = 0;
          newline = false;
        } else {
          keep(bytes, lf, 1);
          newline = true;
        }
        i = lf + 1;
      }
    }

    /** Keeps what fits of {@code n} bytes from {@code from} in the message's head. */
    private void keep(ByteBuf bytes, int from, int n) {
      int room = (status ? FIRST_HEAD : HEAD) - length;
      if (room > 0) {
        int copied = Math.min(room, n);
        bytes.getBytes(from, head, length, copied);
        length += copied;
      }
    }

    void closed() {
      if (!status) {
        dropped.incrementAndGet();
      }
    }

    private void frame() {
      String text = new String(head, 0, length, java.nio.charset.StandardCharsets.ISO_8859_1);
      if (status) {
        status = false;
        if (!text.startsWith("HTTP/1.1 200")) {
          failed.incrementAndGet();
          socket.close();
          return;
        }
        open.incrementAndGet();
      }
      if (text.contains("\nevent: event\n")) {
        record(text);
      } else if (text.contains("\nevent: snapshot\n")) {
        if (first) {
          first = false;
          snapshotted.incrementAndGet();
        } else if (measuringSnapshots) {
          recordSnapshot(text);
        }
      }
    }
  }

  private void recordSnapshot(String frame) {
    long now = System.currentTimeMillis();
    Matcher m = STAMP.matcher(frame);
    if (m.find()) {
      long published = java.time.Instant.parse(m.group(1)).toEpochMilli();
      snapshots.recordValue(TimeUnit.MILLISECONDS.toMicros(Math.max(0, now - published)));
    }
  }

  private void record(String frame) {
    long now = System.nanoTime();
    Matcher m = SEQ.matcher(frame);
    if (!m.find()) {
      return;
    }
    int s = Integer.parseInt(m.group(1));
    received.incrementAndGet();
    if (s >= measureFrom && s < measureTo) {
      latency.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(now - sentAt.get(s))));
    }
  }

  /** Tracks {@code rate} events a second, evenly spaced, for {@code seconds}. */
  private void send(HttpClientAgent api, AtomicInteger seq, int rate, int seconds) throws InterruptedException {
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime();
    for (long i = 0; i < (long) rate * seconds; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      int s = seq.getAndIncrement();
      sentAt.set(s, System.nanoTime());
      Buffer body = Buffer.buffer("{\"event_type\":\"page_view\",\"visitor_id\":\"v" + (s % 1000)
          + "\",\"data\":{\"url\":\"https://example.com/p/" + (s % 50) + "\",\"bench_seq\":" + s + "}}");
      api.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/events")
              .putHeader("Authorization", "Bearer " + key).putHeader("Content-Type", "application/json"))
          .compose(req -> req.send(body))
          .onSuccess(r -> {
            if (s >= measureFrom && s < measureTo) {
              ack.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sentAt.get(s)));
            }
            if (r.statusCode() >= 300) {
              System.err.println("track answered " + r.statusCode());
            }
          })
          .onFailure(e -> System.err.println("track failed: " + e));
    }
  }

  private long heapAfterGc(HttpClientAgent api) throws Exception {
    Process gc = new ProcessBuilder("jcmd", opts.get("gateway-pid"), "GC.run").redirectErrorStream(true).start();
    gc.getInputStream().readAllBytes();
    if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
      throw new IllegalStateException("jcmd GC.run failed");
    }
    Matcher m = HEAP.matcher(scrape(api));
    long sum = 0;
    while (m.find()) {
      sum += (long) Double.parseDouble(m.group(1));
    }
    return sum;
  }

  private double metric(HttpClientAgent api, String name) throws Exception {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(scrape(api));
    return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
  }

  private String scrape(HttpClientAgent api) throws Exception {
    return api.request(HttpMethod.GET, "/metrics").compose(req -> req.send()).compose(r -> r.body())
        .map(Buffer::toString).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void waitFor(java.util.function.BooleanSupplier done, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static void log(String format, Object... args) {
    System.err.printf("[sse] " + format + "%n", args);
  }
}
