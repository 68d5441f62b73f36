package io.echotag.analytics;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Distinct visitor ids: an exact set while it holds at most {@code exactBound} ids, a
 * {@link HyperLogLog} sketch past that. Two sets merge (union) whatever their forms, so the
 * per-second sets of several nodes add up to the visitors of a window. Not thread-safe.
 */
final class VisitorSet {
  private final int exactBound;
  private Set<String> exact = new HashSet<>();
  private HyperLogLog sketch;

  VisitorSet(int exactBound) {
    this.exactBound = exactBound;
  }

  static VisitorSet exact(int exactBound, Collection<String> ids) {
    VisitorSet set = new VisitorSet(exactBound);
    ids.forEach(set::add);
    return set;
  }

  static VisitorSet sketched(int exactBound, HyperLogLog sketch) {
    VisitorSet set = new VisitorSet(exactBound);
    set.exact = null;
    set.sketch = sketch;
    return set;
  }

  void add(String visitorId) {
    if (sketch != null) {
      sketch.add(visitorId);
      return;
    }
    exact.add(visitorId);
    if (exact.size() > exactBound) {
      toSketch();
    }
  }

  void merge(VisitorSet other) {
    if (other.sketch != null) {
      if (sketch == null) {
        toSketch();
      }
      sketch.merge(other.sketch);
    } else {
      other.exact.forEach(this::add);
    }
  }

  long count() {
    return sketch != null ? sketch.estimate() : exact.size();
  }

  boolean isExact() {
    return sketch == null;
  }

  /** The ids, when exact; null once sketched. */
  Set<String> ids() {
    return exact;
  }

  /** The sketch, once past the bound; null while exact. */
  HyperLogLog sketch() {
    return sketch;
  }

  private void toSketch() {
    sketch = new HyperLogLog();
    exact.forEach(sketch::add);
    exact = null;
  }
}
