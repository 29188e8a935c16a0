import { progressBar } from './progress';

function terminal(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 80, write: (t: string) => writes.push(t) }, writes };
}

describe('progressBar', () => {
  it('draws on a terminal, in place, and ends with a newline at the total', () => {
    const { stream, writes } = terminal(true);
    const bar = progressBar('simulate', 4, { stream });
    bar.update(0, 'learned');
    bar.update(4, 'learned');
    bar.finish();
    expect(writes[0]).toMatch(/^\rsimulate \[-{30}\] {3}0% 0\/4 learned/);
    expect(writes.some((w) => /\[#{30}\] 100% 4\/4/.test(w))).toBe(true);
    expect(writes[writes.length - 1]).toBe('\n');
    expect(writes.every((w) => w.length <= 80)).toBe(true);
  });

  it('writes nothing when stderr is not a terminal, or when asked to be quiet (--json)', () => {
    const piped = terminal(false);
    progressBar('x', 10, { stream: piped.stream }).update(5);
    const quiet = terminal(true);
    const bar = progressBar('x', 10, { stream: quiet.stream, quiet: true });
    bar.update(5);
    bar.finish();
    expect([...piped.writes, ...quiet.writes]).toEqual([]);
  });

  it('redraws a busy loop at most every 100 ms, but always at the end', () => {
    const { stream, writes } = terminal(true);
    const bar = progressBar('x', 1000, { stream });
    for (let i = 1; i <= 1000; i++) bar.update(i);
    expect(writes.length).toBeLessThan(10);
    expect(writes[writes.length - 1]).toContain('1000/1000');
  });
});
