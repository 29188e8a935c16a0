import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/config.loader';
import { gatewayConfigSchema } from '../config/config.schema';
import { checkProviderPlugins, knownPlugins } from './plugin-check';

const dir = mkdtempSync(join(tmpdir(), 'plugin-check-'));
const FILE = join(dir, 'gateway.yaml');
const simulated = { latencyScale: 0, models: [{ id: 'm', quality: { default: 0.9 }, latencyMs: { p50: 1, p99: 2 } }] };

function check(providers: unknown[]): Promise<void> {
  return checkProviderPlugins(gatewayConfigSchema.parse({ providers }), FILE);
}

async function errorOf(providers: unknown[]): Promise<ConfigError> {
  const err = await check(providers).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof ConfigError) return err;
  throw new Error(`expected a ConfigError, got ${String(err)}`);
}

describe('checkProviderPlugins: config errors that need the plugin', () => {
  it('accepts known plugins with valid options, and does not check disabled providers', async () => {
    await expect(
      check([
        { id: 'sim', plugin: 'simulated', options: simulated },
        { id: 'oai', plugin: 'openai-compatible', options: { baseUrl: 'http://127.0.0.1:1/v1', apiKeyEnv: 'K' } },
        { id: 'off', plugin: 'simulatd', enabled: false },
      ]),
    ).resolves.toBeUndefined();
  });

  it('names a misspelt plugin and lists the plugin folders it knows', async () => {
    expect(knownPlugins()).toEqual(['anthropic', 'openai-compatible', 'simulated']);
    const err = await errorOf([
      { id: 'sim', plugin: 'simulated', options: simulated },
      { id: 'typo', plugin: 'simulatd' },
    ]);
    expect(err.message).toBe(
      `Invalid configuration in ${FILE} at providers[1].plugin: unknown plugin "simulatd": not a folder in plugins/ (anthropic, openai-compatible, simulated) nor an installed npm package`,
    );
  });

  it('suggests apiKeyEnv for an API key written in the options', async () => {
    const err = await errorOf([
      { id: 'oai', plugin: 'openai-compatible', options: { baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'sk-1' } },
    ]);
    expect(err.keyPath).toBe('providers[0].options');
    expect(err.reason).toMatch(/^unknown key "apiKey": .*name the environment variable that holds it with apiKeyEnv/);
    expect(err.message).not.toContain('sk-1');
  });

  it('names an option the plugin refuses by its key path, and lists the known keys for an unknown one', async () => {
    const bad = await errorOf([{ id: 'oai', plugin: 'openai-compatible', options: { baseUrl: 'not a url' } }]);
    expect(bad.keyPath).toBe('providers[0].options.baseUrl');
    const unknown = await errorOf([{ id: 's', plugin: 'simulated', options: { ...simulated, sead: 1 } }]);
    expect(unknown.reason).toMatch(/^unknown key "sead" \(known: .*seed/);
    const nested = await errorOf([{ id: 's', plugin: 'simulated', options: { models: [{ id: '' }] } }]);
    expect(nested.keyPath).toMatch(/^providers\[0\]\.options\.models\[0\]\./);
  });

  it('refuses a module that is not a plugin, and leaves one that breaks on import to the registry', async () => {
    writeFileSync(join(dir, 'not-a-plugin.js'), 'module.exports = { hello: 1 };');
    const err = await errorOf([{ id: 'x', plugin: './not-a-plugin.js' }]);
    expect(err.keyPath).toBe('providers[0].plugin');
    expect(err.reason).toContain('not a provider plugin');
    writeFileSync(join(dir, 'broken.js'), 'throw new Error("boom at import");');
    await expect(check([{ id: 'b', plugin: './broken.js' }])).resolves.toBeUndefined();
    const missing = await errorOf([{ id: 'm', plugin: './nowhere/at-all' }]);
    expect(missing.reason).toContain('no plugin found at ./nowhere/at-all');
  });
});
