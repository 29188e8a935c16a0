import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import request from 'supertest';
import { startFakeUpstream, type FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { Clock } from '../src/common/clock';
import { waitFor } from './helpers/process';
import { upstreamConfig } from './helpers/fake-gateway';
import { startReplica } from './helpers/replicas';
import { ON_POSTGRES } from './helpers/test-database';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

/** fake-large: $3 / $15 per million tokens. */
const PRICE = { input: 3e-6, output: 15e-6 };
const MAX_TOKENS = 120;
/** About 100 completion tokens: a real cost just under the estimate of MAX_TOKENS. */
const REPLY = 'This answer is long enough to cost something real. '.repeat(8);
const BUDGET = 0.01;
const ask = (content: string) => ({
  model: 'fake-large',
  max_tokens: MAX_TOKENS,
  messages: [{ role: 'user' as const, content }],
});

type Summary = { id: number; budget: { spentUsd: number; limitUsd: number; period: string } | null };

async function spentOf(url: string, admin: string, keyId: number): Promise<number> {
  const res = await request(url).get('/tools/list_api_keys').set('authorization', `Bearer ${admin}`).expect(200);
  return (res.body as { items: Summary[] }).items.find((k) => k.id === keyId)!.budget!.spentUsd;
}

async function budgetedKey(gw: TestGateway, admin: string, name: string): Promise<{ key: string; id: number }> {
  const { key, info } = await gw.app.get(ApiKeysService).create({ name, scopes: 'route' });
  const set = await request(gw.url)
    .post('/tools/set_key_budget')
    .set('authorization', `Bearer ${admin}`)
    .send({ id: info.id, budget: { limitUsd: BUDGET, period: 'day' } });
  expect(set.status).toBe(200);
  expect(set.body.apiKey.budget).toMatchObject({ limitUsd: BUDGET, period: 'day', spentUsd: 0 });
  return { key, id: info.id };
}

/** 50 requests at once; the statuses, and the estimate of one. */
async function burst(urls: string[], key: string, n = 50): Promise<number[]> {
  const clients = urls.map((u) => new OpenAI({ baseURL: `${u}/v1`, apiKey: key, maxRetries: 0 }));
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      clients[i % clients.length].chat.completions.create(ask(`question ${i}`)).then(
        () => 200,
        (err: { status?: number }) => err.status ?? 0,
      ),
    ),
  );
}

