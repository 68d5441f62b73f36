-- Saved report definitions. Results are never stored: every read runs the report afresh.
CREATE TABLE reports (
  project_id  text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  id          text PRIMARY KEY,
  name        text,
  report_type text NOT NULL,
  definition  jsonb NOT NULL,  -- the validated definition as the API shows it (filters, group_by, ...)
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);
CREATE INDEX reports_project ON reports (project_id, created_at DESC, id DESC);
