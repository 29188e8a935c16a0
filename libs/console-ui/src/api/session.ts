import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { GatewayClient, ToolCallError, UnauthorizedError } from './client';
import type { Scope, ToolInfo } from './gateway-types';

/** What the console may do with the current key. */
export interface Capabilities {
  open: boolean;
  scopes: Scope[];
  /** How the scopes were learned: the whoami tool, the open gateway, or refused-write probes. */
  source: 'whoami' | 'open' | 'probe';
  keyName?: string;
  keyPrefix?: string;
}

export interface Session {
  client: GatewayClient;
  tools: Map<string, ToolInfo>;
  caps: Capabilities;
}

export interface SessionApi extends Session {
  has: (tool: string) => boolean;
  can: (scope: Scope) => boolean;
  /** A write came back 401/403: sign out, or fall back to read-only. */
  onRefused: (err: unknown) => void;
  signOut: () => void;
}

export const SessionContext = createContext<SessionApi | null>(null);

export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in console');
  return session;
}

export function hasScope(scopes: readonly Scope[], needed: Scope): boolean {
  return scopes.includes('admin') || scopes.includes(needed);
}

/** "open" when the gateway said (in index.html) that it serves without keys. */
export function gatewayAuthMode(): 'open' | 'key' {
  const meta = document.querySelector('meta[name="gateway-auth"]');
  return meta?.getAttribute('content') === 'open' ? 'open' : 'key';
}

/**
 * Opens a session: the tool listing (which also proves the key), then the key's scopes. 401 and 403
 * from the listing are thrown for the sign-in screen to explain.
 */
export async function openSession(key: string | null): Promise<Session> {
  const client = new GatewayClient(key);
  const listed = await client.listTools();
  const tools = new Map(listed.map((t) => [t.name, t]));
  return { client, tools, caps: await capabilities(client, tools) };
}

async function capabilities(client: GatewayClient, tools: Map<string, ToolInfo>): Promise<Capabilities> {
  if (tools.has('whoami')) {
    const me = await client.readContract('whoami', {});
    return {
      open: me.open,
      scopes: me.scopes,
      source: me.open ? 'open' : 'whoami',
      keyName: me.key?.name,
      keyPrefix: me.key?.prefix,
    };
  }
  // No key and the listing answered: the gateway runs open and everything is allowed.
  if (!client.key) return { open: true, scopes: ['route', 'tools:read', 'tools:write', 'admin'], source: 'open' };
  // Until whoami exists: the tool door checks the scope before it reads the input, so a deliberately
  // empty input is refused with 403 (no scope) or 400 (allowed), and nothing is ever written.
  const scopes: Scope[] = ['tools:read'];
  if (await allowed(client, 'update_routing_heuristic', {})) scopes.push('tools:write');
  if (await allowed(client, 'run_optimizer', { dryRun: 'scope-probe' })) scopes.push('admin');
  return { open: false, scopes, source: 'probe', keyPrefix: client.key.slice(0, 12) };
}

async function allowed(client: GatewayClient, tool: string, invalidInput: unknown): Promise<boolean> {
  try {
    await client.write(tool, invalidInput);
    return true;
  } catch (err) {
    if (err instanceof UnauthorizedError) throw err;
    if (err instanceof ToolCallError) return err.status !== 403;
    throw err;
  }
}
