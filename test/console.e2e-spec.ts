import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../src/common/app-info';
import { GuardedContext, HAVE_CHROMIUM, launchChromium, rowsOf, CHROMIUM } from './helpers/browser';
import { ALL_RULES, read, seedRecord, tool } from './helpers/console-fixtures';
import { listeningUrl, spawnEntry, Spawned } from './helpers/process';
import { createTestDatabase, TestDatabase } from './helpers/test-database';

if (!HAVE_CHROMIUM)
  console.warn(`console.e2e-spec skipped: ${CHROMIUM} is missing (apt-get install chromium, as .ci/run does)`);
const describeInBrowser = HAVE_CHROMIUM ? describe : describe.skip;

async function visit(page: Page, label: string, panel: string): Promise<void> {
  await page.locator('nav[aria-label="Pages"]').getByText(label, { exact: true }).click();
  await page.locator(`[data-testid="${panel}"]`).waitFor();
  await page.waitForLoadState('networkidle');
}

/** Tools of other issues (budgets and alerts) that this gateway may not have yet: their panels say so. */
const OTHERS = new Set(['get_alerts', 'set_key_budget']);

/** Every "not available" panel on the page names a tool this gateway lacks that belongs to another issue. */
async function onlyOthersMissing(page: Page, tools: Set<string>): Promise<void> {
  const missing = await page
    .locator('[data-testid="not-available"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-tool') ?? ''));
  expect(missing.filter((t) => !OTHERS.has(t) || tools.has(t))).toEqual([]);
}

