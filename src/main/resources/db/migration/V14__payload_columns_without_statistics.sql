-- Autovacuum analyzes the tables that grow with every event (events, deliveries,
-- delivery_attempts) at every 10 % of growth: each time it samples up to 30,000 rows and sorts
-- the values of every column. The JSON and text payloads are the costliest columns to detoast and
-- sort, and no plan depends on their statistics: filters on them are on expressions
-- (data->>'field'), which column statistics do not estimate. ANALYZE now skips them.
ALTER TABLE events ALTER COLUMN data SET STATISTICS 0;
ALTER TABLE visitors ALTER COLUMN traits SET STATISTICS 0;
ALTER TABLE deliveries
  ALTER COLUMN headers SET STATISTICS 0,
  ALTER COLUMN body SET STATISTICS 0,
  ALTER COLUMN last_error SET STATISTICS 0;
ALTER TABLE delivery_attempts
  ALTER COLUMN request SET STATISTICS 0,
  ALTER COLUMN response SET STATISTICS 0,
  ALTER COLUMN error SET STATISTICS 0;
