-- The rollup applier (io.echotag.analytics.AnalyticsRollups) inserts thousands of presence rows
-- per statement. Each foreign key to visitors or sessions made PostgreSQL check and lock the
-- referenced row (FOR KEY SHARE) for every inserted row: a quarter of the applier's time under
-- load, and a row lock written to the WAL on visitors and sessions that the ingest updates all
-- the time. Like events and sessions, these tables now carry no such key: erasing a visitor and
-- deleting a project delete their rows explicitly, under the applier's lock, so no applier can
-- write a row for a visitor or project in the middle of its deletion.
ALTER TABLE analytics_visitor_hours DROP CONSTRAINT analytics_visitor_hours_project_id_visitor_id_fkey;
ALTER TABLE analytics_page_last DROP CONSTRAINT analytics_page_last_project_id_visitor_id_fkey;
ALTER TABLE analytics_session_rolled DROP CONSTRAINT analytics_session_rolled_project_id_session_id_fkey;
