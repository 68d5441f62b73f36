-- deliveries and delivery_attempts grow by a row per delivery. Autovacuum analyzes a table once
-- 10 % of its rows have changed, so a new database taking 1,000 deliveries a second analyzed both
-- every few seconds, sampling up to 30,000 rows each time: most of autovacuum's CPU at that rate.
-- Their statements read them through their indexes (by id, by due time, by webhook and time) and
-- need no statistics fresher than half a table's growth; the first ANALYZE still comes at 50
-- rows, so no plan keeps what it made on an empty table.
ALTER TABLE deliveries SET (autovacuum_analyze_scale_factor = 0.5);
ALTER TABLE delivery_attempts SET (autovacuum_analyze_scale_factor = 0.5);
