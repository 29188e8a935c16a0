import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/common/app-info';

interface DesktopServer {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** The claude_desktop_config.json snippet of the README, as a user copies it. */
function readmeSnippet(): DesktopServer {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Claude Desktop'));
  const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  if (!json) throw new Error('README: no JSON snippet under "### Claude Desktop"');
  return (JSON.parse(json) as { mcpServers: Record<string, DesktopServer> }).mcpServers['ai-mcp-gateway'];
}

const PLACEHOLDER = '/absolute/path/to/ai-mcp-gateway';

describe("the README's Claude Desktop recipe (npm run build first)", () => {
  const tmp = mkdtempSync(join(tmpdir(), 'claude-desktop-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('starts the stdio entry from / with only the snippet env, initializes and lists the tools', async () => {
    const server = readmeSnippet();
    expect(server.command).toBe('node');
    // The user's paths for the placeholders; the data directory is a fresh one, not this checkout's data/.
    const args = server.args.map((a) => a.replace(PLACEHOLDER, PROJECT_ROOT));
    const env = Object.fromEntries(
      Object.entries(server.env ?? {}).map(([k, v]) => [k, k === 'DATA_DIR' ? join(tmp, 'data') : v]),
    );
    // Like Claude Desktop: another working directory, and the SDK's default environment plus the snippet's.
    const transport = new StdioClientTransport({ command: server.command, args, env, cwd: '/', stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (d) => (stderr += d));
    const client = new Client({ name: 'claude-desktop-recipe', version: '1.0.0' });
    try {
      await client.connect(transport);
      expect(client.getServerVersion()?.name).toBe('ai-mcp-gateway');
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(
        expect.arrayContaining(['analyze_metrics', 'record_metric', 'get_routing_heuristics']),
      );
      expect(stderr).toContain('MCP stdio server ready');
    } catch (err) {
      throw new Error(`${(err as Error).message}\nstderr of the stdio entry:\n${stderr.slice(-2000)}`, { cause: err });
    } finally {
      await client.close();
    }
  });
});
