import { BanditArm, ThompsonBandit } from './bandit';
import { seededRng } from './stats';

const ARMS: BanditArm[] = [
  { id: 'cheap', relativePrice: 0.03, strengths: [] },
  { id: 'mid', relativePrice: 0.2, strengths: [] },
  { id: 'dear', relativePrice: 1, strengths: [] },
];
const TRUTH: Record<string, number> = { cheap: 0.5, mid: 0.85, dear: 0.93 };

function bandit(seed: number, overrides: Partial<ThompsonBandit['options']> = {}): ThompsonBandit {
  return new ThompsonBandit(
    { costWeight: 0.2, latencyWeight: 0, exploration: 0.05, priorWeight: 10, margin: 0.015, ...overrides },
    seededRng(seed),
  );
}

/** Plays `rounds` decisions against TRUTH; returns how often each arm was chosen in the last half. */
function play(b: ThompsonBandit, rounds: number, seed: number): Record<string, number> {
  const world = seededRng(seed);
  const late: Record<string, number> = { cheap: 0, mid: 0, dear: 0 };
  for (let i = 0; i < rounds; i++) {
    const arm = b.choose('coding', ARMS);
    b.observe('coding', arm.id, { n: 1, reward: world() < TRUTH[arm.id] ? 1 : 0 });
    if (i >= rounds / 2) late[arm.id]++;
  }
  return late;
}

describe('ThompsonBandit', () => {
  it('is deterministic under a seeded RNG', () => {
    expect(play(bandit(3), 300, 9)).toEqual(play(bandit(3), 300, 9));
  });

  it('learns the best utility (success minus cost weight x price): mid, not the dearest nor the cheapest', () => {
    const late = play(bandit(1), 1500, 2);
    expect(late.mid / 750).toBeGreaterThan(0.7);
    expect(late.cheap / 750).toBeLessThan(0.15);
  });

  it('keeps exploring: every arm keeps at least about exploration / arms of the decisions', () => {
    const b = bandit(5, { exploration: 0.3 });
    const late = play(b, 3000, 4);
    for (const id of Object.keys(late)) expect(late[id] / 1500).toBeGreaterThan(0.07);
  });

  it('without exploration and with a settled posterior, picks the best expected utility every time', () => {
    const b = bandit(2, { exploration: 0 });
    b.reset([
      { taskType: 'chat', model: 'cheap', n: 2000, reward: 1800, latencyMs: 0 },
      { taskType: 'chat', model: 'mid', n: 2000, reward: 1820, latencyMs: 0 },
      { taskType: 'chat', model: 'dear', n: 2000, reward: 1900, latencyMs: 0 },
    ]);
    for (let i = 0; i < 50; i++) expect(b.choose('chat', ARMS).id).toBe('cheap');
    expect(b.meanUtility('chat', ARMS[0])).toBeGreaterThan(b.meanUtility('chat', ARMS[1]));
  });

  it('the indifference margin prefers the cheaper of two arms whose utilities are close', () => {
    const rows = [
      { taskType: 'chat', model: 'cheap', n: 100, reward: 89, latencyMs: 0 },
      { taskType: 'chat', model: 'mid', n: 100, reward: 93, latencyMs: 0 },
    ];
    const count = (margin: number) => {
      const b = bandit(11, { exploration: 0, margin });
      b.reset(rows);
      let cheap = 0;
      for (let i = 0; i < 2000; i++) if (b.choose('chat', ARMS.slice(0, 2)).id === 'cheap') cheap++;
      return cheap;
    };
    expect(count(0.03)).toBeGreaterThan(count(0));
  });

  it('observe() corrects as well as adds, and penalises latency on a fixed 10 s scale', () => {
    const b = bandit(1, { latencyWeight: 0.5, costWeight: 0 });
    b.observe('chat', 'cheap', { n: 10, reward: 10, latencyMs: 1000 });
    b.observe('chat', 'mid', { n: 10, reward: 10, latencyMs: 100 });
    b.observe('chat', 'cheap', { n: 0, reward: -4 });
    expect(b.get('chat', 'cheap')).toEqual({ n: 10, reward: 6, latencyMs: 1000 });
    // Averages: cheap 100 ms, mid 10 ms; the penalty is latencyWeight x average / 10 s.
    expect(b.penalty('chat', ARMS[0])).toBeCloseTo(0.005, 6);
    expect(b.penalty('chat', ARMS[1])).toBeCloseTo(0.0005, 6);
    b.observe('chat', 'dear', { n: 1, reward: 1, latencyMs: 60_000 });
    expect(b.penalty('chat', ARMS[2])).toBeCloseTo(0.5, 5);
    expect(b.observed('chat', ARMS)).toBe(21);
    expect(b.taskTypes()).toEqual(['chat']);
  });
});
