// Type declarations of @echotag/sdk (hand-written; the package has no build step).
//
// Options are camelCase and sent as snake_case; the values of `data`, `traits`, `conditions`,
// `filters`, `steps`, `headers`, `body` and `testData` are sent exactly as written. Answers are
// the API's JSON, as is (snake_case).

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
/** An ISO-8601 instant, a `YYYY-MM-DD` day (queries), or a Date. */
export type DateLike = string | Date;

export interface ClientOptions {
  /** `et_live_…`; defaults to the ECHOTAG_API_KEY environment variable in Node. */
  apiKey?: string;
  /** Used wherever a call is scoped to a project and does not name one. Default: the key's project. */
  projectId?: string;
  /** Default `http://localhost:8080/v1`; a base without a path gets `/v1`. */
  baseUrl?: string;
  /** Per attempt, in ms. Default 30 000. */
  timeout?: number;
  /** Retries of requests that are safe to repeat. Default 2. */
  maxRetries?: number;
  /** First backoff step in ms (doubles each retry, with jitter). Default 500. */
  initialRetryDelay?: number;
  /** Largest backoff step in ms. Default 8 000. */
  maxRetryDelay?: number;
  /** A `Retry-After` longer than this (ms) is not waited for: the error is thrown. Default 60 000. */
  maxRetryAfter?: number;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Queue events.track calls and send them with POST /v1/events/batch. */
  batch?: boolean | BatchOptions;
  /** Random source for the retry jitter (tests). */
  random?: () => number;
}

export interface BatchOptions {
  /** Send when this many events wait. Default 100. */
  maxSize?: number;
  /** Send at most this many ms after the first queued event. Default 1 000. */
  flushInterval?: number;
  /** Events per request at most (≤ 2 500). Default 500. */
  maxBatchSize?: number;
  /** Called for a batch that failed (after retries) or an event the API refused. */
  onError?: (error: EchoTagError, events: JsonObject[]) => void;
  /** Node: flush on `beforeExit`; browsers: on `pagehide` / hidden, with keepalive fetch. Default true. */
  flushOnExit?: boolean;
}

export interface RequestOptions {
  timeout?: number;
  maxRetries?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Sent as the `Idempotency-Key` header. */
  idempotencyKey?: string;
  /** Browsers: let the request outlive the page. */
  keepalive?: boolean;
}

export interface TrackOptions extends RequestOptions {
  /** With batching on: send this event now, on its own. */
  immediate?: boolean;
}

export interface EscapeHatchOptions extends RequestOptions {
  /** Sent as is. */
  query?: Record<string, string | number | boolean | null | undefined> | URLSearchParams;
  /** Retry this request even though its method is not idempotent. */
  safe?: boolean;
}

export interface ListResponse<T> {
  data: T[];
  limit: number;
  offset: number;
  has_more: boolean;
  total?: number;
}

export interface ListParams {
  projectId?: string;
  limit?: number;
  offset?: number;
}

export interface DateRangeParams {
  startDate?: DateLike;
  endDate?: DateLike;
}

export interface ApiErrorType {
  type: "invalid_request" | "authentication" | "permission" | "rate_limited" | "unavailable" | "internal" | string;
  code: string;
  message: string;
  param?: string | null;
  request_id?: string;
}

export declare class EchoTagError extends Error {
  constructor(fields?: Partial<{
    status: number; type: string; code: string; message: string; param: string | null;
    requestId: string | null; retryAfter: number | null; body: unknown; headers: Headers | null; cause: unknown;
  }>);
  name: "EchoTagError";
  /** HTTP status; 0 when no answer came (type `connection`, `timeout` or `aborted`). */
  status: number;
  type: "invalid_request" | "authentication" | "permission" | "rate_limited" | "unavailable" | "internal"
    | "connection" | "timeout" | "aborted" | string;
  code: string;
  message: string;
  param: string | null;
  requestId: string | null;
  /** Seconds from `Retry-After`, or null. */
  retryAfter: number | null;
  body: unknown;
  headers: Headers | null;
  /** For an event refused inside a batch: its index. */
  index?: number;
  toJSON(): { name: string; status: number; type: string; code: string; message: string; param: string | null; requestId: string | null };
  static fromResponse(status: number, body: unknown, headers: Headers | null): EchoTagError;
}

