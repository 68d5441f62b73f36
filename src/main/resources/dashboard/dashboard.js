// EchoTag Live: a wall-screen view of GET /v1/analytics/realtime/stream.
// No build step, no dependency. The API key stays in localStorage and is sent only to
// POST /v1/analytics/realtime/token; the stream itself is opened with the short-lived,
// read-only token (EventSource cannot send headers). Event data is shown with textContent only:
// it comes from tracked pages and is never trusted as HTML.

const KEY_STORE = "echotag.dashboard.apiKey";
const PROJECT_STORE = "echotag.dashboard.projectId";
const WINDOW_SECONDS = 300;
const MAX_LIST = 60;
const TOKEN_REFRESH_MARGIN_MS = 60_000;

const $ = (id) => document.getElementById(id);
const body = document.body;

const state = {
  apiKey: null,
  projectId: null,
  source: null,
  refreshTimer: null,
  retryTimer: null,
  failures: 0,
  generation: 0,
  counted: new Map(), // second → events received in that second
  averages: new Map(), // second → events_per_second of the snapshot of that second
  seen: new Set(),
  seenOrder: [],
  snapshots: 0,
  eventsReceived: 0,
  lastSnapshot: null,
};

// ---------- connection ----------

function setStatus(status, text) {
  body.dataset.status = status;
  $("status-text").textContent = text;
}

function showConnect(message) {
  $("api-key").value = state.apiKey || localStorage.getItem(KEY_STORE) || "";
  $("project-id").value = state.projectId || localStorage.getItem(PROJECT_STORE) || "";
  $("connect-error").textContent = message || "";
  $("connect").hidden = false;
  $("api-key").focus();
}

function disconnect() {
  state.generation++;
  clearTimeout(state.refreshTimer);
  clearTimeout(state.retryTimer);
  if (state.source) {
    state.source.close();
    state.source = null;
  }
}

function scheduleRetry(delayMs) {
  state.failures++;
  const backoff = Math.min(30_000, 1000 * 2 ** Math.min(5, state.failures - 1));
  const wait = delayMs ?? Math.round(backoff * (0.5 + Math.random() / 2));
  setStatus("connecting", `Reconnecting in ${Math.ceil(wait / 1000)} s…`);
  clearTimeout(state.retryTimer);
  state.retryTimer = setTimeout(connect, wait);
}

async function errorMessage(response) {
  try {
    const json = await response.json();
    return { code: json.error && json.error.code, message: (json.error && json.error.message) || `HTTP ${response.status}` };
  } catch {
    return { code: null, message: `HTTP ${response.status}` };
  }
}

