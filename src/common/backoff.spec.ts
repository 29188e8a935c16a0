import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const opts = { baseMs: 100, maxMs: 1000 };

  it('doubles from baseMs per retry and stops growing at maxMs', () => {
    const exact = { ...opts, jitter: 'none' as const };
    expect([1, 2, 3, 4, 5, 6, 30].map((retry) => backoffDelay(retry, exact))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
  });

  it('equal jitter (the default) waits between half and all of the delay', () => {
    for (const retry of [1, 3, 10]) {
      const full = backoffDelay(retry, { ...opts, jitter: 'none' });
      expect(backoffDelay(retry, opts, undefined, () => 0)).toBe(full / 2);
      expect(backoffDelay(retry, opts, undefined, () => 0.999999)).toBe(full);
    }
  });

  it('a Retry-After is a floor, also above maxMs and without jitter', () => {
    expect(backoffDelay(1, { ...opts, jitter: 'none' }, 2500)).toBe(2500);
    expect(backoffDelay(4, { ...opts, jitter: 'none' }, 10)).toBe(800);
  });
});
