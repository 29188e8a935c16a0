import { MatchedRule, RuleMatcher } from './rule-matcher';

function rule(id: number, pattern: string, priority = 0): MatchedRule {
  return { id, pattern, preferredLayer: 'fast', preferredModel: null, priority };
}

/** A ~2 KB prompt that only the last of the generated rules matches. */
function bigPrompt(): string {
  return `${'lorem ipsum dolor sit amet consectetur adipiscing elit '.repeat(40).slice(0, 2000)} topic999 zeta`;
}

describe('RuleMatcher', () => {
  it('returns the first rule in decision order among several matches', () => {
    const m = RuleMatcher.compile([rule(3, 'b+'), rule(1, 'a'), rule(2, 'ab')], 1);
    expect(m.match('xxABxx')?.id).toBe(3);
    expect(m.match('xxAxx')?.id).toBe(1);
    expect(m.match('zzz')).toBeUndefined();
  });

  it('ignores stored patterns that RE2 refuses and reports them', () => {
    const m = RuleMatcher.compile([rule(1, '(a)\\1'), rule(2, 'a')], 1);
    expect(m.skipped).toEqual([1]);
    expect(m.size).toBe(1);
    expect(m.match('aa')?.id).toBe(2);
  });

  it('matches nothing when there are no rules', () => {
    expect(RuleMatcher.compile([], 0).match('anything')).toBeUndefined();
  });

  it('agrees with one-by-one RegExp tests on varied patterns', () => {
    const patterns = ['^hello', 'world$', '\\bsql\\b', '\\d{3,}', 'caf[eé]', '(?:foo|bar)baz', 'x.y', '[[:alpha:]]+42'];
    const rules = patterns.map((p, i) => rule(i + 1, p));
    const m = RuleMatcher.compile(rules, 1);
    const prompts = [
      'Hello there',
      'big WORLD',
      'my SQL query',
      'mysql',
      'call 5551234',
      'CAFÉ au lait',
      'FOOBAZ',
      'x\ny',
      'xzy',
      'abc42',
      'nothing',
    ];
    for (const prompt of prompts) {
      const expected = rules.find((r) => new RegExp(r.pattern.replace('[[:alpha:]]', '[a-z]'), 'i').test(prompt));
      expect([prompt, m.match(prompt)?.id]).toEqual([prompt, expected?.id]);
    }
  });

  it('decides among 1,000 rules on a 2 KB prompt in well under a millisecond', () => {
    const rules = Array.from({ length: 1000 }, (_, i) => rule(i + 1, `\\btopic${i}\\b.*(alpha|zeta)`));
    const m = RuleMatcher.compile(rules, 1);
    const prompt = bigPrompt();
    expect(m.match(prompt)?.id).toBe(1000);
    for (let i = 0; i < 200; i++) m.match(prompt);
    const runs = 2000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) m.match(prompt);
    const perMatchUs = Number(process.hrtime.bigint() - start) / runs / 1000;
    expect(perMatchUs).toBeLessThan(500);
  });
});
