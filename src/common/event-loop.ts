/** Lets pending I/O (requests) run before the next statement. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
