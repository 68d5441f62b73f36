package io.echotag.reports;

import io.echotag.http.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@code events} report: the rows that pass the filters, grouped by the {@code group_by} values,
 * with one column per metric. Rows are sorted by the first metric, descending (nulls last), ties by
 * the group values; at most {@code reports.max_rows} are answered, and at most
 * {@code reports.max_groups} groups are held while counting (more is a 422: narrow the report).
 */
final class EventsAggregation implements Aggregation {
  private final int maxRows;
  private final int maxGroups;
  private final List<Dimension> groupBy;
  private final List<Metric> metrics;
  private final ZoneId zone;
  private final Map<List<Object>, Group> groups = new HashMap<>();

  EventsAggregation(List<Dimension> groupBy, List<Metric> metrics, ZoneId zone, int maxRows, int maxGroups) {
    this.maxRows = maxRows;
    this.maxGroups = maxGroups;
    this.groupBy = groupBy;
    this.metrics = metrics;
    this.zone = zone;
  }

  /** The running values of one group; per metric, only what that metric needs. */
  private final class Group {
    final List<Object> key;
    long count;
    final Set<String>[] distinct;
    final BigDecimal[] sum;
    final long[] numbers;
    final BigDecimal[] min;
    final BigDecimal[] max;

    @SuppressWarnings("unchecked")
    Group(List<Object> key) {
      this.key = key;
      int n = metrics.size();
      distinct = new Set[n];
      sum = new BigDecimal[n];
      numbers = new long[n];
      min = new BigDecimal[n];
      max = new BigDecimal[n];
      for (int i = 0; i < n; i++) {
        Metric.Kind kind = metrics.get(i).kind();
        if (kind == Metric.Kind.UNIQUE_VISITORS || kind == Metric.Kind.SESSIONS) {
          distinct[i] = new HashSet<>();
        }
        sum[i] = BigDecimal.ZERO;
      }
    }

    void add(JsonObject event) {
      count++;
      for (int i = 0; i < metrics.size(); i++) {
        Metric metric = metrics.get(i);
        switch (metric.kind()) {
          case COUNT -> { }
          case UNIQUE_VISITORS -> distinct[i].add(event.getString("visitor_id"));
          case SESSIONS -> {
            String session = event.getString("session_id");
            if (session != null) {
              distinct[i].add(session);
            }
          }
          default -> {
            BigDecimal value = Numbers.decimal(metric.path().resolve(event.getJsonObject("data")));
            if (value != null) {
              numbers[i]++;
              sum[i] = sum[i].add(value);
              min[i] = min[i] == null || value.compareTo(min[i]) < 0 ? value : min[i];
              max[i] = max[i] == null || value.compareTo(max[i]) > 0 ? value : max[i];
            }
          }
        }
      }
    }

    Object metric(int i) {
      return switch (metrics.get(i).kind()) {
        case COUNT -> count;
        case UNIQUE_VISITORS, SESSIONS -> (long) distinct[i].size();
        case SUM -> Numbers.out(sum[i]);
        case AVG -> numbers[i] == 0 ? null
            : Numbers.out(sum[i].divide(BigDecimal.valueOf(numbers[i]), MathContext.DECIMAL64));
        case MIN -> min[i] == null ? null : Numbers.out(min[i]);
        case MAX -> max[i] == null ? null : Numbers.out(max[i]);
      };
    }
  }

  @Override
  public void accept(ReportRow row) {
    if (!row.passes()) {
      return;
    }
    Object[] values = new Object[groupBy.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = groupBy.get(i).value(row.event(), row.timestamp(), zone);
    }
    List<Object> key = Arrays.asList(values);
    Group group = groups.get(key);
    if (group == null) {
      if (groups.size() >= maxGroups) {
        throw ApiError.unprocessable("group_by", "group_by makes more than " + maxGroups + " groups; narrow the "
            + "date_range or the filters, or group by fewer or coarser fields");
      }
      group = new Group(key);
      groups.put(key, group);
    }
    group.add(row.event());
  }

  @Override
  public JsonObject results() {
    JsonArray columns = new JsonArray();
    groupBy.forEach(d -> columns.add(d.name()));
    metrics.forEach(m -> columns.add(m.name()));
    List<Object[]> rows = new ArrayList<>(groups.size());
    // No event at all still answers one row of zeros when nothing is grouped: "how many" is 0, not "no answer".
    if (groups.isEmpty() && groupBy.isEmpty()) {
      groups.put(List.of(), new Group(List.of()));
    }
    for (Group group : groups.values()) {
      Object[] row = new Object[groupBy.size() + metrics.size()];
      for (int i = 0; i < groupBy.size(); i++) {
        row[i] = group.key.get(i);
      }
      for (int i = 0; i < metrics.size(); i++) {
        row[groupBy.size() + i] = group.metric(i);
      }
      rows.add(row);
    }
    int first = groupBy.size();
    rows.sort(Comparator.<Object[], Object>comparing(r -> r[first], Comparator.nullsLast(ORDER.reversed())).thenComparing(this::byGroupValues));
    JsonArray out = new JsonArray();
    for (int i = 0; i < rows.size() && i < maxRows; i++) {
      out.add(new JsonArray(Arrays.asList(rows.get(i))));
    }
    return new JsonObject().put("columns", columns).put("rows", out).put("truncated", rows.size() > maxRows);
  }

  /** Values of one column: numbers by value, anything else by its text. */
  private static final Comparator<Object> ORDER = (a, b) -> {
    BigDecimal x = Numbers.decimal(a);
    BigDecimal y = Numbers.decimal(b);
    return x != null && y != null ? x.compareTo(y) : String.valueOf(a).compareTo(String.valueOf(b));
  };

  /** Group values in order, each ascending, nulls last: the tie-break that makes the order stable. */
  private int byGroupValues(Object[] a, Object[] b) {
    for (int i = 0; i < groupBy.size(); i++) {
      int c = Comparator.nullsLast(ORDER).compare(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
