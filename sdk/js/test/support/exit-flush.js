// Child process of batching.test.js: queues two events and simply ends; the queue's
// beforeExit hook must send them. The fake fetch prints what it was sent.
import { EchoTagAPI } from "../../index.js";

const fetch = async (url, init) => {
  const body = JSON.parse(init.body);
  process.stdout.write(`${JSON.stringify({ path: new URL(url).pathname, types: body.events.map((e) => e.event_type) })}\n`);
  return new Response(JSON.stringify({ accepted: body.events.length, ids: [], errors: [] }),
    { status: 200, headers: { "Content-Type": "application/json" } });
};
const api = new EchoTagAPI({ apiKey: "et_live_abcdefghijklmnopqrstuvwxyz012345", fetch, batch: { flushInterval: 60_000 } });
api.events.track({ eventType: "before_exit_1", visitorId: "v" });
api.events.track({ eventType: "before_exit_2", visitorId: "v" });
