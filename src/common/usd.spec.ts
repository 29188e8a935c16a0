import { formatUsd } from './usd';

describe('formatUsd', () => {
  it('prints fractions of a cent with three significant digits, without float noise', () => {
    expect(formatUsd(0.000029699999999999997)).toBe('$0.0000297');
    expect(formatUsd(0.00003585)).toBe('$0.0000358');
    expect(formatUsd(0)).toBe('$0.00');
  });

  it('prints four decimals from a cent up', () => {
    expect(formatUsd(0.01)).toBe('$0.0100');
    expect(formatUsd(12.345678)).toBe('$12.3457');
  });
});
