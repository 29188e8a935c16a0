import { InvalidInputError } from '../errors';
import { qualityFloorOf } from './quality-floor-header';

describe('qualityFloorOf', () => {
  it('reads a floor between 0 and 1', () => {
    expect(qualityFloorOf(undefined)).toBeUndefined();
    expect(qualityFloorOf('0.95')).toBe(0.95);
    expect(qualityFloorOf(' .9 ')).toBe(0.9);
    expect(qualityFloorOf('1')).toBe(1);
    expect(qualityFloorOf('0')).toBe(0);
    expect(qualityFloorOf(['0.5', '0.7'])).toBe(0.5);
  });

  it.each(['', 'abc', '1.5', '-0.1', '95%', 'NaN', '1e-1'])('refuses %p naming the header', (value) => {
    expect(() => qualityFloorOf(value)).toThrow(InvalidInputError);
    expect(() => qualityFloorOf(value)).toThrow(/x-gateway-quality-floor/);
  });
});
