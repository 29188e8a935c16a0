import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnEntry } from './helpers/process';

const MODEL = '\nmodels:\n  - id: m\n    provider: p\n    layer: fast\n    price: { input: 1, output: 1 }\n';

/** Config mistakes a new user makes: each stops the start with one line naming the file, key and reason. */
const BAD_CONFIGS: Array<[string, string, RegExp]> = [
  [
    'an optimizer.cron that is not a cron expression',
    'optimizer:\n  cron: every 15 minutes\n',
    /at optimizer\.cron: "every 15 minutes" is not a cron expression/,
  ],
  [
    'a misspelt plugin',
    'providers:\n  - id: p\n    plugin: simulatd\n' + MODEL,
    /at providers\[0\]\.plugin: unknown plugin "simulatd": not a folder in plugins\/ \(anthropic, openai-compatible, simulated\)/,
  ],
  [
    'an API key written in the options',
    'providers:\n  - id: p\n    plugin: openai-compatible\n    options: { baseUrl: "http://127.0.0.1:1/v1", apiKey: sk-123 }\n' +
      MODEL,
    /at providers\[0\]\.options: unknown key "apiKey": .*apiKeyEnv/,
  ],
  [
    'a bad baseUrl in the options',
    'providers:\n  - id: p\n    plugin: openai-compatible\n    options: { baseUrl: "not a url" }\n' + MODEL,
    /at providers\[0\]\.options\.baseUrl: /,
  ],
];

describe('config errors found at start (npm run build first)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'config-errors-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it.each(BAD_CONFIGS)(
    'exits 1 with one line for %s, before opening the database',
    async (_name, yaml, reason) => {
      const cfg = join(tmp, `bad-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(cfg, yaml);
      const dataDir = join(tmp, `never-${Math.random().toString(36).slice(2)}`);
      const proc = spawnEntry('main', [], { GATEWAY_CONFIG: cfg, DATA_DIR: dataDir, PORT: '0' });
      expect((await proc.exited).code).toBe(1);
      const lines = proc.stderr().trim().split('\n');
      expect(lines).toEqual([expect.stringContaining(`ai-mcp-gateway: Invalid configuration in ${cfg} at `)]);
      expect(lines[0]).toMatch(reason);
      expect(proc.stdout()).not.toContain('listening');
      expect(existsSync(dataDir)).toBe(false);
    },
    30000,
  );
});