async function fetchToken() {
  const response = await fetch("/v1/analytics/realtime/token", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${state.apiKey}`,
      "Content-Type": "application/json",
      Accept: "application/json",
    },
    body: JSON.stringify(state.projectId ? { project_id: state.projectId } : {}),
  });
  if (!response.ok) {
    const error = await errorMessage(response);
    error.status = response.status;
    error.retryAfter = Number(response.headers.get("Retry-After")) || null;
    throw error;
  }
  return response.json();
}

async function connect() {
  const generation = ++state.generation;
  clearTimeout(state.retryTimer);
  clearTimeout(state.refreshTimer);
  if (!state.source) {
    setStatus("connecting", "Connecting…");
  }
  let token;
  try {
    token = await fetchToken();
  } catch (error) {
    if (generation !== state.generation) {
      return;
    }
    if (error.status === 401 || error.status === 403) {
      disconnect();
      setStatus("error", "Key refused");
      showConnect(`${error.message} (${error.status})`);
    } else if (error.status === 404) {
      disconnect();
      const unavailable = error.code === "route_not_found";
      setStatus("error", unavailable ? "Realtime unavailable" : "Project not found");
      showConnect(unavailable ? "This gateway has no realtime endpoints (404 on the token endpoint)." : error.message);
    } else {
      scheduleRetry(error.retryAfter ? error.retryAfter * 1000 : undefined);
    }
    return;
  }
  if (generation !== state.generation) {
    return;
  }
  const params = new URLSearchParams({ access_token: token.token, include: "events" });
  if (state.projectId) {
    params.set("project_id", state.projectId);
  }
  const previous = state.source;
  const source = new EventSource(`/v1/analytics/realtime/stream?${params}`);
  state.source = source;
  source.addEventListener("open", () => {
    if (previous) {
      previous.close(); // a token refresh: the old stream overlaps the new one until it opens
    }
    state.failures = 0;
    setStatus("live", "Live");
  });
  source.addEventListener("snapshot", (e) => onSnapshot(parse(e.data)));
  source.addEventListener("event", (e) => onEvent(parse(e.data)));
  source.addEventListener("error", () => {
    if (state.source !== source) {
      return;
    }
    if (source.readyState === EventSource.CLOSED) {
      // the browser gave up (e.g. the token expired or the node went away): new token, new stream
      source.close();
      state.source = null;
      scheduleRetry();
    } else {
      setStatus("connecting", "Reconnecting…"); // EventSource retries by itself, with Last-Event-ID
    }
  });
  const expires = Date.parse(token.expires_at);
  if (!Number.isNaN(expires)) {
    state.refreshTimer = setTimeout(connect, Math.max(5000, expires - Date.now() - TOKEN_REFRESH_MARGIN_MS));
  }
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// ---------- data ----------

const second = (ms) => Math.floor(ms / 1000);

function remember(id) {
  if (!id || state.seen.has(id)) {
    return false;
  }
  state.seen.add(id);
  state.seenOrder.push(id);
  if (state.seenOrder.length > 5000) {
    state.seen.delete(state.seenOrder.shift());
  }
  return true;
}

function prune(map, now) {
  for (const key of map.keys()) {
    if (key <= now - WINDOW_SECONDS) {
      map.delete(key);
    }
  }
}

const numberFormat = new Intl.NumberFormat();

function setNumber(id, text) {
  const el = $(id);
  if (el.textContent !== text) {
    el.textContent = text;
    el.classList.remove("bump");
    void el.offsetWidth; // restart the animation
    el.classList.add("bump");
  }
}

function onSnapshot(snapshot) {
  if (!snapshot) {
    return;
  }
  state.snapshots++;
  body.dataset.snapshots = String(state.snapshots);
  state.lastSnapshot = snapshot;
  if (snapshot.project_id) {
    $("project").textContent = snapshot.project_id;
  }
  setNumber("active-visitors", numberFormat.format(snapshot.active_visitors ?? 0));
  const eps = Number(snapshot.events_per_second ?? 0);
  setNumber("events-per-second", eps >= 100 ? numberFormat.format(Math.round(eps)) : eps.toFixed(1));
  setNumber("events-last-minute", numberFormat.format(snapshot.events_last_minute ?? 0));
  state.averages.set(second(Date.now()), eps);
  renderByType(snapshot.by_type || []);
  renderTopPages(snapshot.top_pages || []);
  const recent = [...(snapshot.recent_events || [])]
    .sort((a, b) => String(a.timestamp).localeCompare(String(b.timestamp)));
  for (const event of recent) {
    if (remember(event.id)) {
      addEventRow(event, false);
    }
  }
  scheduleDraw();
}

function onEvent(event) {
  if (!event || !remember(event.id)) {
    return;
  }
  state.eventsReceived++;
  body.dataset.events = String(state.eventsReceived);
  const now = second(Date.now());
  state.counted.set(now, (state.counted.get(now) || 0) + 1);
  addEventRow(event, true);
  scheduleDraw();
}

// ---------- rendering ----------

function colorFor(text) {
  let hash = 0;
  for (const c of String(text)) {
    hash = (hash * 31 + c.codePointAt(0)) >>> 0;
  }
  return `hsl(${hash % 360} 70% 60%)`;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function renderList(list, items, emptyText, build) {
  list.replaceChildren(...(items.length ? items.map(build) : [el("li", "empty", emptyText)]));
}

function renderByType(byType) {
  const top = byType.slice(0, 8);
  const max = Math.max(1, ...top.map((t) => t.count || 0));
  renderList($("by-type"), top, "No events yet", (t) => {
    const li = el("li");
    li.dataset.type = t.event_type;
    li.append(el("span", "name", t.event_type), el("span", "count", numberFormat.format(t.count || 0)));
    const bar = el("span", "bar");
    const fill = el("span", "fill");
    fill.style.width = `${Math.max(2, (100 * (t.count || 0)) / max)}%`;
    fill.style.background = colorFor(t.event_type);
    bar.append(fill);
    li.append(bar);
    return li;
  });
}

function renderTopPages(pages) {
  renderList($("top-pages"), pages.slice(0, 10), "No page views yet", (p) => {
    const li = el("li");
    li.title = p.url;
    li.append(el("span", "url", shortUrl(p.url)), el("span", "visitors",
      p.visitors != null ? `${numberFormat.format(p.visitors)} visitors` : ""), el("span", "count", numberFormat.format(p.views || 0)));
    return li;
  });
}

function shortUrl(url) {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}${u.search}`;
  } catch {
    return String(url ?? "");
  }
}

function describe(event) {
  const data = event.data || {};
  if (data.url) {
    return shortUrl(data.url) + (data.title ? ` — ${data.title}` : "");
  }
  if (data.revenue != null) {
    return `${data.revenue} ${data.currency || ""}${data.order_id ? ` · order ${data.order_id}` : ""}`.trim();
  }
  const text = JSON.stringify(data);
  return text === "{}" ? "" : text.slice(0, 160);
}

function timeOf(event) {
  const date = new Date(event.timestamp || event.received_at || Date.now());
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString([], { hour12: false });
}

