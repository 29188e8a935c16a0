import { BreakerBoard, CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1000));

  it('opens after failureThreshold consecutive failures, half-opens after the cooldown with one trial', () => {
    const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 100 }, clock);
    b.onFailure();
    b.onFailure();
    expect(b.tryAcquire()).toBe(true);
    b.onFailure();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(b.retryInMs()).toBe(100);
    now += 100;
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.onFailure();
    expect(b.state).toBe('open');
    now += 100;
    expect(b.tryAcquire()).toBe(true);
    b.onSuccess();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  it('a success resets the consecutive count', () => {
    const b = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 100 }, clock);
    b.onFailure();
    b.onSuccess();
    b.onFailure();
    expect(b.state).toBe('closed');
  });

  it('a released trial lets the next caller try', () => {
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 10 }, clock);
    b.onFailure();
    now += 10;
    expect(b.tryAcquire()).toBe(true);
    b.release();
    expect(b.tryAcquire()).toBe(true);
  });

  it('the board keeps one breaker per model', () => {
    const board = new BreakerBoard({ failureThreshold: 1, cooldownMs: 10 }, clock);
    board.for('a').onFailure();
    expect(board.snapshot()).toEqual({ a: 'open' });
    expect(board.for('b').state).toBe('closed');
    board.reset();
    expect(board.snapshot()).toEqual({});
  });
});
