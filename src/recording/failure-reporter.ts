import type { Severity } from '../bug-patterns/bug-pattern.entity';
import type { RecordBugInput } from '../bug-patterns/bug-patterns.service';
import type { FailureTest } from '../regression-tests/regression-tests.service';
import type { FailureRecord } from './recording.types';
import { replayOf } from './redact';

const SEVERITY: Record<string, Severity> = {
  auth: 'critical',
  not_found: 'high',
  connection: 'high',
  malformed_response: 'medium',
  upstream: 'medium',
  timeout: 'medium',
  rate_limited: 'low',
  bad_request: 'low',
};

const EXPECTED: Record<string, string> = {
  rate_limited:
    'The gateway waits at least the upstream Retry-After (within the deadline) and retries, then falls back to the next candidate; the client gets a completion or an OpenAI-style 502 error.',
  timeout:
    'The attempt is aborted at the layer timeout and retried with backoff, then the next candidate is tried; past the overall deadline the client gets a 504 in OpenAI error shape.',
  upstream:
    'The 5xx is retried with exponential backoff and jitter, then the next candidate is tried; the client gets a completion or a 502 in OpenAI error shape.',
  connection:
    'The connection failure is retried, then the next candidate is tried; the breaker opens after repeated failures; the client gets a completion or a 502/503.',
  malformed_response:
    'The malformed answer is never passed on; it is retried and then the next candidate is tried; the client gets a valid completion or a 502.',
  auth: 'The auth failure is not retried; the next candidate is tried at once; the client gets a completion or a 502.',
  not_found:
    'The unknown upstream model is not retried; the next candidate is tried; the client gets a completion or a 502.',
  bad_request:
    'The upstream refusal is not retried; the next candidate is tried; if all refuse, the client gets a 400 in OpenAI error shape.',
  stream_interrupted:
    'A stream cut after its first chunk ends with one SSE error event and no [DONE]; the process keeps serving.',
};

const GENERIC_EXPECTED =
  'The request fails cleanly: an OpenAI-style error with the right status (502, 503 or 504), no crash, and the failure recorded.';

/** Collapses volatile parts of an error message (ports, durations, ids) so one fault has one fingerprint. */
export function normalizeErrorMessage(message: string): string {
  return message
    .replace(/https?:\/\/[^\s)]+/g, '<url>')
    .replace(/\b\d+(?:\.\d+)?\s*ms\b/g, '<n> ms')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

export function bugOf(f: FailureRecord): RecordBugInput {
  const category = f.scope === 'attempt' ? `provider:${f.kind}` : `routing:${f.kind}`;
  const where = f.model ? `${f.model}${f.provider ? ` (${f.provider})` : ''}` : `${f.layer} layer`;
  return {
    category,
    pattern: `${where}: ${normalizeErrorMessage(f.message)}`,
    description:
      f.scope === 'attempt'
        ? `A call to ${where} failed with ${f.kind}${f.status ? ` (HTTP ${f.status})` : ''} while routing a ${f.taskType} request.`
        : `A ${f.taskType} request routed to the ${f.layer} layer failed: ${f.kind}.`,
    severity: f.scope === 'request' ? 'high' : (SEVERITY[f.kind] ?? 'medium'),
  };
}

/** The regression test stored for a new fingerprint: text describing the replay, never executed by the server. */
export function regressionTestOf(
  f: FailureRecord,
  bug: RecordBugInput,
  fingerprint: string,
  redactContent: boolean,
): FailureTest {
  const replay = replayOf(f.snapshot, redactContent);
  const expectedBehavior = EXPECTED[f.kind] ?? GENERIC_EXPECTED;
  const testCode = [
    `// Regression test for ${bug.category}: ${bug.pattern}`,
    `// Replay: send replay.body to POST /v1/chat/completions${redactContent ? ' (message content was redacted: supply a prompt of the recorded length)' : ''}.`,
    `// Routing at the time: task type ${f.taskType}, layer ${f.layer}${f.ruleId !== null ? `, rule ${f.ruleId}` : ''}${f.model ? `, model ${f.model}` : ''}.`,
    `// Fault to reproduce: ${f.kind}${f.status ? ` (HTTP ${f.status})` : ''} from ${f.provider ?? 'the provider'}.`,
    `// Expect: ${expectedBehavior}`,
    `const res = await fetch(GATEWAY_URL + '/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(replay.body) });`,
    `expect([200, 400, 502, 503, 504]).toContain(res.status);`,
    `if (res.status !== 200) expect((await res.json()).error).toEqual(expect.objectContaining({ message: expect.any(String), type: expect.any(String) }));`,
  ].join('\n');
  return {
    testName: `${bug.category} ${fingerprint.slice(0, 16)}`,
    category: 'routing',
    description: bug.description,
    testCode,
    expectedBehavior,
    discoveredFrom: 'bug',
    metadata: {
      fingerprint,
      bugCategory: bug.category,
      kind: f.kind,
      model: f.model,
      provider: f.provider,
      requestId: f.requestId,
      scope: f.scope,
    },
    replay,
  };
}
