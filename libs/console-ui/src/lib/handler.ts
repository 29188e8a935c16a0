/**
 * An event handler from an async function: DOM handlers return nothing, so the promise is dropped on
 * purpose (the actions report their own errors through useAction).
 */
export function handler<A extends unknown[]>(fn: (...args: A) => Promise<unknown>): (...args: A) => void {
  return (...args) => {
    void fn(...args);
  };
}
