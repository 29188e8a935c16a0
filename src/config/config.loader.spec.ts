import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../common/app-info';
import { ConfigError, loadConfig, parseConfig, resolveConfigPath } from './config.loader';

const dir = mkdtempSync(join(tmpdir(), 'gw-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config loader', () => {
  it('loads the default file with every section defaulted', () => {
    const { config, file: path } = loadConfig({});
    expect(path).toMatch(/config[/\\]gateway\.yaml$/);
    expect(config.server).toEqual({ host: '127.0.0.1', port: 3000 });
    // Three routed layers, and the judge (optimizer.judge.model), which is never routed to.
    expect(config.models.map((m) => `${m.id}:${m.layer}`)).toEqual([
      'sim-fast:fast',
      'sim-balanced:balanced',
      'sim-deep:deep',
      'sim-judge:deep',
    ]);
    expect(config.optimizer.judge?.model).toBe('sim-judge');
    expect(config.optimizer.cron).toBe('*/15 * * * *');
  });

  it('applies env overrides', () => {
    const { config } = loadConfig({
      HOST: '0.0.0.0',
      PORT: '8080',
      DATABASE_URL: 'postgres://u@h:5432/d',
      DATA_DIR: '/tmp/x',
      LOG_LEVEL: 'warn',
    });
    expect(config.server).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.database).toEqual({
      url: 'postgres://u@h:5432/d',
      dataDir: '/tmp/x',
      pgliteThread: true,
      pgliteSharedBuffersMb: 16,
    });
    expect(config.logLevel).toBe('warn');
  });

  it('names the file, line and reason of malformed YAML', () => {
    const path = file('bad.yaml', 'providers:\n  - id: a\n   plugin: x\n');
    const err = errorOf(() => loadConfig({ GATEWAY_CONFIG: path }));
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/line \d+/);
    expect(err.message).toContain('malformed YAML');
    expect(err.message).not.toContain('\n');
  });

  it('names an unknown key with its path', () => {
    const err = errorOf(() => parseConfig({ server: { host: 'x', colour: 'red' } }, 'f.yaml', {}));
    expect(err.message).toBe('Invalid configuration in f.yaml at server: unknown key "colour"');
  });

  it('names a wrong type with its path', () => {
    const err = errorOf(() => parseConfig({ routing: { maxRetries: 'many' } }, 'f.yaml', {}));
    expect(err.keyPath).toBe('routing.maxRetries');
    expect(err.message).toMatch(/expected number/i);
  });

  it('refuses a model that names a missing provider', () => {
    const raw = {
      providers: [{ id: 'p', plugin: 'simulated' }],
      models: [{ id: 'm', provider: 'nope', layer: 'fast', price: { input: 1, output: 1 } }],
    };
    const err = errorOf(() => parseConfig(raw, 'f.yaml', {}));
    expect(err.keyPath).toBe('models[0].provider');
    expect(err.reason).toContain('"nope"');
  });

  it('names a bad env variable instead of the file', () => {
    expect(errorOf(() => parseConfig({}, 'f.yaml', { PORT: 'eighty' })).message).toContain('environment at PORT');
    expect(errorOf(() => parseConfig({}, 'f.yaml', { LOG_LEVEL: 'loud' })).message).toContain(
      'environment at LOG_LEVEL',
    );
  });

  it('reports a missing file', () => {
    expect(errorOf(() => loadConfig({ GATEWAY_CONFIG: join(dir, 'nope.yaml') })).message).toContain('file not found');
  });

  it('finds the default file and data directory in the installation, whatever the working directory', () => {
    expect(resolveConfigPath({})).toBe(join(PROJECT_ROOT, 'config', 'gateway.yaml'));
    expect(loadConfig({}).config.database.dataDir).toBe(join(PROJECT_ROOT, 'data'));
    expect(parseConfig({}, '/etc/gw/f.yaml', {}).database.dataDir).toBe(join(PROJECT_ROOT, 'data'));
  });

  it('reads a relative GATEWAY_CONFIG and DATA_DIR from the working directory, a dataDir in a file from its folder', () => {
    expect(resolveConfigPath({ GATEWAY_CONFIG: 'my/gw.yaml' })).toBe(resolve(process.cwd(), 'my/gw.yaml'));
    expect(parseConfig({}, '/etc/gw/f.yaml', { DATA_DIR: 'var/db' }).database.dataDir).toBe(
      resolve(process.cwd(), 'var/db'),
    );
    const raw = { database: { dataDir: './db' } };
    expect(parseConfig(raw, '/etc/gw/f.yaml', {}).database.dataDir).toBe('/etc/gw/db');
    expect(parseConfig(raw, '/etc/gw/f.yaml', { DATA_DIR: '/srv/db' }).database.dataDir).toBe('/srv/db');
    expect(parseConfig({}, '/etc/gw/f.yaml', { DATA_DIR: ':memory:' }).database.dataDir).toBe(':memory:');
  });

  it('refuses an optimizer.cron that is not a cron expression, in one line naming the key', () => {
    const err = errorOf(() => parseConfig({ optimizer: { cron: 'every 15 minutes' } }, 'f.yaml', {}));
    expect(err.message).toMatch(
      /^Invalid configuration in f\.yaml at optimizer\.cron: "every 15 minutes" is not a cron expression \(.+\); e\.g\. "\*\/15 \* \* \* \*"/,
    );
    expect(err.message).not.toContain('\n');
    expect(errorOf(() => parseConfig({ optimizer: { cron: '61 * * * *' } }, 'f.yaml', {})).keyPath).toBe(
      'optimizer.cron',
    );
    expect(parseConfig({ optimizer: { cron: '0 */5 * * * *' } }, 'f.yaml', {}).optimizer.cron).toBe('0 */5 * * * *');
  });
});
