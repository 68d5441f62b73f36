package io.echotag.reports;

import io.echotag.triggers.EvalContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;

/**
 * A {@code funnel} report over rows streamed in order of visitor, then time (then id, so that
 * events of the same millisecond keep the order they were stored in). A visitor reaches step k
 * when it has events matching steps 1..k in that order — each a later event than the previous
 * one, never the same event twice — all within {@code window_ms} of the step-1 event. Every
 * step-1 event is tried as a start, and from a start the earliest match of each next step is
 * taken (taking the earliest never loses a later step). Rows must pass the filters to count.
 */
final class FunnelAggregation implements Aggregation {
  private final List<FunnelStep> steps;
  private final long windowMs;
  private final long[] reached;
  private String visitor;
  /** The current visitor's events that match some step: time (ms) and the steps they match, as bits. */
  private long[] times = new long[16];
  private long[] masks = new long[16];
  private int held;

  FunnelAggregation(List<FunnelStep> steps, long windowMs) {
    this.steps = steps;
    this.windowMs = windowMs;
    this.reached = new long[steps.size()];
  }

  @Override
  public void accept(ReportRow row) {
    String visitorId = row.event().getString("visitor_id");
    if (!visitorId.equals(visitor)) {
      finishVisitor();
      visitor = visitorId;
    }
    if (!row.passes()) {
      return;
    }
    EvalContext ctx = EvalContext.of(row.event(), row.visitor());
    long mask = 0;
    for (int s = 0; s < steps.size(); s++) {
      if (steps.get(s).matches(row.event(), ctx)) {
        mask |= 1L << s;
      }
    }
    if (mask != 0) {
      if (held == times.length) {
        times = Arrays.copyOf(times, held * 2);
        masks = Arrays.copyOf(masks, held * 2);
      }
      times[held] = row.timestamp().toEpochMilli();
      masks[held++] = mask;
    }
  }

  private void finishVisitor() {
    int depth = deepest();
    for (int s = 0; s < depth; s++) {
      reached[s]++;
    }
    held = 0;
  }

  /** How many steps the current visitor reached. */
  private int deepest() {
    int best = 0;
    for (int start = 0; start < held && best < steps.size(); start++) {
      if ((masks[start] & 1L) == 0) {
        continue;
      }
      long deadline = times[start] + windowMs;
      int depth = 1;
      for (int i = start + 1; i < held && depth < steps.size() && times[i] <= deadline; i++) {
        if ((masks[i] & (1L << depth)) != 0) {
          depth++;
        }
      }
      best = Math.max(best, depth);
    }
    return best;
  }

  @Override
  public JsonObject results() {
    finishVisitor();
    JsonArray rows = new JsonArray();
    for (int s = 0; s < steps.size(); s++) {
      Double rate = s == 0 ? Double.valueOf(100.0) : Numbers.percent(reached[s], reached[s - 1]);
      rows.add(new JsonArray().add(s + 1).add(steps.get(s).name()).add(reached[s]).add(rate == null ? 0.0 : rate));
    }
    return new JsonObject().put("columns", new JsonArray().add("step").add("name").add("visitors")
        .add("conversion_rate")).put("rows", rows).put("truncated", false);
  }
}
