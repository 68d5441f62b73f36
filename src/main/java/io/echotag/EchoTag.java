package io.echotag;

import io.echotag.config.ConfigException;
import io.echotag.config.ConfigLoader;
import io.echotag.config.EchoTagConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point: configuration → database → verticles; SIGTERM stops it gracefully. */
public final class EchoTag {
  private static final Logger LOG = LoggerFactory.getLogger(EchoTag.class);

  private EchoTag() {
  }

  public static void main(String[] args) {
    EchoTagConfig config;
    try {
      config = ConfigLoader.load(System.getenv(), null);
    } catch (ConfigException e) {
      System.err.println("EchoTag cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    Gateway gateway;
    try {
      gateway = Gateway.start(config);
    } catch (Exception e) {
      LOG.error("EchoTag could not start", e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        gateway.stop();
      } catch (Exception e) {
        LOG.error("EchoTag did not stop cleanly", e);
      }
    }, "echotag-shutdown"));
  }
}
