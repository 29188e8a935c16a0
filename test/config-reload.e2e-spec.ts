import OpenAI from 'openai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/common/app-info';
import { listeningUrl, spawnEntry, Spawned, waitFor } from './helpers/process';

interface Row {
  id: string;
  cost: number;
  tokensIn: number;
  tokensOut: number;
  success: boolean;
}

/** The test fixture with failures off (every request must succeed) and sim-fast at the given input price. */
function configText(inputPrice: number): string {
  return readFileSync(join(PROJECT_ROOT, 'test/fixtures/gateway.test.yaml'), 'utf8')
    .replace(/failureRate: [\d.]+/g, 'failureRate: 0')
    .replace('price: { input: 0.15, output: 0.6 }', `price: { input: ${inputPrice}, output: 0.6 }`)
    .replace(/flushIntervalMs: \d+/, 'flushIntervalMs: 100');
}

describe('config reload of a running gateway (SIGHUP and POST /admin/reload)', () => {
  let dir: string;
  let file: string;
  let proc: Spawned;
  let url: string;
  let openai: OpenAI;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-reload-'));
    file = join(dir, 'gateway.yaml');
    writeFileSync(file, configText(0.15));
    proc = spawnEntry('main', [], { GATEWAY_CONFIG: file, DATA_DIR: join(dir, 'data'), PORT: '0' });
    url = await listeningUrl(proc, 60000);
    openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });
  }, 90000);
  afterAll(async () => {
    proc.child.kill('SIGTERM');
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = async (content: string) => {
    const { response } = await openai.chat.completions
      .create({ model: 'sim-fast', messages: [{ role: 'user', content }] })
      .withResponse();
    return response.headers.get('x-request-id')!;
  };
  const logged = (id: string) =>
    waitFor(
      async () => {
        const res = await fetch(`${url}/tools/get_request_log?limit=500`);
        const page = (await res.json()) as { rows?: Row[]; items?: Row[] };
        return (page.rows ?? page.items ?? []).find((r) => r.id === id);
      },
      10000,
      `request ${id} in request_log`,
    );
  const pricePerToken = (r: Row) => (r.cost * 1e6 - r.tokensOut * 0.6) / r.tokensIn;

  it('a price changed in the file and SIGHUP apply to the next request, with no failed request under load', async () => {
    let stop = false;
    let sent = 0;
    const failures: unknown[] = [];
    const worker = async (n: number) => {
      for (let i = 0; !stop && i < 400; i++) {
        await ask(`load ${n} ${i}`).then(
          () => sent++,
          (err: unknown) => failures.push(err),
        );
      }
    };
    const load = [0, 1, 2, 3].map(worker);
    await new Promise((r) => setTimeout(r, 300));
    const before = await ask('before the reload');
    writeFileSync(file, configText(1000));
    proc.child.kill('SIGHUP');
    await waitFor(
      () => Promise.resolve(/configuration reloaded/.test(proc.stdout()) ? true : undefined),
      10000,
      'the reload',
    );
    const after = await ask('after the reload');
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(load);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(10);
    expect(pricePerToken(await logged(before))).toBeCloseTo(0.15, 6);
    expect(pricePerToken(await logged(after))).toBeCloseTo(1000, 6);
    expect(proc.child.exitCode).toBeNull();
  });

  it('a broken file keeps the old config: logged on SIGHUP, the reason answered by POST /admin/reload', async () => {
    writeFileSync(file, configText(1000).replace('routing:', 'routing:\n  nonsense: 1'));
    proc.child.kill('SIGHUP');
    await waitFor(
      () => Promise.resolve(/running configuration is kept/.test(proc.stdout()) ? true : undefined),
      10000,
      'the refusal in the log',
    );
    const messages = proc
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { msg?: string }).msg ?? '');
    expect(messages).toContain(
      `Invalid configuration in ${file} at routing: unknown key "nonsense"; the running configuration is kept`,
    );
    const res = await fetch(`${url}/admin/reload`, { method: 'POST' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; kind: string };
    expect(body.kind).toBe('invalid_input');
    expect(body.error).toBe(`Invalid configuration in ${file} at routing: unknown key "nonsense"`);
    expect(pricePerToken(await logged(await ask('still on the old config')))).toBeCloseTo(1000, 6);

    writeFileSync(file, configText(2));
    const ok = await fetch(`${url}/admin/reload`, { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ file, changed: ['models'], providers: [], restartRequired: [] });
    expect(pricePerToken(await logged(await ask('on the fixed file')))).toBeCloseTo(2, 6);
  });
});
