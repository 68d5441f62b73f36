package io.echotag.keys;

import java.util.Arrays;
import java.util.List;

/** What a key may do. {@code read} covers every GET; {@code admin} covers projects and keys. */
public enum Scope {
  INGEST, READ, WRITE, ADMIN;

  public static final List<String> DEFAULT_FOR_NEW_KEYS = List.of("ingest", "read", "write");
  public static final List<String> ALL = Arrays.stream(values()).map(Scope::wire).toList();

  public String wire() {
    return name().toLowerCase();
  }

  public static Scope fromWire(String value) {
    for (Scope scope : values()) {
      if (scope.wire().equals(value)) {
        return scope;
      }
    }
    return null;
  }
}
