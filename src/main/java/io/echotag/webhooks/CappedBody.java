package io.echotag.webhooks;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;

/**
 * A response body codec that keeps only the first {@code limit} bytes and reads (and drops) the
 * rest, so a receiver answering with a huge body costs no memory: attempts store only the first
 * 4 KiB anyway.
 */
final class CappedBody implements BodyStream<Buffer> {
  private final int limit;
  private final Buffer kept = Buffer.buffer();
  private final Promise<Buffer> result = Promise.promise();

  private CappedBody(int limit) {
    this.limit = limit;
  }

  static BodyCodec<Buffer> codec(int limit) {
    return () -> new CappedBody(limit);
  }

  @Override
  public Future<Buffer> result() {
    return result.future();
  }

  @Override
  public void handle(Throwable failure) {
    result.tryFail(failure);
  }

  @Override
  public CappedBody exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public Future<Void> write(Buffer data) {
    int room = limit - kept.length();
    if (room > 0) {
      kept.appendBuffer(data.length() <= room ? data : data.getBuffer(0, room));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end() {
    result.tryComplete(kept);
    return Future.succeededFuture();
  }

  @Override
  public CappedBody setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public CappedBody drainHandler(Handler<Void> handler) {
    return this;
  }
}
