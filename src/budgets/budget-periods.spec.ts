import { periodEnd, periodStart } from './budget-periods';

describe('budget periods turn at UTC midnight', () => {
  const at = new Date('2026-12-31T23:59:59.999Z');
  it('day, month and total start where they should', () => {
    expect(periodStart('day', at)).toBe('2026-12-31');
    expect(periodStart('month', at)).toBe('2026-12-01');
    expect(periodStart('total', at)).toBe('1970-01-01');
  });
  it('end at the next day or month (across a year), and never for total', () => {
    expect(periodEnd('day', at)?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(periodEnd('month', at)?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(periodEnd('total', at)).toBeNull();
    expect(periodStart('day', new Date('2027-01-01T00:00:00.000Z'))).toBe('2027-01-01');
  });
});
