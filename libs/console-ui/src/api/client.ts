import type { ConsoleToolInput, ConsoleToolName, ConsoleToolOutput } from '@ai-mcp-gateway/console-contract';
import type { HealthReport, ToolErrorBody, ToolInfo } from './gateway-types';

/** A tool door answered with an error: status, the door's kind and the per-field issues. */
export class ToolCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: ToolErrorBody,
    /** The tool called, when the request went to a tool door. */
    readonly tool?: string,
  ) {
    super(body.error || `HTTP ${status}`);
    this.name = 'ToolCallError';
  }

  get issues(): { path: string; message: string }[] {
    return this.body.issues ?? [];
  }

  /** The message of one field (`pattern`), if the gateway named it. */
  issueFor(path: string): string | undefined {
    return this.issues.find((i) => i.path === path || i.path.startsWith(`${path}.`))?.message;
  }
}

/** The key is missing, unknown or revoked (401): the console asks for one again. */
export class UnauthorizedError extends ToolCallError {}

const KEY_STORAGE = 'ai-mcp-gateway.console.key';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}
export function storeKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

type Query = Record<string, string | number | boolean | undefined | null>;

/**
 * The console's only way to the gateway: the REST tool doors (GET /tools/:name for read-only tools,
 * POST with JSON otherwise) with the operator's key as a bearer header. No cookies are involved.
 */
export class GatewayClient {
  constructor(readonly key: string | null) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.key ? { authorization: `Bearer ${this.key}`, ...extra } : extra;
  }

  async listTools(): Promise<ToolInfo[]> {
    const body = await this.request<{ tools: ToolInfo[] }>('GET', '/tools');
    return body.tools;
  }

  /** Reads with GET and a query string (the door coerces it with the tool's schema). */
  read<T>(name: string, query: Query = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
    const qs = params.toString();
    return this.request<T>('GET', `/tools/${name}${qs ? `?${qs}` : ''}`);
  }

  write<T>(name: string, body: unknown): Promise<T> {
    return this.request<T>('POST', `/tools/${name}`, body);
  }

  /** A console tool of the contract, typed end to end: GET for a read with a short query string... */
  readContract<N extends ConsoleToolName>(name: N, query: ConsoleToolInput<N> & Query): Promise<ConsoleToolOutput<N>> {
    return this.read(name, query);
  }
  /** ...POST for a write, or a read whose input is long (explain_route's prompt): every tool takes POST. */
  postContract<N extends ConsoleToolName>(name: N, body: ConsoleToolInput<N>): Promise<ConsoleToolOutput<N>> {
    return this.write(name, body);
  }

  async health(): Promise<HealthReport> {
    return this.request<HealthReport>('GET', '/health');
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(path, {
      method,
      headers: this.headers(
        body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
      ),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.ok) return parsed as T;
    const errorBody: ToolErrorBody =
      parsed && typeof parsed === 'object' && 'error' in parsed
        ? (parsed as ToolErrorBody)
        : { error: `${method} ${path} answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
    const tool = /^\/tools\/([a-z0-9_]+)/.exec(path)?.[1];
    if (res.status === 401) throw new UnauthorizedError(401, errorBody, tool);
    throw new ToolCallError(res.status, errorBody, tool);
  }
}
