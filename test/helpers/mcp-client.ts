import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/common/app-info';

/** The official SDK client over Streamable HTTP. */
export async function connectHttp(
  baseUrl: string,
  headers: Record<string, string> = {},
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'gateway-e2e', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', baseUrl), { requestInit: { headers } });
  await client.connect(transport);
  return { client, transport };
}

/** The official SDK client over stdio, spawning the built `npm run mcp` entry point. */
export async function connectStdio(
  env: Record<string, string>,
): Promise<{ client: Client; transport: StdioClientTransport; stderr: () => string }> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && k !== 'DATABASE_URL' && k !== 'GATEWAY_CONFIG') base[k] = v;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(PROJECT_ROOT, 'dist/src/mcp-stdio.js')],
    cwd: PROJECT_ROOT,
    env: { ...base, LOG_LEVEL: 'info', ...env },
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (d) => (err += d));
  const client = new Client({ name: 'gateway-e2e-stdio', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, stderr: () => err };
}
