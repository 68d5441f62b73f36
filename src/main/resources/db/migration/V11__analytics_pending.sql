-- The analytics rollups (V10) are folded in after the commit instead of inside it: the ingest
-- transaction only queues the ids of its new events here, one row per commit (an outbox), and
-- io.echotag.analytics.AnalyticsRollups applies queued rows in large batches, one applier at a
-- time (an advisory lock), deleting them in the same transaction. GET /v1/analytics applies what
-- is queued before it reads, so an answer always covers every committed event.
CREATE TABLE analytics_pending (
  id          bigserial PRIMARY KEY,
  project_ids text[] NOT NULL,
  event_ids   text[] NOT NULL
);

-- What the session rollups (analytics_hourly_sessions) have counted of each session so far: a
-- session's later events add the difference between its row in `sessions` and this one.
CREATE TABLE analytics_session_rolled (
  project_id  text NOT NULL,
  session_id  text NOT NULL,
  started_at  timestamptz NOT NULL,
  ended_at    timestamptz NOT NULL,
  event_count bigint NOT NULL,
  PRIMARY KEY (project_id, session_id),
  FOREIGN KEY (project_id, session_id) REFERENCES sessions (project_id, id) ON DELETE CASCADE
);

-- Rollups written by V10's in-transaction statement already count every existing session.
INSERT INTO analytics_session_rolled (project_id, session_id, started_at, ended_at, event_count)
SELECT project_id, id, started_at, ended_at, event_count FROM sessions;
