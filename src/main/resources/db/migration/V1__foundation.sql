-- Foundation: organizations, projects, API keys, tracking data (events, visitors, sessions), tags.
-- Every table holding project data carries project_id, and every query filters on it.
-- Hot-path tables (events, event_keys, sessions) have no foreign keys: a project's deletion
-- removes their rows explicitly, and ingest does not pay a lookup per row.

CREATE TABLE organizations (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
  id              text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organizations (id),
  name            text NOT NULL,
  domain          text,
  timezone        text NOT NULL DEFAULT 'UTC',
  settings        jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX projects_org ON projects (organization_id, created_at DESC);

CREATE TABLE api_keys (
  id                 text PRIMARY KEY,
  organization_id    text NOT NULL REFERENCES organizations (id),
  name               text NOT NULL,
  key_hash           text NOT NULL UNIQUE,  -- SHA-256 of the key, hex; the key itself is never stored
  prefix             text NOT NULL,
  scopes             text[] NOT NULL,
  project_ids        text[],                -- NULL: every project of the organization
  default_project_id text,
  created_at         timestamptz NOT NULL,
  expires_at         timestamptz,
  revoked_at         timestamptz,
  last_used_at       timestamptz
);
CREATE INDEX api_keys_org ON api_keys (organization_id, created_at DESC);

CREATE TABLE visitors (
  project_id         text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  visitor_id         text NOT NULL,
  email              text,
  name               text,
  traits             jsonb NOT NULL DEFAULT '{}',
  first_seen         timestamptz NOT NULL,
  last_seen          timestamptz NOT NULL,
  event_count        bigint NOT NULL DEFAULT 0,
  session_count      bigint NOT NULL DEFAULT 0,
  -- the visitor's current session, for server-side sessionization at ingest
  session_id         text,
  session_started_at timestamptz,
  session_last_at    timestamptz,
  PRIMARY KEY (project_id, visitor_id)
);
CREATE INDEX visitors_last_seen ON visitors (project_id, last_seen DESC);
CREATE INDEX visitors_email ON visitors (project_id, lower(email)) WHERE email IS NOT NULL;

CREATE TABLE sessions (
  project_id  text NOT NULL,
  id          text NOT NULL,
  visitor_id  text NOT NULL,
  started_at  timestamptz NOT NULL,
  ended_at    timestamptz NOT NULL,
  event_count bigint NOT NULL,
  entry_url   text,
  exit_url    text,
  referrer    text,
  PRIMARY KEY (project_id, id)
);
CREATE INDEX sessions_started ON sessions (project_id, started_at DESC);
CREATE INDEX sessions_visitor ON sessions (project_id, visitor_id, started_at DESC);

CREATE TABLE events (
  project_id  text NOT NULL,
  id          text NOT NULL,
  event_type  text NOT NULL,
  visitor_id  text NOT NULL,
  session_id  text,
  data        jsonb NOT NULL DEFAULT '{}',
  "timestamp" timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE INDEX events_time ON events (project_id, "timestamp" DESC, id DESC);
CREATE INDEX events_visitor ON events (project_id, visitor_id, "timestamp" DESC);
CREATE INDEX events_type ON events (project_id, event_type, "timestamp" DESC);
CREATE INDEX events_session ON events (project_id, session_id);

-- Client idempotency keys (the event's "id" or the Idempotency-Key header), kept 7 days.
CREATE TABLE event_keys (
  project_id text NOT NULL,
  key        text NOT NULL,
  event_id   text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (project_id, key)
);
CREATE INDEX event_keys_created ON event_keys (created_at);

CREATE TABLE tags (
  project_id  text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  id          text PRIMARY KEY,
  name        text NOT NULL,
  description text,
  color       text NOT NULL DEFAULT '#3B82F6',
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  UNIQUE (project_id, name)
);

CREATE TABLE visitor_tags (
  project_id  text NOT NULL,
  visitor_id  text NOT NULL,
  tag_id      text NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  assigned_at timestamptz NOT NULL,
  PRIMARY KEY (project_id, visitor_id, tag_id),
  FOREIGN KEY (project_id, visitor_id) REFERENCES visitors (project_id, visitor_id) ON DELETE CASCADE
);
CREATE INDEX visitor_tags_tag ON visitor_tags (tag_id, assigned_at DESC);
