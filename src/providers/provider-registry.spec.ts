import { gatewayConfigSchema } from '../config/config.schema';
import { pluginFromModule, resolvePluginSpecifier } from './plugin-loader';
import { ProviderRegistry } from './provider-registry';

const simulatedOptions = {
  latencyScale: 0,
  models: [{ id: 'm', quality: { default: 0.9 }, latencyMs: { p50: 1, p99: 2 } }],
};

function registry(providers: unknown[]) {
  const config = gatewayConfigSchema.parse({ providers });
  return { reg: new ProviderRegistry(config) };
}

describe('ProviderRegistry and the plugin loader', () => {
  it('loads a plugin folder by name and reports broken ones by name, without taking the others down', async () => {
    const { reg } = registry([
      { id: 'sim', plugin: 'simulated', options: simulatedOptions },
      { id: 'missing', plugin: 'no-such-plugin-xyz' },
      { id: 'badopts', plugin: 'simulated', options: { models: [] } },
      { id: 'off', plugin: 'simulated', enabled: false },
    ]);
    await reg.onModuleInit();
    expect(reg.isReady('sim')).toBe(true);
    expect(reg.get('missing')).toBeUndefined();
    const statuses = Object.fromEntries(reg.statuses().map((s) => [s.id, s]));
    expect(statuses.missing).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('provider "missing" (plugin "no-such-plugin-xyz") failed at import'),
    });
    expect(statuses.badopts).toMatchObject({ state: 'failed', error: expect.stringContaining('options.models') });
    expect(statuses.off.state).toBe('disabled');
    const answer = await reg
      .get('sim')!
      .chat(
        { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
        { signal: new AbortController().signal, timeoutMs: 1000 },
      );
    expect(answer.content).toEqual(expect.any(String));
    await reg.onApplicationShutdown();
    expect(reg.isReady('sim')).toBe(false);
  });

  it('resolves folder names, relative paths and package names', () => {
    expect(resolvePluginSpecifier('simulated')).toMatch(/plugins[/\\]simulated[/\\]index\.(ts|js)$/);
    expect(resolvePluginSpecifier('./plugins/anthropic', process.cwd())).toMatch(
      /plugins[/\\]anthropic[/\\]index\.(ts|js)$/,
    );
    expect(resolvePluginSpecifier('@acme/gateway-plugin')).toBe('@acme/gateway-plugin');
    expect(() => resolvePluginSpecifier('./nowhere/at-all', process.cwd())).toThrow(/no plugin found/);
  });

  it('finds the plugin object in CJS and ESM module shapes', () => {
    const plugin = { id: 'x', optionsSchema: { safeParse: () => ({}) }, create: () => ({}) };
    expect(pluginFromModule({ default: plugin })).toBe(plugin);
    expect(pluginFromModule({ default: { default: plugin } })).toBe(plugin);
    expect(pluginFromModule({ nothing: true })).toBeUndefined();
  });
});
