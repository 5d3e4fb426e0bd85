// Loaded before Azurite (node --require). Ctrl+C in a terminal signals the whole foreground process group,
// Azurite included; it must outlive the host, which needs storage to stop cleanly and stops Azurite last.
// So SIGINT is ignored (Azurite's own handler is never installed) and Azurite ends with its parent instead.
"use strict";
const ignore = () => {};
process.on("SIGINT", ignore);
for (const method of ["on", "once", "addListener", "prependListener", "prependOnceListener"]) {
  const original = process[method].bind(process);
  process[method] = (event, listener) => (event === "SIGINT" ? process : original(event, listener));
}

// Reparented (the host died without stopping it): nobody will stop this Azurite, so it stops itself.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) {
    process.exit(0);
  }
}, 500).unref();
