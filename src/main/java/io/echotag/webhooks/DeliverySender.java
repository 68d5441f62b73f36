package io.echotag.webhooks;

import io.echotag.config.EchoTagConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one signed request and reports what happened; never fails its future. The host is
 * resolved here, every address is checked by the {@link AddressGuard}, and the connection goes
 * to the checked address (no second lookup). Redirects are not followed.
 */
public final class DeliverySender {
  public static final String USER_AGENT = "EchoTag-Webhooks/0.1";
  static final int SNAPSHOT_LIMIT = 4096;

  /** What to send. {@code secrets} sign the request (none: unsigned). */
  public record Request(String deliveryId, String url, String method, JsonObject headers, String body,
                        List<String> secrets) {
  }

  /** One attempt's result, with request and response snapshots for the logs. */
  public record Result(Integer statusCode, long durationMs, String errorCode, String error, JsonObject request,
                       JsonObject response, long retryAfterMs) {
    public Outcome outcome() {
      return Outcome.of(statusCode, errorCode);
    }

    public String responseBody() {
      return response == null ? null : response.getString("body");
    }
  }

  private final Vertx vertx;
  private final WebClient client;
  private final AddressGuard guard;
  private final int connectTimeoutMs;
  private final int timeoutMs;

  public DeliverySender(Vertx vertx, EchoTagConfig.Webhooks config, int timeoutMs) {
    this(vertx, config, timeoutMs, new PoolOptions().getHttp1MaxSize());
  }