// ---------- objects (as the API answers them) ----------

export interface Event {
  id: string;
  project_id: string;
  event_type: string;
  visitor_id: string;
  session_id: string;
  data: JsonObject;
  timestamp: string;
  received_at: string;
  executions?: JsonObject[];
  deliveries?: JsonObject[];
}

export interface Tag {
  id: string;
  project_id?: string;
  name: string;
  description?: string | null;
  color: string;
  visitor_count?: number;
  created_at?: string;
}

export interface Visitor {
  id: string;
  project_id: string;
  email: string | null;
  name: string | null;
  traits: JsonObject;
  first_seen: string;
  last_seen: string;
  event_count: number;
  session_count: number;
  tags: Array<Pick<Tag, "id" | "name" | "color">>;
}

export interface Session {
  id: string;
  project_id: string;
  visitor_id: string;
  started_at: string;
  ended_at: string;
  duration_ms: number;
  event_count: number;
  entry_url: string | null;
  exit_url: string | null;
  referrer: string | null;
}

export interface Trigger {
  id: string;
  project_id: string;
  name: string;
  description: string | null;
  event_type: string;
  conditions: JsonObject;
  actions: JsonObject[];
  is_active: boolean;
  frequency_cap?: { per_visitor_ms: number } | null;
  created_at: string;
  updated_at: string;
  stats: { executions: number; last_executed_at: string | null };
}

export interface Execution {
  id: string;
  project_id: string;
  trigger_id: string;
  event_id: string;
  visitor_id: string;
  status: "waiting" | "running" | "succeeded" | "failed" | "cancelled";
  scheduled_for: string | null;
  started_at: string | null;
  finished_at: string | null;
  actions: Array<{ type: string; status: string; error: string | null; delivery_id: string | null }>;
  created_at: string;
}

export interface RetryConfig {
  max_attempts: number;
  backoff_multiplier: number;
  initial_delay: number;
  max_delay: number;
}

export interface Webhook {
  id: string;
  project_id: string;
  name: string;
  url: string;
  method: "POST" | "PUT" | "PATCH";
  headers: Record<string, string>;
  events: string[];
  is_active: boolean;
  disabled_reason: string | null;
  retry_config: RetryConfig;
  secret: string;
  circuit_state: string;
  created_at: string;
  updated_at: string;
}

export interface WebhookTestResult {
  success: boolean;
  status_code: number | null;
  duration_ms: number;
  response_body: string | null;
  error: string | null;
  delivery_id: string;
}

