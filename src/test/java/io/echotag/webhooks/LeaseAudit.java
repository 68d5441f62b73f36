package io.echotag.webhooks;

import io.echotag.testing.TestGateway;
import io.vertx.sqlclient.Row;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A PostgreSQL trigger in a test's database that logs every insert of a delivery and every change
 * of its lease, in order: what a delivery went through (leased at insert or not, claimed, given
 * back, recorded) is then a list the test can read.
 */
final class LeaseAudit {
  /** One logged change: {@code INSERT} or {@code UPDATE}, the lease owner and attempts after it, and when. */
  record Change(String op, String leaseOwner, int attempts, OffsetDateTime at) {
    /** An update that leased the row: a claim by a sweep (the ingest leases only in its INSERT). */
    boolean isClaim() {
      return op.equals("UPDATE") && leaseOwner != null;
    }

    /** An update that cleared the lease without an attempt being recorded: a give-back. */
    boolean isGiveBack(int attemptsBefore) {
      return op.equals("UPDATE") && leaseOwner == null && attempts == attemptsBefore;
    }

    Duration since(Change earlier) {
      return Duration.between(earlier.at, at);
    }
  }

  private LeaseAudit() {
  }

  static void install(TestGateway gateway) {
    gateway.sql("CREATE TABLE lease_audit (seq bigserial PRIMARY KEY, delivery_id text NOT NULL, op text NOT NULL, "
        + "lease_owner text, attempts int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
    gateway.sql("CREATE FUNCTION lease_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + "IF TG_OP = 'INSERT' OR NEW.lease_owner IS DISTINCT FROM OLD.lease_owner "
        + "OR NEW.lease_expires_at IS DISTINCT FROM OLD.lease_expires_at THEN "
        + "INSERT INTO lease_audit (delivery_id, op, lease_owner, attempts) "
        + "VALUES (NEW.id, TG_OP, NEW.lease_owner, NEW.attempts); END IF; RETURN NULL; END $$");
    gateway.sql("CREATE TRIGGER deliveries_lease_audit AFTER INSERT OR UPDATE ON deliveries "
        + "FOR EACH ROW EXECUTE FUNCTION lease_audit()");
  }

  /** The changes of one delivery, oldest first. */
  static List<Change> of(TestGateway gateway, String deliveryId) {
    List<Row> rows = gateway.sql("SELECT op, lease_owner, attempts, at FROM lease_audit WHERE delivery_id = $1 "
        + "ORDER BY seq", deliveryId);
    return rows.stream().map(row -> new Change(row.getString("op"), row.getString("lease_owner"),
        row.getInteger("attempts"), row.getOffsetDateTime("at"))).toList();
  }

  /** Claims of the deliveries of {@code webhookId}, by any node. */
  static long claims(TestGateway gateway, String webhookId) {
    return gateway.count("SELECT count(*) FROM lease_audit a JOIN deliveries d ON d.id = a.delivery_id "
        + "WHERE d.webhook_id = $1 AND a.op = 'UPDATE' AND a.lease_owner IS NOT NULL", webhookId);
  }
}
