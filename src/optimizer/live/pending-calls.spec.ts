import { PendingCalls } from './pending-calls';

describe('PendingCalls', () => {
  it('keeps at most max calls, forgetting the oldest first', () => {
    const calls = new PendingCalls(2);
    const request = { vector: { index: new Int32Array(0), value: new Float32Array(0) } };
    calls.set('a', { request });
    calls.set('b', { request });
    calls.set('a', { request, model: 'm' });
    calls.set('c', { request });
    expect(calls.size).toBe(2);
    expect(calls.get('b')).toBeUndefined();
    expect(calls.get('a')?.model).toBe('m');
    expect(calls.get('c')).toBeDefined();
  });
});
