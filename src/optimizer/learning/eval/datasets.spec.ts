import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, MMLU_OUTPUT_TOKENS, STRONG_MODEL, WEAK_MODEL } from './datasets';
import { replay, requestOrder } from './replay';

const HEAD = `prompt,${WEAK_MODEL},${STRONG_MODEL}`;

describe('evaluation datasets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'learning-eval-'));

  it('reads MMLU CSVs with quoted, multi-line prompts; the file names the subject', () => {
    const mmlu = join(dir, 'mmlu');
    mkdirSync(mmlu);
    writeFileSync(
      join(mmlu, 'mmlu_astronomy.csv'),
      `${HEAD}\n"Why is the sky ""blue""?\nA. x\nB. y\nAnswer:",True,False\nplain,False,True\n`,
    );
    writeFileSync(join(mmlu, 'mmlu_law.csv'), `${HEAD}\n"a, b",True,True\n`);
    const d = loadDataset(mmlu);
    expect(d.rows).toHaveLength(3);
    expect(d.rows[0]).toEqual({
      prompt: 'Why is the sky "blue"?\nA. x\nB. y\nAnswer:',
      tag: 'astronomy',
      grade: { weak: 1, strong: 0 },
      quality: { weak: 1, strong: 0 },
    });
    expect(d.rows[2].tag).toBe('law');
    expect(d.typicalOutputTokens).toEqual({ weak: MMLU_OUTPUT_TOKENS, strong: MMLU_OUTPUT_TOKENS });
  });

  it('takes answer lengths from the responses when a CSV has them (GSM8K)', () => {
    const file = join(dir, 'gsm8k_responses.csv');
    const head = `${HEAD},${WEAK_MODEL}_response,${STRONG_MODEL}_response`;
    writeFileSync(file, `${head}\nq1,True,True,${'w'.repeat(40)},${'s'.repeat(80)}\n`);
    const d = loadDataset(file);
    expect(d.rows[0].outputTokens).toEqual({ weak: 10, strong: 20 });
    expect(d.typicalOutputTokens).toEqual({ weak: 10, strong: 20 });
  });

  it('reads MT-Bench: one request per turn, the score 1-10 as quality, (score - 1) / 9 as grade', () => {
    const mt = join(dir, 'mt_bench');
    mkdirSync(mt);
    writeFileSync(
      join(mt, 'question.jsonl'),
      JSON.stringify({ question_id: 1, category: 'math', turns: ['t1', 't2'] }),
    );
    const judged = (model: string, turn: number, score: number) =>
      JSON.stringify({
        question_id: 1,
        model,
        turn,
        score,
        user_prompt: `### Assistant A:\n${'a'.repeat(8)}\n\n<|The End of Assistant A's Conversation with User|>`,
      });
    writeFileSync(
      join(mt, 'judgements.jsonl'),
      [
        judged(WEAK_MODEL, 1, 10),
        judged(STRONG_MODEL, 1, 10),
        judged(WEAK_MODEL, 2, 1),
        judged(STRONG_MODEL, 2, 8.5),
      ].join('\n'),
    );
    const d = loadDataset(mt);
    expect(d.rows.map((r) => r.prompt)).toEqual(['t1', 't1\n\nt2']);
    expect(d.rows[1].quality).toEqual({ weak: 1, strong: 8.5 });
    expect(d.rows[1].grade).toEqual({ weak: 0, strong: 7.5 / 9 });
    expect(d.rows[0].outputTokens).toEqual({ weak: 2, strong: 2 });
  });

  it('refuses a CSV whose outcome is neither True nor False, naming the column', () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, `${HEAD}\nq,yes,True\n`);
    expect(() => loadDataset(file)).toThrow(WEAK_MODEL);
    expect(() => loadDataset(join(dir, 'missing.csv'))).toThrow(/does not exist/);
  });

  it('orders requests by seed, each prompt once per pass', () => {
    const a = requestOrder(10, 25, 7);
    expect(requestOrder(10, 25, 7)).toEqual(a);
    expect(requestOrder(10, 25, 8)).not.toEqual(a);
    expect(new Set(a.slice(0, 10)).size).toBe(10);
    expect(new Set(a.slice(10, 20)).size).toBe(10);
  });

  it('replays a dataset where the weak model is as good: the loop learns to save', () => {
    const file = join(dir, 'easy.csv');
    const rows = Array.from({ length: 400 }, (_, i) => `question number ${i} about rivers,True,True`);
    writeFileSync(file, `${HEAD}\n${rows.join('\n')}\n`);
    const r = replay(loadDataset(file), {
      requests: 800,
      seed: 1,
      tagged: false,
      feedback: 'caller',
      judgeRate: 0.25,
      objective: { kind: 'quality-floor', floor: 0.95, scope: 'traffic' },
    });
    expect(r.whole.requests).toBe(800);
    expect(r.lastHalf.requests).toBe(400);
    expect(r.lastHalf.quality).toBe(r.lastHalf.qualityStrong);
    expect(r.lastHalf.strongCalls / r.lastHalf.requests).toBeLessThan(0.3);
    expect(r.distinctPrompts).toBe(400);
  });
});
