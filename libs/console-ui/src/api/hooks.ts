import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ToolCallError } from './client';
import { useSession } from './session';

export type Loaded<T> =
  | { status: 'loading'; data?: T }
  | { status: 'ok'; data: T }
  /** The gateway does not have this tool (not in GET /tools): an honest "not available" panel. */
  | { status: 'missing'; tool: string }
  | { status: 'error'; error: Error; data?: T };

export interface ToolState<T> {
  state: Loaded<T>;
  reload: () => void;
}

/**
 * Reads a tool and re-reads it when `key` changes or on reload(); a tool the gateway does not list is
 * never called. `refreshMs` polls while the page is visible.
 */
export function useTool<T>(
  tool: string,
  load: () => Promise<T>,
  key: string,
  opts: { refreshMs?: number; enabled?: boolean } = {},
): ToolState<T> {
  const session = useSession();
  const available = session.has(tool);
  const enabled = opts.enabled ?? true;
  const [state, setState] = useState<Loaded<T>>(available ? { status: 'loading' } : { status: 'missing', tool });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    if (!available) {
      setState({ status: 'missing', tool });
      return;
    }
    if (!enabled) return;
    let live = true;
    setState((s) => ({ status: 'loading', data: 'data' in s ? s.data : undefined }));
    loadRef.current().then(
      (data) => live && setState({ status: 'ok', data }),
      (error: Error) => {
        if (!live) return;
        session.onRefused(error);
        setState((s) => ({ status: 'error', error, data: 'data' in s ? s.data : undefined }));
      },
    );
    return () => {
      live = false;
    };
  }, [tool, key, tick, available, enabled]);

  useEffect(() => {
    if (!opts.refreshMs || !available) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((t) => t + 1);
    }, opts.refreshMs);
    return () => clearInterval(timer);
  }, [opts.refreshMs, available]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { state, reload };
}

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  busy: boolean;
  error: ToolCallError | Error | null;
  clear: () => void;
}

/** A write: busy flag, the gateway's error (with per-field issues) kept for inline display. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ToolCallError | Error | null>(null);
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(null);
      try {
        return await fn(...args);
      } catch (err) {
        session.onRefused(err);
        setError(err as Error);
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [fn, session],
  );
  return { run, busy, error, clear: () => setError(null) };
}
