package io.echotag.keys;

import io.echotag.common.Times;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves bearer tokens to principals without a database round trip per request. Entries live
 * {@code keys.cache_ttl_ms}; a revocation or rotation on this node drops the entry at once
 * ({@link #invalidate}), so the next request with a revoked key is refused. Last use is recorded
 * in memory and written in one statement by {@link #flushLastUsed()}.
 *
 * <p>Shared by every event loop of the process, hence the concurrent maps.
 */
public final class KeyCache {
  private record Entry(Principal principal, long loadedAt) {
  }

  private final Pool pool;
  private final long ttlMillis;
  private final Map<String, Entry> byHash = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();

  public KeyCache(Pool pool, long ttlMillis) {
    this.pool = pool;
    this.ttlMillis = ttlMillis;
  }

  /** The principal of {@code token}, or null when it is unknown, revoked or expired. */
  public Future<Principal> resolve(String token) {
    String hash = ApiKeys.hash(token);
    long now = System.currentTimeMillis();
    Entry entry = byHash.get(hash);
    if (entry != null && now - entry.loadedAt < ttlMillis) {
      return Future.succeededFuture(usable(entry.principal));
    }
    return pool.preparedQuery(KeySql.BY_HASH).execute(Tuple.of(hash)).map(rows -> {
      RowIterator<Row> it = rows.iterator();
      if (!it.hasNext()) {
        byHash.remove(hash);
        return null;
      }
      Row row = it.next();
      if (KeyRows.revoked(row)) {
        byHash.remove(hash);
        return null;
      }
      Principal principal = KeyRows.principal(row);
      byHash.put(hash, new Entry(principal, now));
      return usable(principal);
    });
  }

  /** Drops every cached entry of this key id (revoked, rotated or changed). */
  public void invalidate(String keyId) {
    byHash.values().removeIf(e -> e.principal.keyId().equals(keyId));
  }

  public void invalidateAll() {
    byHash.clear();
  }

  public void touch(String keyId) {
    lastUsed.put(keyId, Instant.now());
  }

  /** Writes the recorded last-use times in one statement. */
  public Future<Void> flushLastUsed() {
    if (lastUsed.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> ids = new ArrayList<>();
    List<OffsetDateTime> times = new ArrayList<>();
    for (String id : List.copyOf(lastUsed.keySet())) {
      Instant at = lastUsed.remove(id);
      if (at != null) {
        ids.add(id);
        times.add(Times.utc(at));
      }
    }
    return pool.preparedQuery(KeySql.TOUCH)
        .execute(Tuple.tuple().addArrayOfString(ids.toArray(String[]::new))
            .addArrayOfOffsetDateTime(times.toArray(OffsetDateTime[]::new)))
        .mapEmpty();
  }

  private static Principal usable(Principal principal) {
    return principal.expired(Instant.now()) ? null : principal;
  }
}
