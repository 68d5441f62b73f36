-- Server-wide secrets (not project data): random values the gateway creates on first use, shared
-- by every node of a cluster and kept across restarts. The first is the key that signs realtime
-- stream tokens (POST /v1/analytics/realtime/token).
CREATE TABLE server_secrets (
  name       text PRIMARY KEY,
  secret     bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
