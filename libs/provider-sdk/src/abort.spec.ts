import { abortError, sleep, startDeadline, toProviderError } from './abort';
import { ProviderError } from './errors';

describe('abortError', () => {
  it('reports a plain abort as cancelled and a TimeoutError reason as timeout', () => {
    const a = new AbortController();
    a.abort();
    expect(abortError(a.signal).kind).toBe('cancelled');
    expect(abortError(AbortSignal.abort(new DOMException('late', 'TimeoutError'))).kind).toBe('timeout');
  });

  it('passes a ProviderError reason through', () => {
    const reason = new ProviderError('timeout', 'deadline');
    expect(abortError(AbortSignal.abort(reason))).toBe(reason);
  });
});

describe('startDeadline', () => {
  it('aborts with timeout once timeoutMs has passed', async () => {
    const d = startDeadline({ signal: new AbortController().signal, timeoutMs: 30 });
    expect(d.signal.aborted).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(d.signal.aborted).toBe(true);
    expect(d.error().kind).toBe('timeout');
    expect(() => d.throwIfAborted()).toThrow(ProviderError);
    d.dispose();
  });

  it("follows the caller's signal, as cancelled", () => {
    const parent = new AbortController();
    const d = startDeadline({ signal: parent.signal, timeoutMs: 10_000 });
    parent.abort();
    expect(d.signal.aborted).toBe(true);
    expect(d.error().kind).toBe('cancelled');
    d.dispose();
  });

  it('starts aborted when the caller already aborted', () => {
    const d = startDeadline({ signal: AbortSignal.abort(), timeoutMs: 10_000 });
    expect(d.signal.aborted).toBe(true);
    d.dispose();
  });

  it('stops watching after dispose', async () => {
    const parent = new AbortController();
    const d = startDeadline({ signal: parent.signal, timeoutMs: 20 });
    d.dispose();
    parent.abort();
    await new Promise((r) => setTimeout(r, 40));
    expect(d.signal.aborted).toBe(false);
  });
});

describe('sleep', () => {
  it('waits, and rejects at once with the abort kind when the signal fires', async () => {
    const t0 = performance.now();
    await sleep(20);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
    const c = new AbortController();
    setTimeout(() => c.abort(), 10);
    await expect(sleep(10_000, c.signal)).rejects.toMatchObject({ kind: 'cancelled' });
  });
});

describe('toProviderError', () => {
  const coded = (code: string) => Object.assign(new Error(code), { code });

  it('classifies socket, timeout and parse failures', () => {
    expect(toProviderError(coded('ECONNREFUSED')).kind).toBe('connection');
    expect(toProviderError(coded('UND_ERR_SOCKET')).kind).toBe('connection');
    expect(toProviderError(Object.assign(new AggregateError([coded('ECONNREFUSED')]), {})).kind).toBe('connection');
    expect(toProviderError(coded('UND_ERR_HEADERS_TIMEOUT')).kind).toBe('timeout');
    expect(toProviderError(new SyntaxError('Unexpected end of JSON')).kind).toBe('malformed_response');
    expect(toProviderError(new Error('something odd')).kind).toBe('upstream');
  });

  it('lets an aborted signal decide, and passes ProviderErrors through', () => {
    expect(toProviderError(coded('UND_ERR_SOCKET'), { signal: AbortSignal.abort() }).kind).toBe('cancelled');
    const original = new ProviderError('auth', 'no');
    expect(toProviderError(original, { signal: AbortSignal.abort() })).toBe(original);
  });
});