export interface Integration {
  id: string;
  project_id: string;
  type: "http" | "slack";
  name: string;
  config: JsonObject;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

export interface TimePoint { t: string; value: number }

export interface Analytics {
  project_id: string;
  period: string;
  start_date: string;
  end_date: string;
  visitors?: { total: number; new: number; returning: number; timeseries: TimePoint[] };
  events?: { total: number; by_type: Array<{ event_type: string; count: number }>; timeseries: TimePoint[] };
  conversions?: { total: number; rate: number; revenue: number; timeseries: TimePoint[] };
  sessions?: { total: number; avg_duration_ms: number; bounce_rate: number };
  pages?: Array<{ url: string; views: number; visitors: number }>;
}

export interface RealtimeSnapshot {
  project_id: string;
  timestamp: string;
  active_visitors: number;
  events_last_minute: number;
  events_per_second: number;
  by_type: Array<{ event_type: string; count: number }>;
  top_pages: Array<{ url: string; views: number; visitors?: number; [key: string]: Json | undefined }>;
  recent_events: Event[];
}

export interface Report {
  id: string;
  project_id: string;
  name: string | null;
  report_type: "events" | "funnel" | "retention";
  filters: JsonObject;
  group_by: string[];
  metrics: string[];
  date_range: string | { start: string; end: string };
  results: { columns: string[]; rows: Json[][] };
  generated_at: string;
}

export interface Project {
  id: string;
  name: string;
  domain: string | null;
  timezone: string;
  settings: JsonObject;
  created_at: string;
  updated_at?: string;
}

export interface ApiKey {
  id: string;
  name: string;
  key?: string;
  prefix: string;
  project_ids: string[];
  scopes: Array<"ingest" | "read" | "write" | "admin">;
  default_project_id: string | null;
  created_at: string;
  last_used_at?: string | null;
  expires_at?: string | null;
}

export interface BatchResult {
  accepted: number;
  ids: string[];
  errors: Array<{ index: number; error: ApiErrorType }>;
}

// ---------- parameters ----------

export interface TrackParams {
  eventType: string;
  visitorId: string;
  /** Sent exactly as written (keys are not converted). */
  data?: JsonObject;
  projectId?: string;
  timestamp?: DateLike;
  sentAt?: DateLike;
  sessionId?: string;
  /** Idempotency key; generated by the SDK when absent. */
  id?: string;
}

export interface EventListParams extends ListParams, DateRangeParams {
  visitorId?: string;
  eventType?: string;
  sessionId?: string;
}

export interface VisitorUpdateParams {
  email?: string | null;
  name?: string | null;
  /** Merged key by key; sent exactly as written. */
  traits?: JsonObject;
  projectId?: string;
}

export interface VisitorListParams extends ListParams {
  tagId?: string;
  email?: string;
}

export interface TriggerParams {
  name?: string;
  description?: string | null;
  eventType?: string;
  /** The condition language, sent exactly as written (snake_case operators). */
  conditions?: JsonObject;
  /** Action option keys are converted; their `data`, `traits`, `headers`, `body` are sent as written. */
  actions?: JsonObject[];
  isActive?: boolean;
  frequencyCap?: { perVisitorMs: number } | null;
  projectId?: string;
}

export interface WebhookParams {
  name?: string;
  url?: string;
  method?: "POST" | "PUT" | "PATCH";
  /** Sent exactly as written. */
  headers?: Record<string, string>;
  events?: string[];
  isActive?: boolean;
  secret?: string;
  retryConfig?: Partial<{ maxAttempts: number; backoffMultiplier: number; initialDelay: number; maxDelay: number }>;
  projectId?: string;
}

export interface IntegrationParams {
  type?: "http" | "slack";
  name?: string;
  /** `{ baseUrl, headers, signingSecret }` (http) or `{ webhookUrl }` (slack); `headers` as written. */
  config?: JsonObject;
  isActive?: boolean;
  projectId?: string;
}

export interface AnalyticsParams extends DateRangeParams {
  projectId?: string;
  timezone?: string;
  period?: "24h" | "7d" | "30d" | "90d" | "today" | "custom";
  metrics?: Array<"visitors" | "events" | "conversions" | "sessions" | "pages"> | string;
  interval?: "hour" | "day";
}

export interface ReportParams {
  projectId?: string;
  name?: string;
  reportType: "events" | "funnel" | "retention";
  /** The condition language, sent exactly as written. */
  filters?: JsonObject;
  groupBy?: string[];
  metrics?: string[];
  dateRange?: string | { start: DateLike; end: DateLike };
  /** Funnel steps (event types or condition objects), sent exactly as written. */
  steps?: Array<string | JsonObject>;
  windowMs?: number;
  [option: string]: unknown;
}

export interface ProjectParams {
  name?: string;
  domain?: string | null;
  timezone?: string;
  settings?: Partial<{ conversionEventTypes: string[]; sessionTimeoutMs: number; retentionDays: number; allowedOrigins: string[] }>;
}

export interface TagParams {
  name?: string;
  description?: string | null;
  color?: string;
  projectId?: string;
}

export interface StreamParams {
  projectId?: string;
  /** `"events"` adds an `event` message per new event. */
  include?: "events" | string;
  eventType?: string;
  /** `"fetch"` (default; Authorization header, Node and browsers) or `"eventsource"` (browsers; stream token). */
  transport?: "fetch" | "eventsource";
  /** Resume after this message id. */
  lastEventId?: string;
  /** First reconnection delay in ms (the server's `retry:` wins). Default 1 000. */
  reconnectDelay?: number;
  maxReconnectDelay?: number;
  /** Reconnect when nothing (not even a keep-alive) arrives for this long. Default 45 000 ms. */
  heartbeatTimeout?: number;
  EventSource?: unknown;
}

export interface StreamMessage<T = unknown> {
  type: "snapshot" | "event" | string;
  id: string;
  data: T;
}

export interface StreamHandlers {
  onSnapshot?: (snapshot: RealtimeSnapshot) => void;
  onEvent?: (event: Event) => void;
  onMessage?: (message: StreamMessage) => void;
  onOpen?: (info: { lastEventId: string }) => void;
  onError?: (error: EchoTagError) => void;
  onReconnecting?: (info: { delay: number; lastEventId: string; attempt: number }) => void;
  onClose?: () => void;
}

export declare class RealtimeStream implements AsyncIterable<StreamMessage> {
  readonly readyState: "connecting" | "open" | "closed";
  readonly lastEventId: string;
  /** Resolves when the stream is closed (by close() or a final error). */
  readonly done: Promise<void>;
  on(type: "snapshot", fn: (snapshot: RealtimeSnapshot) => void): this;
  on(type: "event", fn: (event: Event) => void): this;
  on(type: "message", fn: (message: StreamMessage) => void): this;
  on(type: "open", fn: (info: { lastEventId: string }) => void): this;
  on(type: "error", fn: (error: EchoTagError) => void): this;
  on(type: "reconnecting", fn: (info: { delay: number; lastEventId: string; attempt: number }) => void): this;
  on(type: "close", fn: () => void): this;
  off(type: string, fn: (...args: any[]) => void): this;
  close(): void;
  [Symbol.asyncIterator](): AsyncIterator<StreamMessage>;
}

export declare class SSEParser {
  constructor(handlers?: {
    onMessage?: (message: { type: string; id: string; data: string }) => void;
    onComment?: (text: string) => void;
    onRetry?: (ms: number) => void;
  });
  lastEventId: string;
  push(text: string): void;
}

// ---------- resources ----------

export interface Events {
  /** Queued (resolves `{ id }`) when batching is on, unless `immediate`. */
  track(params: TrackParams, options?: TrackOptions): Promise<Event | { id: string }>;
  batch(events: TrackParams[] | { events: TrackParams[]; projectId?: string; sentAt?: DateLike }, options?: RequestOptions): Promise<BatchResult>;
  list(params?: EventListParams, options?: RequestOptions): Promise<ListResponse<Event>>;
  get(id: string, params?: { projectId?: string }, options?: RequestOptions): Promise<Event>;
}

export interface Visitors {
  get(visitorId: string, params?: { projectId?: string }, options?: RequestOptions): Promise<Visitor>;
  update(visitorId: string, params: VisitorUpdateParams, options?: RequestOptions): Promise<Visitor>;
  list(params?: VisitorListParams, options?: RequestOptions): Promise<ListResponse<Visitor>>;
  delete(visitorId: string, params?: { projectId?: string }, options?: RequestOptions): Promise<void>;
  addTag(visitorId: string, tag: string | { tagId: string } | { tag: string }, options?: RequestOptions): Promise<{ visitor_id: string; tag_id: string; assigned_at: string }>;
  removeTag(visitorId: string, tagId: string, options?: RequestOptions): Promise<void>;
}

export interface Sessions {
  list(params?: ListParams & DateRangeParams & { visitorId?: string }, options?: RequestOptions): Promise<ListResponse<Session>>;
  get(id: string, params?: { projectId?: string }, options?: RequestOptions): Promise<Session>;
}

export interface Crud<T, P, L = ListParams> {
  create(params: P, options?: RequestOptions): Promise<T>;
  list(params?: L, options?: RequestOptions): Promise<ListResponse<T>>;
  get(id: string, params?: { projectId?: string }, options?: RequestOptions): Promise<T>;
  update(id: string, params: Partial<P>, options?: RequestOptions): Promise<T>;
  delete(id: string, params?: { projectId?: string }, options?: RequestOptions): Promise<void>;
}

export interface Triggers extends Crud<Trigger, TriggerParams, ListParams & { isActive?: boolean }> {
  simulate(id: string, params: DateRangeParams & { limit?: number }, options?: RequestOptions): Promise<{
    matched_events: number; would_execute: number; sample: Array<{ event_id: string; visitor_id: string; actions: JsonObject[] }>;
  }>;
}

export interface Executions {
  list(params?: ListParams & DateRangeParams & { triggerId?: string; visitorId?: string; status?: Execution["status"] }, options?: RequestOptions): Promise<ListResponse<Execution>>;
  get(id: string, params?: { projectId?: string }, options?: RequestOptions): Promise<Execution>;
}

export interface Webhooks extends Crud<Webhook, WebhookParams> {
  /** PUT: full replace. */
  replace(id: string, params: WebhookParams, options?: RequestOptions): Promise<Webhook>;
  /** `testData` is sent exactly as written. */
  test(id: string, params?: { testData?: JsonObject }, options?: RequestOptions): Promise<WebhookTestResult>;
  logs(id: string, params?: ListParams & DateRangeParams & { status?: "pending" | "succeeded" | "failed" | "retrying" }, options?: RequestOptions): Promise<ListResponse<JsonObject>>;
  rotateSecret(id: string, options?: RequestOptions): Promise<Webhook>;
  retryDelivery(id: string, deliveryId: string, options?: RequestOptions): Promise<JsonObject>;
  recover(id: string, params: { since: DateLike }, options?: RequestOptions): Promise<JsonObject>;
}

export interface Integrations extends Crud<Integration, IntegrationParams> {
  test(id: string, params?: JsonObject, options?: RequestOptions): Promise<WebhookTestResult>;
}

export interface AnalyticsResource {
  get(params?: AnalyticsParams, options?: RequestOptions): Promise<Analytics>;
  realtime(params?: { projectId?: string }, options?: RequestOptions): Promise<RealtimeSnapshot>;
  realtimeToken(params?: { projectId?: string }, options?: RequestOptions): Promise<{ token: string; expires_at: string }>;
  stream(params?: StreamParams, handlers?: StreamHandlers): RealtimeStream;
}

export interface Reports {
  create(params: ReportParams, options?: RequestOptions): Promise<Report>;
  list(params?: ListParams, options?: RequestOptions): Promise<ListResponse<Report>>;
  get(id: string, params: { format: "csv"; projectId?: string }, options?: RequestOptions): Promise<string>;
  get(id: string, params?: { projectId?: string }, options?: RequestOptions): Promise<Report>;
  delete(id: string, params?: { projectId?: string }, options?: RequestOptions): Promise<void>;
}

export interface Auth {
  /** `{ use: true }` switches this client to the new key. */
  rotateKey(params?: { use?: boolean }, options?: RequestOptions): Promise<{ new_api_key: string; key_id: string; old_key_expires_at: string }>;
  createKey(params: { name: string; projectIds?: string[]; scopes?: Array<"ingest" | "read" | "write" | "admin"> }, options?: RequestOptions): Promise<ApiKey>;
  listKeys(params?: ListParams, options?: RequestOptions): Promise<ListResponse<ApiKey>>;
  revokeKey(id: string, options?: RequestOptions): Promise<void>;
}

export declare class EchoTagAPI {
  constructor(options?: ClientOptions);
  readonly baseUrl: string;
  projectId: string | null;
  readonly events: Events;
  readonly visitors: Visitors;
  readonly sessions: Sessions;
  readonly triggers: Triggers;
  readonly executions: Executions;
  readonly webhooks: Webhooks;
  readonly integrations: Integrations;
  readonly analytics: AnalyticsResource;
  readonly reports: Reports;
  readonly projects: Crud<Project, ProjectParams>;
  readonly tags: Crud<Tag, TagParams>;
  readonly auth: Auth;
  setApiKey(apiKey: string): void;
  /** Any path under baseUrl (`/events`); body and query sent as is; retried only when idempotent. */
  request<T = any>(path: string, method?: string, body?: unknown, options?: EscapeHatchOptions): Promise<T>;
  /** Batching: send what is queued now. */
  flush(): Promise<{ accepted: number; failed: number }>;
  /** Batching: flush and detach the exit hooks. */
  close(): Promise<{ accepted: number; failed: number }>;
}

export declare class EventQueue {
  constructor(send: (events: JsonObject[], options: { keepalive: boolean }) => Promise<BatchResult>, options?: BatchOptions);
  readonly size: number;
  add(event: JsonObject): Promise<{ id: string }>;
  flush(options?: { keepalive?: boolean }): Promise<{ accepted: number; failed: number }>;
  close(): Promise<{ accepted: number; failed: number }>;
}

export declare function newEventId(): string;
export declare function snakeKey(key: string): string;
export declare function toWire<T>(value: T): unknown;
export declare const VERBATIM_KEYS: ReadonlySet<string>;
export declare const VERSION: string;
export default EchoTagAPI;