describe('per-key budgets hold under concurrency, count streams, refuse in each door shape, reset by day', () => {
  let fake: FakeUpstream;
  let gw: TestGateway;
  let admin: string;
  beforeAll(async () => {
    fake = await startFakeUpstream({ reply: { content: REPLY } });
    gw = await startTestGateway((cfg) => upstreamConfig(cfg, fake.url));
    admin = (await gw.app.get(ApiKeysService).create({ name: 'admin', scopes: 'admin' })).key;
  });
  afterAll(async () => {
    await gw.stop();
    await fake.close();
  });

  it('50 concurrent requests spend at most one estimate beyond a $0.01 daily budget; then 429 budget_exceeded (OpenAI shape)', async () => {
    const { key, id } = await budgetedKey(gw, admin, 'burst');
    fake.fail({ type: 'delay', ms: 300 }, { times: 50 });
    const statuses = await burst([gw.url], key);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(40);
    const estimate = 20 * PRICE.input + MAX_TOKENS * PRICE.output;
    // Sequential requests until the budget refuses: every settled cost counts before the next reservation.
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    let refusal: unknown;
    for (let i = 0; i < 20 && !refusal; i++)
      await client.chat.completions.create(ask(`more ${i}`)).catch((err: unknown) => (refusal = err));
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    const err = refusal as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err.status).toBe(429);
    expect(err.code).toBe('budget_exceeded');
    expect(err.type).toBe('insufficient_quota');
    expect(err.message).toMatch(/daily budget of \$0.01/);
    expect(Number(err.headers.get('retry-after'))).toBeGreaterThan(0);
    const spent = await waitFor(
      async () => {
        const s = await spentOf(gw.url, admin, id);
        return s > BUDGET * 0.5 ? s : undefined;
      },
      5000,
      'the spend settled',
    );
    expect(spent).toBeLessThanOrEqual(BUDGET + estimate);
    // Crossing 80% and 100% of the budget raised one alert each (kept in the table without a webhook).
    const alerts = await waitFor(
      async () => {
        const res = await request(gw.url).get('/tools/get_alerts').set('authorization', `Bearer ${admin}`);
        const mine = (res.body as { items: Array<{ kind: string; subject: string }> }).items.filter(
          (a) => a.kind === 'budget_crossed' && a.subject.startsWith(`key:${id} day`),
        );
        return mine.length >= 1 ? mine : undefined;
      },
      5000,
      'the budget alerts',
    );
    expect(alerts.map((a) => a.subject.split(' ').pop()).sort()).toEqual(spent >= BUDGET ? ['100%', '80%'] : ['80%']);
    const upstreamCalls = fake.requests.filter((r) => r.path === '/v1/chat/completions').length;
    // Every upstream call was paid for: the spend is the sum of the real costs of those calls.
    expect(spent).toBeGreaterThan(upstreamCalls * 80 * PRICE.output);
  });

  it('past 80% of its budget a key is routed more cheaply: its quality floor drops by budgets.nearLimit.floorStep', async () => {
    const { key, id } = await budgetedKey(gw, admin, 'near');
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    const auto = async () => {
      const { response } = await client.chat.completions
        .create(
          { model: 'auto', max_tokens: 5, messages: [{ role: 'user', content: 'Say hello to the team' }] },
          { headers: { 'x-gateway-quality-floor': '0.95' } },
        )
        .withResponse();
      return response.headers.get('x-gateway-objective');
    };
    expect(await auto()).toBe('quality-floor=0.95;scope=traffic');
    // About $0.0015 a call: 6 calls pass 80% of $0.01 without reaching it.
    while ((await spentOf(gw.url, admin, id)) < BUDGET * 0.8) await client.chat.completions.create(ask('spend'));
    expect(await auto()).toBe('quality-floor=0.9;scope=traffic;budget=near');
    // Another key is not affected.
    const other = await budgetedKey(gw, admin, 'far');
    const far = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: other.key, maxRetries: 0 });
    const { response } = await far.chat.completions
      .create({ model: 'auto', max_tokens: 5, messages: [{ role: 'user', content: 'Say hello' }] })
      .withResponse();
    expect(response.headers.get('x-gateway-objective')).not.toMatch(/budget=near/);
  });

  it('the Anthropic door refuses an exhausted key with 429 rate_limit_error in its own shape', async () => {
    const { key } = await budgetedKey(gw, admin, 'anthropic');
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    for (let i = 0; i < 20; i++) await client.chat.completions.create(ask(`fill ${i}`)).catch(() => undefined);
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
    const refused = await anthropic.messages
      .create({ model: 'fake-large', max_tokens: MAX_TOKENS, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    expect((refused as { error: unknown }).error).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.stringMatching(/budget/) },
    });
  });

  it('streamed requests are charged their real cost', async () => {
    const { key, id } = await budgetedKey(gw, admin, 'streamer');
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    let expected = 0;
    for (let i = 0; i < 3; i++) {
      const stream = await client.chat.completions.create({
        ...ask(`stream ${i}`),
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream)
        if (chunk.usage)
          expected += chunk.usage.prompt_tokens * PRICE.input + chunk.usage.completion_tokens * PRICE.output;
    }
    expect(expected).toBeGreaterThan(0);
    const spent = await waitFor(
      async () => {
        const s = await spentOf(gw.url, admin, id);
        return Math.abs(s - expected) < 1e-9 ? s : undefined;
      },
      5000,
      `the streamed spend to reach ${expected}`,
    );
    expect(spent).toBeCloseTo(expected, 9);
  });

  it('the next day (simulated clock) the key works again', async () => {
    const { key } = await budgetedKey(gw, admin, 'tomorrow');
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    let refused = false;
    for (let i = 0; i < 20 && !refused; i++)
      refused = await client.chat.completions.create(ask(`today ${i}`)).then(
        () => false,
        (e: { status?: number }) => e.status === 429,
      );
    expect(refused).toBe(true);
    const clock = gw.app.get(Clock);
    const realNow = clock.now.bind(clock);
    clock.now = () => new Date(realNow().getTime() + 24 * 3600 * 1000);
    try {
      const answer = await client.chat.completions.create(ask('a new day'));
      expect(answer.choices[0].message.content).toContain('long enough');
    } finally {
      clock.now = realNow;
    }
  });

  it('set_key_budget refuses an unknown key (404) and a bad budget (400 naming the field), changing nothing', async () => {
    const unknown = await request(gw.url)
      .post('/tools/set_key_budget')
      .set('authorization', `Bearer ${admin}`)
      .send({ id: 424242, budget: { limitUsd: 1, period: 'day' } });
    expect(unknown.status).toBe(404);
    const bad = await request(gw.url)
      .post('/tools/set_key_budget')
      .set('authorization', `Bearer ${admin}`)
      .send({ id: 1, budget: { limitUsd: -1, period: 'day' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toMatch(/^budget/);
  });
});

describe('the global budget applies to callers without a key (open loopback gateway)', () => {
  let fake: FakeUpstream;
  let gw: TestGateway;
  beforeAll(async () => {
    fake = await startFakeUpstream({ reply: { content: REPLY } });
    gw = await startTestGateway((cfg) => {
      upstreamConfig(cfg, fake.url);
      cfg.budgets.global = { day: 0.005 };
    });
  });
  afterAll(async () => {
    await gw.stop();
    await fake.close();
  });

  it('refuses with 429 budget_exceeded once the day is spent', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push(
        await client.chat.completions.create(ask(`open ${i}`)).then(
          () => 200,
          (e: { status?: number; code?: string }) => (e.code === 'budget_exceeded' ? e.status! : -1),
        ),
      );
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    expect(statuses.slice(statuses.indexOf(429))).toEqual(statuses.slice(statuses.indexOf(429)).map(() => 429));
  });
});

(ON_POSTGRES ? describe : describe.skip)('budgets across two replicas on Postgres are counted once', () => {
  let fake: FakeUpstream;
  let gw: TestGateway;
  let second: Awaited<ReturnType<typeof startReplica>>;
  let admin: string;
  beforeAll(async () => {
    fake = await startFakeUpstream({ reply: { content: REPLY } });
    gw = await startTestGateway((cfg) => upstreamConfig(cfg, fake.url));
    second = await startReplica(gw, (cfg) => upstreamConfig(cfg, fake.url));
    admin = (await gw.app.get(ApiKeysService).create({ name: 'admin', scopes: 'admin' })).key;
  });
  afterAll(async () => {
    await second?.close(1000);
    await gw.stop();
    await fake.close();
  });

  it('50 concurrent requests split across both replicas stay within one estimate of the budget', async () => {
    const { key, id } = await budgetedKey(gw, admin, 'replicated');
    // The second replica hears of the key and its budget through NOTIFY.
    await waitFor(
      async () =>
        (await request(second.url).get('/v1/models').set('authorization', `Bearer ${key}`)).ok ? true : undefined,
      5000,
      'the key on the second replica',
    );
    fake.fail({ type: 'delay', ms: 300 }, { times: 100 });
    const statuses = await burst([gw.url, second.url], key);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    const client = new OpenAI({ baseURL: `${second.url}/v1`, apiKey: key, maxRetries: 0 });
    for (let i = 0; i < 20; i++) await client.chat.completions.create(ask(`more ${i}`)).catch(() => undefined);
    const estimate = 20 * PRICE.input + MAX_TOKENS * PRICE.output;
    await new Promise((r) => setTimeout(r, 300));
    const spent = await spentOf(gw.url, admin, id);
    expect(spent).toBeGreaterThan(BUDGET * 0.5);
    expect(spent).toBeLessThanOrEqual(BUDGET + estimate);
  });
});
