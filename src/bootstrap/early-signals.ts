/**
 * Imported first by the entry points: a SIGTERM that lands while modules are still loading must not
 * kill the process (exit by signal) but be remembered, so the start can finish and close cleanly.
 */
type StopHandler = (signal: NodeJS.Signals) => void;

let pending: NodeJS.Signals | undefined;
let handler: StopHandler | undefined;

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (handler) handler(signal);
    else pending ??= signal;
  });
}

/** Registers the stop handler; a signal that arrived earlier is delivered at once. */
export function onStopSignal(cb: StopHandler): void {
  handler = cb;
  if (pending) cb(pending);
}

let reloadHandler: (() => void) | undefined;
// SIGHUP would end the process by default: it reloads the config once the gateway runs (before, the
// start is reading the file anyway).
process.on('SIGHUP', () => reloadHandler?.());

/** Registers what SIGHUP does (the config reload). */
export function onReloadSignal(cb: () => void): void {
  reloadHandler = cb;
}
