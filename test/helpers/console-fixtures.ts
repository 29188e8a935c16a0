/** What the console spec puts in the gateway before it looks: traffic, rules, failures, a regression test. */

const PROMPTS = [
  'write a python function to sort a list',
  'hello, how are you today',
  'solve 3x + 4 = 19',
  'a haiku about the sea',
];

/** The REST door, as a script would call it: POST with a JSON body, or GET with a query string. */
export async function tool<T>(
  url: string,
  name: string,
  input: Record<string, unknown>,
  key?: string,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  const res = await fetch(`${url}/tools/${name}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as T };
}
export async function read<T>(url: string, name: string, query: Record<string, string>, key?: string): Promise<T> {
  const res = await fetch(`${url}/tools/${name}?${new URLSearchParams(query).toString()}`, {
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}
export const ALL_RULES = { activeOnly: 'false', limit: '500' };

export async function sendTraffic(url: string, n: number): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'auto',
          messages: [{ role: 'user', content: `${PROMPTS[i % PROMPTS.length]} #${i}` }],
        }),
      }).then((r) => r.text()),
    ),
  );
}

/**
 * Chat traffic, two rules, four failures (one of them three times), a regression test; returns when the
 * write-behind recorder has counted every request.
 */
export async function seedRecord(url: string, requests: number): Promise<void> {
  await sendTraffic(url, requests);
  await tool(url, 'update_routing_heuristic', {
    pattern: '\\b(refactor|architecture)\\b',
    preferredLayer: 'deep',
    priority: 10,
    reasoning: 'large code changes',
  });
  await tool(url, 'update_routing_heuristic', {
    pattern: '\\btranslate\\b',
    preferredLayer: 'fast',
    preferredModel: 'sim-fast',
  });
  for (let i = 0; i < 3; i += 1)
    await tool(url, 'record_bug_pattern', {
      category: 'timeout',
      pattern: `upstream timed out after ${30000 + i} ms`,
      description: 'sim-deep was slow',
      severity: 'high',
    });
  await tool(url, 'record_bug_pattern', {
    category: 'bad_output',
    pattern: 'answer was not JSON',
    description: 'schema mismatch',
    severity: 'medium',
  });
  await tool(url, 'generate_regression_test', {
    testName: 'deep-timeout-replay',
    category: 'timeout',
    description: 'a long prompt timed out on sim-deep',
    testCode: "expect(await route('long prompt')).toBeDefined()",
    expectedBehavior: 'answers within the deadline',
    discoveredFrom: 'bug',
  });
  // Recording is write-behind: wait until every request is counted before comparing figures.
  // Under CI load a flush can take seconds; fail here, loudly, rather than compare half-written figures later.
  let counted = 0;
  for (let i = 0; i < 300 && counted < requests; i += 1) {
    const { body } = await tool<{ models: { totalCalls: number }[] }>(url, 'analyze_metrics', {
      includeReport: false,
    });
    counted = body.models.reduce((n, m) => n + m.totalCalls, 0);
    if (counted < requests) await new Promise((r) => setTimeout(r, 100));
  }
  if (counted < requests) throw new Error(`only ${counted} of ${requests} requests were recorded after 30 s`);
}