function addEventRow(event, fresh) {
  const list = $("event-list");
  const empty = list.querySelector(".empty");
  if (empty) {
    empty.remove();
  }
  const li = el("li", fresh ? "fresh" : "");
  li.dataset.id = event.id || "";
  const type = el("span", "type", event.event_type);
  type.style.color = colorFor(event.event_type);
  type.style.background = "rgba(255,255,255,0.06)";
  li.append(el("time", "", timeOf(event)), type, el("span", "visitor", event.visitor_id || ""),
    el("span", "detail", describe(event)));
  list.prepend(li);
  while (list.children.length > MAX_LIST) {
    list.lastElementChild.remove();
  }
  $("event-count").textContent = state.eventsReceived ? `${numberFormat.format(state.eventsReceived)} received` : "";
}

let drawQueued = false;
function scheduleDraw() {
  if (!drawQueued) {
    drawQueued = true;
    requestAnimationFrame(() => {
      drawQueued = false;
      drawChart();
    });
  }
}

function niceMax(value) {
  if (value <= 1) {
    return 1;
  }
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) {
      return step * power;
    }
  }
  return 10 * power;
}

function drawChart() {
  const canvas = $("chart");
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (width === 0 || height === 0) {
    return;
  }
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);

  const now = second(Date.now());
  prune(state.counted, now);
  prune(state.averages, now);
  const left = 44;
  const right = 8;
  const top = 8;
  const bottom = 24;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(0, ...state.counted.values(), ...state.averages.values()) * 1.1);
  const x = (s) => left + ((s - (now - WINDOW_SECONDS + 1)) / WINDOW_SECONDS) * plotW;
  const y = (v) => top + plotH - (v / max) * plotH;

  ctx.font = "12px system-ui, sans-serif";
  ctx.fillStyle = "#7d8aa5";
  ctx.strokeStyle = "rgba(255,255,255,0.06)";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const yy = Math.round(y(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(left, yy);
    ctx.lineTo(width - right, yy);
    ctx.stroke();
    ctx.fillText(Number.isInteger(v) ? String(v) : v.toFixed(1), left - 8, yy);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (let m = 5; m >= 0; m--) {
    const s = now - m * 60;
    ctx.fillText(m === 0 ? "now" : `−${m} min`, Math.min(width - right - 14, Math.max(left + 16, x(s))), top + plotH + 6);
  }

  // bars: events counted per second from the stream
  const barW = Math.max(1, plotW / WINDOW_SECONDS - 1);
  const gradient = ctx.createLinearGradient(0, top, 0, top + plotH);
  gradient.addColorStop(0, "rgba(59,130,246,0.95)");
  gradient.addColorStop(1, "rgba(59,130,246,0.25)");
  ctx.fillStyle = gradient;
  for (const [s, count] of state.counted) {
    const h = (count / max) * plotH;
    ctx.fillRect(x(s) - barW, top + plotH - h, barW, h);
  }

  // line: the server's 10 s average from each snapshot
  const points = [...state.averages.entries()].sort((a, b) => a[0] - b[0]);
  if (points.length > 0) {
    ctx.strokeStyle = "#22d3ee";
    ctx.lineWidth = 2.5;
    ctx.lineJoin = "round";
    ctx.shadowColor = "rgba(34,211,238,0.6)";
    ctx.shadowBlur = 8;
    ctx.beginPath();
    points.forEach(([s, v], i) => (i === 0 ? ctx.moveTo(x(s), y(v)) : ctx.lineTo(x(s), y(v))));
    ctx.stroke();
    const [lastS, lastV] = points[points.length - 1];
    ctx.fillStyle = "#22d3ee";
    ctx.beginPath();
    ctx.arc(x(lastS), y(lastV), 4, 0, 2 * Math.PI);
    ctx.fill();
    ctx.shadowBlur = 0;
  }
}

// ---------- start ----------

function tick() {
  $("clock").textContent = new Date().toLocaleTimeString([], { hour12: false });
  scheduleDraw();
}

$("connect-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const key = $("api-key").value.trim();
  const project = $("project-id").value.trim();
  if (!key) {
    return;
  }
  localStorage.setItem(KEY_STORE, key);
  if (project) {
    localStorage.setItem(PROJECT_STORE, project);
  } else {
    localStorage.removeItem(PROJECT_STORE);
  }
  state.apiKey = key;
  state.projectId = project || null;
  $("connect").hidden = true;
  disconnect();
  state.failures = 0;
  connect();
});

$("change-key").addEventListener("click", () => {
  disconnect();
  setStatus("idle", "Not connected");
  showConnect();
});

window.addEventListener("resize", scheduleDraw);
setInterval(tick, 1000);
tick();

const fromUrl = new URLSearchParams(location.search).get("project");
state.apiKey = localStorage.getItem(KEY_STORE);
state.projectId = fromUrl || localStorage.getItem(PROJECT_STORE);
if (state.apiKey) {
  connect();
} else {
  showConnect();
}

// for tests and curious operators
window.echotagDashboard = { state, connect, disconnect, onSnapshot, onEvent };
