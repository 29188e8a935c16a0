import { backoffDelay, fitsDeadline } from './backoff';

describe('backoff', () => {
  const opts = { baseMs: 100, maxMs: 1000 };

  it('grows exponentially with equal jitter, capped at maxMs', () => {
    expect(backoffDelay(1, opts, undefined, () => 0)).toBe(50);
    expect(backoffDelay(1, opts, undefined, () => 1)).toBe(100);
    expect(backoffDelay(3, opts, undefined, () => 1)).toBe(400);
    expect(backoffDelay(10, opts, undefined, () => 1)).toBe(1000);
    expect(backoffDelay(10, opts, undefined, () => 0)).toBe(500);
  });

  it('honours Retry-After as a floor, even above maxMs', () => {
    expect(backoffDelay(1, opts, 2500, () => 0.5)).toBe(2500);
    expect(backoffDelay(4, opts, 10, () => 1)).toBe(800);
  });

  it('a retry must fit before the deadline', () => {
    expect(fitsDeadline(100, 1000)).toBe(true);
    expect(fitsDeadline(2500, 1000)).toBe(false);
    expect(fitsDeadline(960, 1000)).toBe(false);
  });
});
