-- Analytics rollups, written by the ingest transaction (see io.echotag.analytics.AnalyticsRollups)
-- and read by GET /v1/analytics. Hours are UTC hours (date_trunc('hour', ts, 'UTC')), which are
-- also local hours in every zone whose offset is a whole number of hours.
--
-- Counter rows carry a small `slot` (the writing backend's pid modulo 8) so that concurrent
-- ingest transactions on the same hot (project, hour, type) usually update different rows
-- instead of queueing on one row lock; readers sum over slots.
--
-- Deletion: counter tables cascade from projects; presence tables (which name visitors) cascade
-- from visitors, so erasing a visitor or deleting a project removes them.

CREATE TABLE analytics_hourly (
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  hour       timestamptz NOT NULL,
  event_type text NOT NULL,
  slot       smallint NOT NULL,
  events     bigint NOT NULL,
  revenue    numeric NOT NULL,
  PRIMARY KEY (project_id, hour, event_type, slot)
);

CREATE TABLE analytics_hourly_pages (
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  hour       timestamptz NOT NULL,
  url        text NOT NULL,
  slot       smallint NOT NULL,
  views      bigint NOT NULL,
  PRIMARY KEY (project_id, hour, url, slot)
);

-- One row per visitor and hour with an event: distinct visitors over any whole-hour range.
CREATE TABLE analytics_visitor_hours (
  project_id text NOT NULL,
  hour       timestamptz NOT NULL,
  visitor_id text NOT NULL,
  PRIMARY KEY (project_id, hour, visitor_id),
  FOREIGN KEY (project_id, visitor_id) REFERENCES visitors (project_id, visitor_id) ON DELETE CASCADE
);
-- The foreign key's cascade looks rows up by visitor.
CREATE INDEX analytics_visitor_hours_visitor ON analytics_visitor_hours (project_id, visitor_id);

-- One row per page, hour and visitor with a page view: distinct visitors of a page. Keyed by url
-- first, so the visitors of the top pages are read without touching the others.
CREATE TABLE analytics_page_visitors (
  project_id text NOT NULL,
  url        text NOT NULL,
  hour       timestamptz NOT NULL,
  visitor_id text NOT NULL,
  PRIMARY KEY (project_id, url, hour, visitor_id),
  FOREIGN KEY (project_id, visitor_id) REFERENCES visitors (project_id, visitor_id) ON DELETE CASCADE
);
CREATE INDEX analytics_page_visitors_visitor ON analytics_page_visitors (project_id, visitor_id);

-- New visitors of a range: first_seen within it.
CREATE INDEX visitors_first_seen ON visitors (project_id, first_seen);
