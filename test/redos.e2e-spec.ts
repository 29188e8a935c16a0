import request from 'supertest';
import { HeuristicsService } from '../src/heuristics/heuristics.service';
import { RouterService } from '../src/routing/router.service';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';

/** No pattern can stall the router: RE2 refuses what it cannot run in linear time and runs the rest in linear time. */
describe('ReDoS', () => {
  let gw: TestGateway;
  const ADVERSARIAL = 'a'.repeat(100_000) + '!';

  beforeAll(async () => {
    gw = await startTestGateway((cfg) => {
      cfg.security.rateLimit.requestsPerMinute = 1_000_000;
      cfg.security.bodyLimit = '2mb';
    });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const upsert = (pattern: string) =>
    request(gw.url).post('/tools/update_routing_heuristic').send({ pattern, preferredLayer: 'deep' });

  it.each([
    ['backreference', '(a)\\1'],
    ['named backreference', '(?P<x>a)(?P=x)'],
    ['lookahead', 'foo(?=bar)'],
    ['negative lookahead', '^(?!admin).*'],
    ['lookbehind', '(?<=a)b'],
    ['negative lookbehind', '(?<!a)b'],
  ])('refuses a %s with the reason', async (_what, pattern) => {
    const res = await upsert(pattern).expect(400);
    expect(res.body.kind).toBe('invalid_input');
    expect(res.body.error).toMatch(/^pattern: RE2 rejects this pattern: .+/);
    expect(res.body.issues[0].path).toBe('pattern');
  });

  /** The median of several decisions (the first warms caches), in ms, from RouterService.decide's decisionUs. */
  async function decisionMs(prompt: string): Promise<{ ms: number; ruleId: number | null }> {
    const router = gw.app.get(RouterService);
    const samples: number[] = [];
    let ruleId: number | null = null;
    for (let i = 0; i < 7; i++) {
      const d = await router.decide({
        requestId: `redos-${i}`,
        model: 'auto',
        messages: [{ role: 'user', content: prompt }],
        params: {},
        stream: false,
      });
      samples.push(d.decisionUs / 1000);
      ruleId = d.rule?.id ?? null;
    }
    samples.sort((a, b) => a - b);
    return { ms: samples[Math.floor(samples.length / 2)], ruleId };
  }

  it('accepts (a+)+$ (RE2 runs it in linear time) and a 100 KB adversarial prompt is still decided in under 10 ms', async () => {
    const created = await upsert('(a+)+$').expect(200);
    const started = performance.now();
    const { ms, ruleId } = await decisionMs(ADVERSARIAL);
    expect(ms).toBeLessThan(10);
    // The prompt ends with '!', so '(a+)+$' does not match: the worst case for a backtracking engine.
    expect(ruleId).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
    // A matching prompt is routed by the rule.
    expect((await decisionMs('a'.repeat(100_000))).ruleId).toBe(created.body.rule.id);
    // End to end through the OpenAI API too.
    const res = await request(gw.url)
      .post('/v1/chat/completions')
      .send({ messages: [{ role: 'user', content: ADVERSARIAL }] })
      .expect(200);
    expect(res.headers['x-gateway-rule']).toBeUndefined();
    console.log(`redos figures: 1 rule, 100 KB adversarial prompt, median decision ${ms.toFixed(3)} ms`);
  });

  it('with 100 catastrophic-style rules active, the 100 KB adversarial prompt is still decided in under 10 ms', async () => {
    const heuristics = gw.app.get(HeuristicsService);
    const families = [
      '(a+)+$',
      '(a|a)+$',
      '(a|aa)+$',
      '(a*)*$',
      '([a-z]+)*$',
      '(.*a){12}$',
      '(a?){30}a{30}$',
      '(\\w+\\s?)+$',
      '^(a+)+b',
      '(x+x+)+y',
    ];
    for (let i = 0; i < 100; i++)
      await heuristics.upsertRule({ pattern: `${families[i % families.length]}|never-${i}`, preferredLayer: 'deep' });
    const size = (await heuristics.getMatcher()).size;
    expect(size).toBeGreaterThanOrEqual(100);
    const { ms } = await decisionMs(ADVERSARIAL);
    expect(ms).toBeLessThan(10);
    const started = performance.now();
    await request(gw.url)
      .post('/v1/chat/completions')
      .send({ messages: [{ role: 'user', content: ADVERSARIAL }] })
      .expect(200);
    expect(performance.now() - started).toBeLessThan(2000);
    console.log(`redos figures: ${size} rules, 100 KB adversarial prompt, median decision ${ms.toFixed(3)} ms`);
  });
});
