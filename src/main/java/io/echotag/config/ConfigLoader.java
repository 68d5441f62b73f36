package io.echotag.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the configuration in layers, each overriding the one before:
 * the defaults bundled in the jar, {@code conf/echotag.json} (or the file named by
 * {@code ECHOTAG_CONFIG}), {@code ECHOTAG_*} environment variables, then programmatic
 * overrides (tests). An environment variable is the key path upper-cased with {@code .} turned
 * into {@code _}; only keys that exist in the defaults are looked up, so the mapping is never
 * ambiguous, and each value is parsed as the type of its default (a list: a JSON array or
 * comma-separated items).
 */
public final class ConfigLoader {
  static final String BUNDLED = "/conf/echotag.json";
  static final String ENV_PREFIX = "ECHOTAG_";

  private ConfigLoader() {
  }

  /** Loads the layered configuration and validates it; fails with {@link ConfigException}. */
  public static EchoTagConfig load(Map<String, String> env, JsonObject overrides) {
    JsonObject merged = bundledDefaults();
    Path file = Path.of(env.getOrDefault("ECHOTAG_CONFIG", "conf/echotag.json"));
    if (Files.isRegularFile(file)) {
      merged = merged.mergeIn(readFile(file), true);
    } else if (env.containsKey("ECHOTAG_CONFIG")) {
      throw new ConfigException("ECHOTAG_CONFIG names " + file + ", which is not a readable file");
    }
    applyEnv(merged, "", env);
    merged.mergeIn(overrides == null ? new JsonObject() : overrides, true);
    return EchoTagConfig.from(merged);
  }

  /** The environment variable that overrides a key path, e.g. {@code http.port} → {@code ECHOTAG_HTTP_PORT}. */
  public static String envName(String keyPath) {
    return ENV_PREFIX + keyPath.toUpperCase().replace('.', '_');
  }

  /** Every key path of the bundled defaults ({@code http.port}, ...): the keys {@link #envName} can override. */
  public static List<String> keyPaths() {
    List<String> paths = new ArrayList<>();
    collectPaths(bundledDefaults(), "", paths);
    return paths;
  }

  private static void collectPaths(JsonObject node, String prefix, List<String> paths) {
    for (String key : node.fieldNames()) {
      if (node.getValue(key) instanceof JsonObject child) {
        collectPaths(child, prefix + key + ".", paths);
      } else {
        paths.add(prefix + key);
      }
    }
  }

  static JsonObject bundledDefaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new ConfigException("the bundled defaults " + BUNDLED + " are missing from the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException("cannot read the bundled defaults: " + e.getMessage());
    }
  }

  private static JsonObject readFile(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage());
    } catch (DecodeException e) {
      throw new ConfigException(file + " is not valid JSON: " + e.getMessage());
    }
  }

  private static void applyEnv(JsonObject node, String prefix, Map<String, String> env) {
    for (String key : node.fieldNames()) {
      String path = prefix + key;
      Object value = node.getValue(key);
      if (value instanceof JsonObject child) {
        applyEnv(child, path + ".", env);
        continue;
      }
      String name = envName(path);
      String raw = env.get(name);
      if (raw != null) {
        node.put(key, parse(name, raw, value));
      }
    }
  }

  private static Object parse(String name, String raw, Object current) {
    String text = raw.trim();
    if (current instanceof Boolean) {
      if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(text);
      }
      throw new ConfigException(name + ": expected true or false, got '" + raw + "'");
    }
    if (current instanceof Number) {
      try {
        return text.contains(".") ? (Object) Double.parseDouble(text) : (Object) Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new ConfigException(name + ": expected a number, got '" + raw + "'");
      }
    }
    if (current instanceof io.vertx.core.json.JsonArray) {
      if (!text.startsWith("[")) {
        // A comma-separated list is what people type: ECHOTAG_CLUSTER_MEMBERS=10.0.0.1:5701,10.0.0.2:5701
        io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonArray();
        for (String item : text.split(",")) {
          if (!item.isBlank()) {
            items.add(item.trim());
          }
        }
        return items;
      }
      try {
        return new io.vertx.core.json.JsonArray(text);
      } catch (DecodeException e) {
        throw new ConfigException(name + ": expected a JSON array or a comma-separated list, got '" + raw + "'");
      }
    }
    return raw;
  }
}
