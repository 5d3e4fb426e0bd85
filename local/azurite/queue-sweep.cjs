// Loaded before Azurite (node --require) when its data is in memory; AZURITE_QUEUE_SWEEP_MS is the period.
// In memory, Azurite's queue service keeps every message's text as an extent of its own, and frees the extents of
// deleted messages in a sweep every 60 s. The sweep removes them one at a time from a LokiJS collection (each
// removal costs in proportion to the collection), all in one turn of Node's event loop, so its pause grows with the
// square of the messages enqueued since the last sweep, and no blob, queue or table request is served meanwhile.
// The Durable engine enqueues about 3 messages per call: at 10 calls/s that was a pause of 0.8-2 s once a minute
// (docs/benchmarks.md, "Voice webhook tail"), which Azure Storage does not have. Sweeping every second keeps each
// sweep to the few dozen messages of that second (about 0.5 ms for 30, against 1.4 s for 1,100, measured on its own). Azurite's own period is a constant it reads when it starts.
"use strict";
const period = Number(process.env.AZURITE_QUEUE_SWEEP_MS);
if (Number.isInteger(period) && period > 0) {
  require("azurite/dist/src/queue/utils/constants").DEFAULT_GC_INTERVAL_MS = period;
}
