import { PromptFeaturizer } from './features';

function norm(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

describe('PromptFeaturizer', () => {
  const f = new PromptFeaturizer({ bits: 16 });

  it('gives the same vector for the same text, on a fresh instance too', () => {
    const text = 'Write a function that reverses a linked list in TypeScript.\nExplain it step by step.';
    const a = f.featurize(text);
    const b = new PromptFeaturizer({ bits: 16 }).featurize(text);
    expect(Array.from(a.index)).toEqual(Array.from(b.index));
    expect(Array.from(a.value)).toEqual(Array.from(b.value));
  });

  it('stays in its hash space: slots in range, no slot twice, unit length', () => {
    const v = f.featurize('The quick brown fox jumps over the lazy dog; 42 times, in 2024!');
    expect(v.index.length).toBe(v.value.length);
    expect(new Set(v.index).size).toBe(v.index.length);
    for (const s of v.index) expect(s >= 0 && s < 1 << 16).toBe(true);
    expect(norm(v.value)).toBeCloseTo(1, 5);
  });

  it('ignores ASCII case and the value of numbers (not their size)', () => {
    const a = f.featurize('Solve x + 7 = 22 for X');
    const b = f.featurize('solve X + 2 = 91 FOR x');
    expect(Array.from(a.index).sort()).toEqual(Array.from(b.index).sort());
    const c = f.featurize('solve x + 2 = 910 for x');
    expect(Array.from(c.index).sort()).not.toEqual(Array.from(b.index).sort());
  });

  it('bounds the work on huge prompts: at most maxFeatures, read from the head and the tail', () => {
    const small = new PromptFeaturizer({ bits: 16, maxChars: 256, maxFeatures: 32 });
    const words = Array.from({ length: 5000 }, (_, i) => `word${i % 997}x`).join(' ');
    const v = small.featurize(words);
    expect(v.index.length).toBeLessThanOrEqual(32);
    expect(v.index.length).toBeGreaterThan(8);
    expect(norm(v.value)).toBeCloseTo(1, 5);
    // The middle of a long prompt is not read: changing it changes nothing.
    const changed = words.slice(0, 2000) + ' zebra '.repeat(50) + words.slice(2350);
    expect(Array.from(small.featurize(changed).index)).toEqual(Array.from(v.index));
  });

  it('turns an empty prompt into its shape tokens only', () => {
    const v = f.featurize('');
    expect(v.index.length).toBe(4);
    expect(norm(v.value)).toBeCloseTo(1, 5);
  });

  it('separates different topics more than paraphrases', () => {
    const overlap = (x: string, y: string) => {
      const a = f.featurize(x);
      const b = f.featurize(y);
      const m = new Map<number, number>();
      a.index.forEach((s, i) => m.set(s, a.value[i]));
      let dot = 0;
      b.index.forEach((s, i) => (dot += (m.get(s) ?? 0) * b.value[i]));
      return dot;
    };
    const law = 'Which statute of limitations applies to a breach of contract claim under state law?';
    const lawToo = 'What statute of limitations applies to a contract breach claim under federal law?';
    const chem = 'Balance the chemical equation for the combustion of methane with oxygen.';
    expect(overlap(law, lawToo)).toBeGreaterThan(overlap(law, chem) + 0.3);
  });

  it('refuses options outside their ranges', () => {
    expect(() => new PromptFeaturizer({ bits: 30 })).toThrow(/bits/);
    expect(() => new PromptFeaturizer({ maxChars: 10 })).toThrow(/maxChars/);
    expect(() => new PromptFeaturizer({ maxFeatures: 1.5 })).toThrow(/maxFeatures/);
  });
});
