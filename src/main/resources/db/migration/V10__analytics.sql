-- Analytics rollups, written by the ingest transaction (io.echotag.analytics.AnalyticsRollups)
-- and read by GET /v1/analytics. Hours are UTC hours (date_trunc('hour', ts, 'UTC')), which are
-- also local hours in every zone whose offset is a whole number of hours; days are UTC days.
--
-- Counter rows carry a small `slot` (the writing backend's pid modulo 8) so that concurrent
-- ingest transactions on the same hot (project, hour, type) usually update different rows
-- instead of queueing on one row lock; readers sum over slots.
--
-- Deletion: counter tables cascade from projects; tables that name visitors cascade from
-- visitors, so erasing a visitor or deleting a project removes them. (Counters are anonymous
-- and keep an erased visitor's past counts.)

-- Events and revenue per hour and type.
CREATE TABLE analytics_hourly (
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  hour       timestamptz NOT NULL,
  event_type text NOT NULL,
  slot       smallint NOT NULL,
  events     bigint NOT NULL,
  revenue    numeric NOT NULL,
  PRIMARY KEY (project_id, hour, event_type, slot)
);

-- Page views per hour (the ends of a range) and per UTC day (its whole days) and url.
CREATE TABLE analytics_hourly_pages (
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  hour       timestamptz NOT NULL,
  url        text NOT NULL,
  slot       smallint NOT NULL,
  views      bigint NOT NULL,
  PRIMARY KEY (project_id, hour, url, slot)
);
CREATE TABLE analytics_daily_pages (
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  day        timestamptz NOT NULL,
  url        text NOT NULL,
  slot       smallint NOT NULL,
  views      bigint NOT NULL,
  PRIMARY KEY (project_id, day, url, slot)
);

-- Sessions by the hour they started: how many, their summed duration, how many had one event.
-- Kept as deltas: a session that grows moves its contribution (see AnalyticsSql.WRITE_ROLLUPS).
CREATE TABLE analytics_hourly_sessions (
  project_id  text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  hour        timestamptz NOT NULL,
  slot        smallint NOT NULL,
  sessions    bigint NOT NULL,
  duration_ms bigint NOT NULL,
  bounces     bigint NOT NULL,
  PRIMARY KEY (project_id, hour, slot)
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

-- Each visitor's last view of each page, and how many (page, visitor) pairs have their last view
-- in each hour. The visitors of a page over [start, end) are the pairs whose last view falls in
-- it, exactly, whenever no pair of that page has a later last view (ranges that reach the
-- present); other ranges read the events.
CREATE TABLE analytics_page_last (
  project_id text NOT NULL,
  url        text NOT NULL,
  visitor_id text NOT NULL,
  last_view  timestamptz NOT NULL,
  PRIMARY KEY (project_id, url, visitor_id),
  FOREIGN KEY (project_id, visitor_id) REFERENCES visitors (project_id, visitor_id) ON DELETE CASCADE
);
CREATE INDEX analytics_page_last_visitor ON analytics_page_last (project_id, visitor_id);
CREATE TABLE analytics_page_last_hours (
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  url        text NOT NULL,
  hour       timestamptz NOT NULL,
  slot       smallint NOT NULL,
  visitors   bigint NOT NULL,
  PRIMARY KEY (project_id, url, hour, slot)
);

-- New visitors of a range: first_seen within it.
CREATE INDEX visitors_first_seen ON visitors (project_id, first_seen);
