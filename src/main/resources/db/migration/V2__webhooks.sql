-- Webhooks and integrations, and the deliveries outbox shared by webhook subscriptions and
-- trigger actions. Deliveries and attempts are hot tables without foreign keys; a project's
-- deletion clears them explicitly.

-- Time-sortable ids made by the database, for rows created by set-based statements
-- (e.g. one delivery per matching webhook at ingest): prefix, 10 characters of milliseconds,
-- 16 random characters, Crockford base 32 — the same layout as io.echotag.common.Ids.
CREATE FUNCTION echotag_id(prefix text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  ms bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
  random bytea := uuid_send(gen_random_uuid());
  out text := '';
BEGIN
  FOR i IN 1..10 LOOP
    out := substr(alphabet, (ms % 32)::int + 1, 1) || out;
    ms := ms / 32;
  END LOOP;
  FOR i IN 0..15 LOOP
    out := out || substr(alphabet, (get_byte(random, i) % 32) + 1, 1);
  END LOOP;
  RETURN prefix || '_' || out;
END $$;

CREATE TABLE webhooks (
  project_id                 text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  id                         text PRIMARY KEY,
  name                       text NOT NULL,
  url                        text NOT NULL,
  method                     text NOT NULL DEFAULT 'POST',
  headers                    jsonb NOT NULL DEFAULT '{}',
  events                     text[] NOT NULL DEFAULT '{*}',
  is_active                  boolean NOT NULL DEFAULT true,
  disabled_reason            text,
  retry_config               jsonb NOT NULL,
  secret                     text NOT NULL,
  previous_secret            text,            -- still signs until previous_secret_expires_at (rotation)
  previous_secret_expires_at timestamptz,
  created_at                 timestamptz NOT NULL,
  updated_at                 timestamptz NOT NULL
);
CREATE INDEX webhooks_project ON webhooks (project_id, created_at DESC);
CREATE INDEX webhooks_active ON webhooks (project_id) WHERE is_active;

CREATE TABLE integrations (
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  id         text PRIMARY KEY,
  type       text NOT NULL CHECK (type IN ('http', 'slack')),
  name       text NOT NULL,
  config     jsonb NOT NULL,
  is_active  boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX integrations_project ON integrations (project_id, created_at DESC);

CREATE TABLE deliveries (
  project_id       text NOT NULL,
  id               text PRIMARY KEY,
  endpoint         text NOT NULL,   -- circuit-breaker and concurrency key: wh:<id>, int:<id> or url:<origin>
  webhook_id       text,
  integration_id   text,
  event_id         text,
  event_type       text,
  execution_id     text,
  -- set when the delivery carries its own request (trigger actions); otherwise the request is
  -- built at send time from the webhook and the event, so a fixed URL applies to pending retries
  url              text,
  method           text,
  headers          jsonb,
  body             text,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'retrying', 'succeeded', 'failed')),
  attempts         int NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  lease_owner      text,
  lease_expires_at timestamptz,
  last_status_code int,
  last_error_code  text,
  last_error       text,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX deliveries_webhook ON deliveries (project_id, webhook_id, created_at DESC);
CREATE INDEX deliveries_event ON deliveries (project_id, event_id);

CREATE TABLE delivery_attempts (
  project_id    text NOT NULL,
  id            text PRIMARY KEY,
  delivery_id   text NOT NULL,
  webhook_id    text,
  event_id      text,
  event_type    text,
  attempt       int NOT NULL,
  status        text NOT NULL,   -- succeeded, retrying or failed: what the attempt left the delivery in
  status_code   int,
  duration_ms   int NOT NULL,
  error_code    text,
  error         text,
  request       jsonb NOT NULL,  -- url, method, headers (secrets masked), body (first 4 KiB)
  response      jsonb,
  next_retry_at timestamptz,
  created_at    timestamptz NOT NULL
);
CREATE INDEX delivery_attempts_webhook ON delivery_attempts (project_id, webhook_id, created_at DESC);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, attempt);
