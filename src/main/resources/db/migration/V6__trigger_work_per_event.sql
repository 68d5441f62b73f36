-- Trigger work becomes one row per event (not one per event and trigger): 50 triggers listening
-- for page_view no longer write 50 rows per page view in the ingest transaction. The engine
-- evaluates every active trigger of the event's project and type, cached per project.
ALTER TABLE trigger_work RENAME TO trigger_work_v3;
ALTER INDEX trigger_work_created RENAME TO trigger_work_v3_created;
ALTER TABLE trigger_work_v3 RENAME CONSTRAINT trigger_work_pkey TO trigger_work_v3_pkey;

CREATE TABLE trigger_work (
  project_id        text NOT NULL,
  event_id          text NOT NULL,
  depth             int NOT NULL DEFAULT 0,   -- how many triggers led to this event (derived events)
  source_trigger_id text,                     -- the trigger that derived this event: it never fires from it
  created_at        timestamptz NOT NULL,     -- triggers created later than this do not act on the event
  PRIMARY KEY (project_id, event_id)
);
CREATE INDEX trigger_work_created ON trigger_work (created_at);

-- Pending work of the old shape becomes one row per event. The source trigger of a derived
-- event was not stored then; the executions' (trigger, event) key still prevents a second run.
INSERT INTO trigger_work (project_id, event_id, depth, created_at)
SELECT project_id, event_id, min(depth), min(created_at) FROM trigger_work_v3 GROUP BY project_id, event_id;

DROP TABLE trigger_work_v3;
