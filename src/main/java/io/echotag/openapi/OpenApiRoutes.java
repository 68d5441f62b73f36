package io.echotag.openapi;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the OpenAPI 3.1 document of the API at {@code /openapi.json}, outside {@code /v1} (no API key). */
public final class OpenApiRoutes {
  public static final String PATH = "/openapi.json";
  static final String RESOURCE = "/openapi.json";

  private OpenApiRoutes() {
  }

  public static void mount(Router router) {
    Buffer document = Buffer.buffer(read());
    router.get(PATH).handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "public, max-age=300")
        .end(document));
  }

  /** The document as bundled in the jar; a missing resource is a packaging bug, so it fails loudly. */
  public static byte[] read() {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