describeInBrowser('the operator console in a real browser', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gw-console-'));
  let tdb: TestDatabase;
  let env: Record<string, string>;
  let browser: Browser;
  let proc: Spawned | undefined;
  let url: string;
  let hasWhoami = false;
  const tools = new Set<string>();
  const keys = { admin: '', reader: '' };

  const start = async () => {
    proc = spawnEntry('main', [], env);
    url = await listeningUrl(proc, 60000);
    const listing = (await (
      await fetch(`${url}/tools`, { headers: keys.admin ? { authorization: `Bearer ${keys.admin}` } : {} })
    ).json()) as {
      tools: { name: string }[];
    };
    listing.tools.forEach((t) => tools.add(t.name));
    hasWhoami = tools.has('whoami');
  };
  const stop = async () => {
    proc?.child.kill('SIGTERM');
    expect((await proc?.exited)?.code).toBe(0);
    proc = undefined;
  };
  /** Until whoami exists, the console learns a key's scopes from two refused empty writes (see session.ts). */
  const expectScopeProbe = (g: GuardedContext, writeStatus: number, adminStatus: number) => {
    if (hasWhoami) return;
    g.expectRefusal(writeStatus, '/tools/update_routing_heuristic');
    g.expectRefusal(adminStatus, '/tools/run_optimizer');
  };

  beforeAll(async () => {
    tdb = await createTestDatabase();
    // The test config, with a little simulated latency so that the figures look like traffic.
    const config = readFileSync(join(PROJECT_ROOT, 'test/fixtures/gateway.test.yaml'), 'utf8').replace(
      'latencyScale: 0',
      'latencyScale: 0.05',
    );
    writeFileSync(join(tmp, 'gateway.yaml'), config);
    env = {
      GATEWAY_CONFIG: join(tmp, 'gateway.yaml'),
      PORT: '0',
      ...(tdb.target.url ? { DATABASE_URL: tdb.target.url } : { DATA_DIR: join(tmp, 'data') }),
    };
    [browser] = await Promise.all([launchChromium(), start()]);
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    if (proc) await stop();
    await tdb?.drop();
  });

  describe('open gateway (no key exists)', () => {
    let g: GuardedContext;
    let page: Page;

    beforeAll(async () => {
      await seedRecord(url, 24);
      const { items } = await read<{ items: { id: string }[] }>(url, 'get_request_log', {
        success: 'true',
        limit: '2',
      });
      for (const [i, r] of items.entries()) await tool(url, 'record_feedback', { requestId: r.id, score: i ? 1 : 0.5 });
      await tool(url, 'run_optimizer', { dryRun: false });
      g = await GuardedContext.open(browser, url);
      page = g.page;
    }, 60000);
    afterEach(() => g.assertClean());
    afterAll(() => g?.close());

    it('Overview: traffic from get_usage_series, the models table with calls and readiness as the tools report them', async () => {
      await page.goto(`${url}/console`);
      await page.locator('[data-testid="models-table"][data-metrics="loaded"]').waitFor();
      expect(await page.locator('[data-testid="key-status"]').getAttribute('data-access')).toBe('admin');
      const { body } = await tool<{ models: { modelId: string; totalCalls: number }[] }>(url, 'analyze_metrics', {
        includeReport: false,
      });
      expect(body.models.length).toBeGreaterThan(0);
      for (const m of body.models)
        expect(await page.locator(`tr[data-model="${m.modelId}"] [data-testid="model-calls"]`).textContent()).toBe(
          String(m.totalCalls),
        );
      const catalogue = await read<{
        models: { id: string; available: boolean }[];
        providers: { id: string; ready: boolean }[];
      }>(url, 'list_models', {});
      for (const m of catalogue.models)
        expect(
          await page.locator(`tr[data-model="${m.id}"] [data-testid="model-ready"]`).getAttribute('data-ready'),
        ).toBe(String(m.available));
      for (const p of catalogue.providers)
        expect(await page.locator(`[data-testid="provider"][data-provider="${p.id}"]`).getAttribute('data-ready')).toBe(
          String(p.ready),
        );
      const stats = page.locator('[data-testid="usage-panel"] [data-testid="usage-stats"]');
      await stats.waitFor();
      await page.locator('[data-testid="chart-rpm"]').waitFor();
      const usage = await read<{ totals: { requests: number; successes: number } }>(url, 'get_usage_series', {
        window: 'hour',
        groupBy: 'model',
      });
      expect(usage.totals.requests).toBeGreaterThanOrEqual(24);
      expect(await stats.textContent()).toContain(`${usage.totals.requests} requests`);
      expect(await stats.textContent()).toContain(`${usage.totals.successes} succeeded`);
      await onlyOthersMissing(page, tools);
      await g.screenshot('overview');
    });

    it('Learning: the policy and optimizer runs of the tools; an A/B test started and stopped from the page', async () => {
      await visit(page, 'Learning', 'runs-panel');
      const runs = {
        body: await read<{ runs: { id: number }[]; policy: { taskType: string }[] }>(url, 'get_optimizer_runs', {
          limit: '20',
        }),
      };
      await page.locator('[data-testid="optimizer-run-row"]').first().waitFor();
      expect(await page.locator('[data-testid="optimizer-run-row"]').count()).toBe(runs.body.runs.length);
      const policy = await read<{
        taskTypes: { taskType: string; models: { model: string; quality: { n: number } }[] }[];
      }>(url, 'get_policy', {});
      await page.locator('[data-testid="policy-panel"] [data-testid="task-type"]').first().waitFor();
      const shown = await page.$$eval('[data-testid="policy-panel"] [data-testid="task-type"]', (els) =>
        els.map((e) => ({
          taskType: e.getAttribute('data-task-type'),
          rows: [...e.querySelectorAll('tbody tr')].map((r) => [
            r.querySelector('td:nth-child(1)')?.textContent,
            r.querySelector('td:nth-child(3)')?.textContent,
          ]),
        })),
      );
      expect(shown).toEqual(
        policy.taskTypes.map((t) => ({
          taskType: t.taskType,
          rows: t.models.map((m) => [m.model, String(m.quality.n)]),
        })),
      );
      await page.locator('[data-testid="objective"]').waitFor();
      await page.getByTestId('optimizer-dry-run').click();
      await page.getByTestId('dry-run-result').waitFor();

      const form = page.getByTestId('ab-start-form');
      await form.locator('input').first().fill('cheapest-vs-learned');
      await form.locator('select').nth(0).selectOption('learned');
      await form.locator('select').nth(1).selectOption('cheapest');
      await form.getByRole('button', { name: 'Start test' }).click();
      const row = page.locator('[data-testid="ab-row"][data-name="cheapest-vs-learned"]');
      await row.and(page.locator('[data-status="running"]')).waitFor();
      const started = await read<{ tests: { name: string; status: string; strategyB: string }[] }>(
        url,
        'get_ab_tests',
        {},
      );
      expect(started.tests).toEqual([
        expect.objectContaining({ name: 'cheapest-vs-learned', status: 'running', strategyB: 'cheapest' }),
      ]);
      await onlyOthersMissing(page, tools);
      await g.screenshot('learning');
      await row.getByRole('button', { name: 'Stop' }).click();
      await page.locator('[data-testid="ab-row"][data-status="stopped"]').waitFor();
      expect((await read<{ tests: { status: string }[] }>(url, 'get_ab_tests', {})).tests[0].status).toBe('stopped');
    });

    it('Routing rules: the table equals get_routing_heuristics; a bad pattern shows the RE2 error; an edit reads back over REST', async () => {
      await visit(page, 'Routing rules', 'rules-table');
      type Rule = { id: number; pattern: string; priority: number; preferredLayer: string; pinned: boolean };
      const rest = { body: await read<{ items: Rule[] }>(url, 'get_routing_heuristics', ALL_RULES) };
      const shown = await rowsOf(page, '[data-testid="rule-row"]', 'data-rule-id', ['priority', 'pattern', 'layer']);
      expect(shown).toEqual(
        rest.body.items.map((r) => ({
          key: String(r.id),
          priority: String(r.priority),
          pattern: r.pattern,
          layer: r.preferredLayer,
        })),
      );

      // The same refusal the REST door gives a script, shown beside the field.
      const refused = await tool<{ issues: { path: string; message: string }[] }>(url, 'update_routing_heuristic', {
        pattern: '(a)\\1',
        preferredLayer: 'deep',
      });
      expect(refused.status).toBe(400);
      const newRule = page.getByTestId('rule-new-form');
      await newRule.locator('input[name="pattern"]').fill('(a)\\1');
      g.expectRefusal(400, '/tools/update_routing_heuristic');
      await newRule.getByRole('button', { name: 'Add rule' }).click();
      expect(await newRule.getByTestId('field-error').textContent()).toBe(
        refused.body.issues.find((i) => i.path === 'pattern')!.message,
      );

      const target = rest.body.items.find((r) => r.pattern === '\\btranslate\\b')!;
      const row = page.locator(`[data-testid="rule-row"][data-rule-id="${target.id}"]`);
      await row.getByTestId('rule-edit').click();
      const editor = page.getByTestId('rule-edit-form');
      await editor.locator('select[name="layer"]').selectOption('balanced');
      await editor.locator('input[name="priority"]').fill('42');
      await editor.getByRole('button', { name: 'Save' }).click();
      await row.locator('[data-col="priority"]', { hasText: '42' }).waitFor();
      await row.getByTestId('rule-pin').click();
      await row.locator('[data-col="status"]', { hasText: 'pinned' }).waitFor();
      const after = (await read<{ items: Rule[] }>(url, 'get_routing_heuristics', ALL_RULES)).items.find(
        (r) => r.id === target.id,
      )!;
      expect(after).toMatchObject({ preferredLayer: 'balanced', priority: 42, pinned: true });

      // "Try a prompt": the page shows what explain_route answers, and no model is called.
      const prompt = 'please refactor the billing architecture';
      const explained = await tool<{ model: string; rule: { id: number } | null; candidates: { model: string }[] }>(
        url,
        'explain_route',
        { prompt },
      );
      const calls = await read<{ items: unknown[]; total: number }>(url, 'get_request_log', { limit: '1' });
      await page.locator('[data-testid="try-panel"] textarea').fill(prompt);
      await page.getByRole('button', { name: 'Explain the route' }).click();
      const decision = page.getByTestId('route-decision');
      await decision.waitFor();
      expect(await decision.locator('dd.mono.strong').textContent()).toBe(explained.body.model);
      expect(await decision.locator('tbody tr').count()).toBe(explained.body.candidates.length);
      expect(await decision.textContent()).toContain(`#${explained.body.rule!.id}`);
      expect((await read<{ total: number }>(url, 'get_request_log', { limit: '1' })).total).toBe(calls.total);
      await onlyOthersMissing(page, tools);
      await g.screenshot('rules');
    });

    it('Quality: call success per model as analyze_metrics has it; caller scores and call success over time', async () => {
      await visit(page, 'Quality', 'success-table');
      const { body } = await tool<{ models: { modelId: string; successRate: number }[] }>(url, 'analyze_metrics', {
        includeReport: false,
      });
      expect(await page.locator('[data-testid="success-table"] tbody tr').count()).toBe(body.models.length);
      await page.locator('[data-testid="quality-panel"] [data-testid="chart-call-success"]').waitFor();
      await page.locator('[data-testid="quality-panel"] [data-testid="chart-caller"]').waitFor();
      await onlyOthersMissing(page, tools);
      await g.screenshot('quality');
    });

    it('Failures: bug patterns with their occurrences and the regression tests, as the tools list them', async () => {
      await visit(page, 'Failures', 'patterns-table');
      const patterns = {
        body: await read<{ items: { id: number; occurrences: number }[] }>(url, 'get_bug_patterns', { limit: '500' }),
      };
      const shown = await rowsOf(page, '[data-testid="pattern-row"]', 'data-pattern-id', ['occurrences']);
      expect(shown.map((r) => [r.key, r.occurrences]).sort()).toEqual(
        patterns.body.items.map((p) => [String(p.id), String(p.occurrences)]).sort(),
      );
      // By occurrences: the timeout pattern recorded three times comes first.
      expect(shown[0].occurrences).toBe('3');
      const tests = {
        body: await read<{ items: { testName: string }[] }>(url, 'get_regression_tests', { limit: '500' }),
      };
      const names = await page.$$eval('[data-testid="test-row"]', (rows) =>
        rows.map((r) => r.getAttribute('data-test-name')),
      );
      expect(names).toEqual(tests.body.items.map((t) => t.testName));
      await onlyOthersMissing(page, tools);
      await g.screenshot('failures');
    });

    it('Live: the last rows of get_request_log, then a new request arrives over the event stream', async () => {
      await visit(page, 'Live', 'live-panel');
      await page.locator('[data-testid="live-table"]').waitFor();
      const { items } = await read<{ items: { id: string }[] }>(url, 'get_request_log', { limit: '100' });
      const ids = () =>
        page.$$eval('[data-testid="live-table"] tbody tr', (rows) =>
          rows.map((r) => r.getAttribute('data-request-id')),
        );
      // Rows with the same millisecond may swap places: the same rows, newest first.
      expect((await ids()).sort()).toEqual(items.map((r) => r.id).sort());
      const probe = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hello there' }] }),
      });
      const probeId = probe.headers.get('x-request-id')!;
      await page.locator(`tr[data-request-id="${probeId}"]`).waitFor({ timeout: 10000 });
      expect((await ids())[0]).toBe(probeId);
      await onlyOthersMissing(page, tools);
      await g.screenshot('live');
    });

    it('Keys & budgets: an open gateway has no key yet; the page offers to create one', async () => {
      await visit(page, 'Keys & budgets', 'keys-panel');
      await page.locator('[data-testid="keys-panel"] [data-testid="empty"]').waitFor();
      expect((await read<{ items: unknown[] }>(url, 'list_api_keys', {})).items).toEqual([]);
      await onlyOthersMissing(page, tools);
    });
  });

  describe('keyed gateway', () => {
    beforeAll(async () => {
      await stop();
      // On PGlite the CLI needs the data directory to itself, as a user would run it.
      for (const [name, scopes] of [
        ['admin', 'admin'],
        ['reader', 'tools:read'],
      ] as const) {
        const cli = spawnEntry('cli', ['keys', 'create', '--name', `console-${name}`, '--scopes', scopes], env);
        expect((await cli.exited).code).toBe(0);
        keys[name] = cli.stdout().match(/gw_[A-Za-z0-9_-]{43}/)![0];
      }
      await start();
    }, 60000);

    it('asks for a key, then an admin key sees every page and the edit controls', async () => {
      const g = await GuardedContext.open(browser, url, 'dark');
      try {
        await g.page.goto(`${url}/console/rules`);
        await g.page.locator('input[name="api-key"]').waitFor();
        await g.screenshot('sign-in');
        await g.page.locator('input[name="api-key"]').fill(keys.admin);
        expectScopeProbe(g, 400, 400);
        await g.page.getByRole('button', { name: 'Open the console' }).click();
        await g.page.locator('[data-testid="rules-table"]').waitFor();
        expect(await g.page.locator('[data-testid="key-status"]').getAttribute('data-access')).toBe('admin');
        expect(await g.page.getByTestId('rule-edit').count()).toBeGreaterThan(0);
        expect(await g.page.getByTestId('rule-new-form').count()).toBe(1);
        await g.screenshot('rules-dark');
        await visit(g.page, 'Overview', 'models-table');
        await g.screenshot('overview-dark');
        await visit(g.page, 'Learning', 'runs-panel');
        expect(await g.page.getByTestId('optimizer-run').count()).toBe(1);
        await g.screenshot('learning-dark');
        await visit(g.page, 'Keys & budgets', 'keys-table');
        const listed = await read<{ items: { id: number; name: string; lastUsedAt: string | null }[] }>(
          url,
          'list_api_keys',
          {},
          keys.admin,
        );
        expect(listed.items.map((k) => k.name).sort()).toEqual(['console-admin', 'console-reader']);
        const rows = await g.page.$$eval('[data-testid="key-row"]', (els) =>
          els.map((e) => e.getAttribute('data-key-id')),
        );
        expect(rows.sort()).toEqual(listed.items.map((k) => String(k.id)).sort());
        expect(listed.items.find((k) => k.name === 'console-admin')!.lastUsedAt).not.toBeNull();
        await onlyOthersMissing(g.page, tools);
        await g.screenshot('keys');
        g.assertClean();
      } finally {
        await g.close();
      }
    });

    it('a tools:read key sees everything but no edit control, and the server refuses a forged write (403)', async () => {
      const g = await GuardedContext.open(browser, url);
      try {
        await g.page.goto(`${url}/console`);
        await g.page.locator('input[name="api-key"]').fill(keys.reader);
        expectScopeProbe(g, 403, 403);
        await g.page.getByRole('button', { name: 'Open the console' }).click();
        await g.page.locator('[data-testid="models-table"]').waitFor();
        expect(await g.page.locator('[data-testid="key-status"]').getAttribute('data-access')).toBe('read-only');
        expect(await g.page.locator('nav[aria-label="Pages"]').getByText('Keys & budgets').count()).toBe(0);
        await visit(g.page, 'Routing rules', 'rules-table');
        expect(await g.page.getByTestId('rule-edit').count()).toBe(0);
        expect(await g.page.getByTestId('rule-new-form').count()).toBe(0);
        expect(
          await g.page
            .getByRole('button')
            .filter({ hasText: /^(Edit|Pin|Unpin|Activate|Deactivate|Add rule)$/ })
            .count(),
        ).toBe(0);
        await g.screenshot('rules-read-only');
        await visit(g.page, 'Learning', 'ab-panel');
        expect(await g.page.getByTestId('ab-start-form').count()).toBe(0);
        expect(await g.page.getByTestId('optimizer-run').count()).toBe(0);
        expect(await g.page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
        g.assertClean();
      } finally {
        await g.close();
      }
      const before = (await read<{ items: unknown[] }>(url, 'get_routing_heuristics', ALL_RULES, keys.reader)).items;
      const forged = await tool(
        url,
        'update_routing_heuristic',
        { pattern: '\\btranslate\\b', preferredLayer: 'deep', priority: 1 },
        keys.reader,
      );
      expect(forged.status).toBe(403);
      const after = (await read<{ items: unknown[] }>(url, 'get_routing_heuristics', ALL_RULES, keys.reader)).items;
      expect(after).toEqual(before);
    });
  });
});
