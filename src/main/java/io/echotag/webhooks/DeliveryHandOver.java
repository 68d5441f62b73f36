package io.echotag.webhooks;

import io.echotag.bus.Addresses;
import io.echotag.config.EchoTagConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * How the ingest gives its new deliveries to this node's delivery engine without a claim. While
 * an engine runs here ({@link DeliveryVerticle} attaches at start and detaches when it stops), the
 * ingest transaction writes the deliveries already leased to it and reads them back, in the same
 * statement, with all that is needed to send them ({@link DeliverySql#ENQUEUE_LEASED_FOR_EVENTS});
 * after COMMIT they are handed over as {@link ClaimedDelivery} objects, built on the ingest's event
 * loop. With no engine here they are written unleased and every node's sweep is woken
 * ({@link Addresses#DELIVERIES_WAKE}).
 *
 * <p>A hand-over is refused when the engine it was leased to has detached meanwhile (stopping,
 * undeployed); the ingest then gives the rows back (one owner-checked statement clearing their
 * leases) before it counts the batch done, so a stopping node never leaves rows leased to an
 * engine that is gone. What an engine accepted is its own: it holds it, gives it back, or frees
 * it with the rest of its leases when it stops.
 *
 * <p>Shared by the ingest buffers of every event loop and the engine's loop: the attachment and
 * the inbox are guarded by this object's lock, which is held only to read or swap them.
 */
public final class DeliveryHandOver {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryHandOver.class);

  /** An attached engine: its lease owner, its event loop, and what it does with handed-over deliveries. */
  record Engine(String owner, Context context, Handler<List<ClaimedDelivery>> intake) {
  }

  /** What one ingest transaction queued: {@code count} deliveries, leased to {@code engine} (read back as {@code rows}) or unleased. */
  public static final class Queued {
    private static final Queued NONE = new Queued(null, null, 0);

    private final Engine engine;
    private final RowSet<Row> rows;
    private final int count;

    private Queued(Engine engine, RowSet<Row> rows, int count) {
      this.engine = engine;
      this.rows = rows;
      this.count = count;
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final int leaseSeconds;
  private Engine engine;
  private List<ClaimedDelivery> inbox = new ArrayList<>();

  public DeliveryHandOver(Vertx vertx, Pool pool, EchoTagConfig.Delivery config) {
    this.vertx = vertx;
    this.pool = pool;
    this.leaseSeconds = config.leaseSeconds();
  }

  /** Nothing queued (a batch of repeats only). */
  public static Queued none() {
    return Queued.NONE;
  }

  /**
   * In the ingest transaction on {@code conn}: writes the deliveries of the events in
   * {@code outbox} (arrays of project ids, event ids, event types), leased to this node's engine
   * if one is attached now.
   */
  public Future<Queued> enqueue(SqlConnection conn, Tuple outbox) {
    Engine leaseTo = attached();
    if (leaseTo == null) {
      return conn.preparedQuery(DeliverySql.ENQUEUE_FOR_EVENTS).execute(outbox)
          .map(rows -> new Queued(null, null, rows.rowCount()));
    }
    Tuple leased = Tuple.of(outbox.getValue(0), outbox.getValue(1), outbox.getValue(2), leaseTo.owner(), leaseSeconds);
    return conn.preparedQuery(DeliverySql.ENQUEUE_LEASED_FOR_EVENTS).execute(leased)
        .map(rows -> new Queued(leaseTo, rows, rows.rowCount()));
  }

  /**
   * After COMMIT, on the ingest's event loop: hands the deliveries to the engine they are leased
   * to, gives them back if it has detached, or wakes the sweeps if they were written unleased.
   * Completes (never fails) once they are with the engine or back in the table.
   */
  public Future<Void> handOver(Queued queued) {
    if (queued.count == 0) {
      return Future.succeededFuture();
    }
    if (queued.engine == null) {
      wakeSweeps();
      return Future.succeededFuture();
    }
    List<ClaimedDelivery> deliveries = new ArrayList<>(queued.count);
    try {
      queued.rows.forEach(row -> deliveries.add(ClaimedDelivery.from(row)));
    } catch (RuntimeException e) {
      // Never thrown into the ingest, which answers its requests after this.
      LOG.error("Deliveries {} could not be read for the hand-over; given back to the sweep", ids(queued), e);
      return giveBack(queued.engine.owner(), ids(queued));
    }
    if (offer(queued.engine, deliveries)) {
      return Future.succeededFuture();
    }
    return giveBack(queued.engine.owner(), ids(queued));
  }

  /** The ids of what {@code queued} wrote leased: only needed when they go back to the table. */
  private static List<String> ids(Queued queued) {
    List<String> ids = new ArrayList<>(queued.count);
    queued.rows.forEach(row -> ids.add(row.getString("id")));
    return ids;
  }

  /**
   * From now on the ingest leases new deliveries to {@code owner} and hands them to {@code intake}
   * on {@code context}. One engine per node: the last attached takes the hand-overs.
   */
  synchronized Engine attach(String owner, Context context, Handler<List<ClaimedDelivery>> intake) {
    engine = new Engine(owner, context, intake);
    return engine;
  }

  /**
   * From now on hand-overs to {@code detached} are refused. Deliveries it accepted and did not
   * take yet are dropped from the inbox: they are leased to it, and its stop gives every lease back.
   */
  synchronized void detach(Engine detached) {
    if (engine == detached) {
      engine = null;
      inbox = new ArrayList<>();
    }
  }

  /**
   * Clears the leases {@code owner} holds on {@code ids} and wakes every node's sweep to take them.
   * Completes (never fails) when done; if the statement fails the leases expire after
   * {@code delivery.lease_seconds} instead.
   */
  Future<Void> giveBack(String owner, List<String> ids) {
    return pool.preparedQuery(DeliverySql.RELEASE).execute(Tuple.of(ids.toArray(String[]::new), owner))
        .onSuccess(rows -> wakeSweeps())
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("Giving back {} delivery lease(s) of {} failed (they are taken after the lease expires): {}",
              ids.size(), owner, e.toString());
          return Future.succeededFuture();
        });
  }

  private synchronized Engine attached() {
    return engine;
  }

  private boolean offer(Engine to, List<ClaimedDelivery> deliveries) {
    boolean first;
    synchronized (this) {
      if (engine != to) {
        return false;
      }
      first = inbox.isEmpty();
      inbox.addAll(deliveries);
    }
    if (first) {
      // One task per inbox load: hand-overs that arrive before it runs ride along.
      to.context().runOnContext(v -> to.intake().handle(takeInbox(to)));
    }
    return true;
  }

  /** The inbox, if {@code to} is still attached (a task left over from a detached engine takes nothing). */
  private synchronized List<ClaimedDelivery> takeInbox(Engine to) {
    if (engine != to) {
      return List.of();
    }
    List<ClaimedDelivery> taken = inbox;
    inbox = new ArrayList<>();
    return taken;
  }

  private void wakeSweeps() {
    vertx.eventBus().publish(Addresses.DELIVERIES_WAKE, null);
  }
}
