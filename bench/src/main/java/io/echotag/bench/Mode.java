package io.echotag.bench;

/** What one request carries: a single event, or a batch of events. */
enum Mode {
  SINGLE,
  BATCH;

  static Mode parse(String text) {
    switch (text) {
      case "single":
        return SINGLE;
      case "batch":
        return BATCH;
      default:
        throw new IllegalArgumentException("--mode must be single or batch, got: " + text);
    }
  }

  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
