package io.echotag.config;

/** Bad configuration: start-up stops with this message. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
