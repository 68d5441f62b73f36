/**
 * Reports: saved report definitions ({@code events} aggregates, {@code funnel}s, {@code retention}
 * cohorts) that run on every read. {@link io.echotag.reports.ReportRoutes} serves
 * {@code /v1/reports}; {@code ReportDefinition} validates a definition (422 naming the field);
 * {@code ReportRunner} streams the project's events for the date range from PostgreSQL with a
 * cursor and feeds them to one of the pure aggregations ({@code EventsAggregation},
 * {@code FunnelAggregation}, {@code RetentionAggregation}), which judge {@code filters} and funnel
 * steps with the trigger condition language ({@link io.echotag.triggers.Conditions#compile}).
 * {@code ReportGate} lets at most {@code reports.max_concurrent} runs stream at once per node, and
 * {@code reports.max_events}, {@code max_groups}, {@code max_rows} bound what one run reads, holds
 * and answers.
 *
 * <p>Why Java and not SQL for filters: the condition language's semantics (numbers compare as
 * numbers and strings as strings, list membership for {@code contains}, bounded regular
 * expressions, {@code visitor.} paths) live in one place, the triggers package; a second
 * translation to SQL would drift from it. SQL narrows what is streamed with bind parameters only
 * (project, date range, and the event types the funnel's steps or a top-level
 * {@code event.event_type} filter name); no user text ever becomes SQL.
 */
package io.echotag.reports;
