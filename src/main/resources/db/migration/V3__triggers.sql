-- Triggers, the trigger-work outbox written at ingest, and executions (durable waits included).

CREATE TABLE triggers (
  project_id       text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  id               text PRIMARY KEY,
  name             text NOT NULL,
  description      text,
  event_type       text NOT NULL,
  conditions       jsonb NOT NULL DEFAULT '{}',
  actions          jsonb NOT NULL,
  frequency_cap    jsonb,
  is_active        boolean NOT NULL DEFAULT true,
  executions       bigint NOT NULL DEFAULT 0,
  last_executed_at timestamptz,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX triggers_project ON triggers (project_id, created_at DESC);
CREATE INDEX triggers_active ON triggers (project_id, event_type) WHERE is_active;

-- One row per (event, active trigger listening for its type), written in the ingest transaction;
-- consumed (deleted) by the trigger engine in the transaction that records the execution.
CREATE TABLE trigger_work (
  project_id text NOT NULL,
  trigger_id text NOT NULL,
  event_id   text NOT NULL,
  depth      int NOT NULL DEFAULT 0,   -- how many triggers led to this event (derived events)
  created_at timestamptz NOT NULL,
  PRIMARY KEY (trigger_id, event_id)
);
CREATE INDEX trigger_work_created ON trigger_work (created_at);

CREATE TABLE executions (
  project_id    text NOT NULL,
  id            text PRIMARY KEY,
  trigger_id    text NOT NULL,
  event_id      text NOT NULL,
  visitor_id    text NOT NULL,
  status        text NOT NULL CHECK (status IN ('waiting', 'running', 'succeeded', 'failed', 'cancelled')),
  depth         int NOT NULL DEFAULT 0,
  scheduled_for timestamptz,
  started_at    timestamptz,
  finished_at   timestamptz,
  actions       jsonb NOT NULL DEFAULT '[]',
  reason        text,                -- why it was cancelled or failed
  lease_owner   text,
  lease_expires_at timestamptz,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  UNIQUE (trigger_id, event_id)
);
-- At most one waiting execution per trigger and visitor: a new matching event restarts the wait.
CREATE UNIQUE INDEX executions_one_waiting ON executions (trigger_id, visitor_id) WHERE status = 'waiting';
CREATE INDEX executions_due ON executions (scheduled_for) WHERE status = 'waiting';
CREATE INDEX executions_project ON executions (project_id, created_at DESC);
CREATE INDEX executions_event ON executions (project_id, event_id);
CREATE INDEX executions_cap ON executions (trigger_id, visitor_id, finished_at DESC) WHERE status = 'succeeded';