  /**
   * @param connectionsPerServer how many connections one server (address and port) may hold. The
   *     delivery engine passes its whole in-flight budget: endpoints are bounded by the engine, and a
   *     smaller pool would queue a healthy webhook's requests behind a hung one on the same host.
   */
  public DeliverySender(Vertx vertx, EchoTagConfig.Webhooks config, int timeoutMs, int connectionsPerServer) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent(USER_AGENT)
        .setFollowRedirects(false)
        .setForceSni(true)
        .setVerifyHost(true)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connectionsPerServer));
    this.guard = new AddressGuard(config.allowPrivateNetworks());
    this.connectTimeoutMs = config.connectTimeoutMs();
    this.timeoutMs = timeoutMs;
  }

  public Future<Result> send(Request request) {
    long started = System.nanoTime();
    JsonObject snapshot = new JsonObject().put("url", request.url()).put("method", request.method())
        .put("body", truncate(request.body()));
    URI uri;
    try {
      uri = new URI(request.url());
    } catch (Exception e) {
      return Future.succeededFuture(failure(started, Outcome.E_INVALID_TARGET, "invalid URL", snapshot));
    }
    String problem = guard.urlProblem(request.url());
    if (problem != null) {
      return Future.succeededFuture(failure(started, Outcome.E_INVALID_TARGET, problem, snapshot));
    }
    String host = AddressGuard.host(uri);
    return resolve(host)
        .compose(address -> {
          if (!guard.allows(address)) {
            return Future.succeededFuture(failure(started, Outcome.E_INVALID_TARGET,
                host + " resolves to a refused address (" + address.getHostAddress() + ")", snapshot));
          }
          return exchange(request, uri, host, address, started, snapshot);
        }, dnsFailure -> Future.succeededFuture(failure(started, Outcome.E_DNS,
            "cannot resolve " + host + ": " + dnsFailure.getMessage(), snapshot)));
  }

  private Future<Result> exchange(Request request, URI uri, String host, InetAddress address, long started,
                                  JsonObject snapshot) {
    boolean https = uri.getScheme().equalsIgnoreCase("https");
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    HttpRequest<Buffer> http = client.request(HttpMethod.valueOf(request.method().toUpperCase(Locale.ROOT)),
            SocketAddress.inetSocketAddress(port, address.getHostAddress()), port, host, path)
        .ssl(https)
        .followRedirects(false)
        .connectTimeout(connectTimeoutMs)
        .idleTimeout(timeoutMs)
        // Only the first 4 KiB of an answer are stored; the rest is read and dropped, not buffered.
        .as(CappedBody.codec(SNAPSHOT_LIMIT + 4));
    MultiMap headers = http.headers();
    if (request.headers() != null) {
      request.headers().forEach(h -> headers.set(h.getKey(), String.valueOf(h.getValue())));
    }
    long timestamp = System.currentTimeMillis() / 1000;
    headers.set("Content-Type", "application/json");
    headers.set("User-Agent", USER_AGENT);
    headers.set("webhook-id", request.deliveryId());
    headers.set("webhook-timestamp", Long.toString(timestamp));
    if (request.secrets() != null && !request.secrets().isEmpty()) {
      headers.set("webhook-signature", Signer.header(request.secrets(), request.deliveryId(), timestamp,
          request.body()));
    }
    snapshot.put("headers", masked(headers));
    return http.sendBuffer(Buffer.buffer(request.body(), StandardCharsets.UTF_8.name()))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(response -> answered(response, started, snapshot))
        .recover(e -> Future.succeededFuture(failure(started, errorCode(e), describe(e), snapshot)));
  }

  private Future<InetAddress> resolve(String host) {
    InetAddress literal = AddressGuard.literal(host);
    if (literal != null) {
      return Future.succeededFuture(literal);
    }
    return vertx.executeBlocking(() -> {
      InetAddress[] all = InetAddress.getAllByName(host);
      for (InetAddress address : all) {
        // Every address the name has must pass: a resolver may hand out any of them later.
        if (!guard.allows(address)) {
          return address;
        }
      }
      return all[0];
    }, false);
  }

  private static Result answered(HttpResponse<Buffer> response, long started, JsonObject snapshot) {
    int status = response.statusCode();
    JsonObject answer = new JsonObject()
        .put("headers", masked(response.headers()))
        .put("body", truncate(response.bodyAsString()));
    long retryAfter = status == 429 || status == 503
        ? RetrySchedule.parseRetryAfter(response.getHeader("Retry-After"), System.currentTimeMillis()) : -1;
    boolean ok = status >= 200 && status < 300;
    return new Result(status, elapsed(started), ok ? null : Outcome.E_HTTP, ok ? null : "HTTP " + status,
        snapshot, answer, retryAfter);
  }

  private static Result failure(long started, String code, String message, JsonObject snapshot) {
    return new Result(null, elapsed(started), code, message, snapshot, null, -1);
  }

  static String errorCode(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
        return Outcome.E_TIMEOUT;
      }
      if (t instanceof UnknownHostException) {
        return Outcome.E_DNS;
      }
      if (t instanceof SSLException) {
        return Outcome.E_TLS;
      }
      if (t instanceof ConnectException) {
        return Outcome.E_CONNECTION;
      }
    }
    return Outcome.E_CONNECTION;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.length() > 500 ? message.substring(0, 500) : message;
  }

  private static long elapsed(long started) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  static String truncate(String body) {
    if (body == null) {
      return null;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= SNAPSHOT_LIMIT) {
      return body;
    }
    // Cut before a character that straddles the limit: decoding half of it would add a 3-byte U+FFFD.
    int end = SNAPSHOT_LIMIT;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  /** Header values that carry credentials are shown as {@code ****} plus their last 4 characters. */
  static JsonObject masked(MultiMap headers) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, String> h : headers) {
      out.put(h.getKey(), sensitive(h.getKey()) ? Secrets.mask(h.getValue()) : h.getValue());
    }
    return out;
  }

  static boolean sensitive(String header) {
    String name = header.toLowerCase(Locale.ROOT);
    return name.equals("authorization") || name.equals("proxy-authorization") || name.equals("cookie")
        || name.contains("signature") || name.contains("secret") || name.contains("token")
        || name.contains("api-key") || name.contains("apikey") || name.contains("password");
  }
}
