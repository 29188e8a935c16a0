import { buildJudgePrompt, JUDGE_MAX_CHARS, parseJudgeReply } from './judge';

describe('parseJudgeReply', () => {
  it('reads a bare JSON object', () => {
    expect(parseJudgeReply('{"score": 0.8, "reason": "mostly right"}')).toEqual({
      kind: 'score',
      score: 0.8,
      reason: 'mostly right',
    });
  });

  it('reads one inside a code fence, with or without a language, amid whitespace', () => {
    expect(parseJudgeReply('```json\n{"score": 1, "reason": "correct"}\n```')).toMatchObject({ score: 1 });
    expect(parseJudgeReply('\n  ```\n{"score": 0, "reason": "wrong"}\n```  \n')).toMatchObject({ score: 0 });
    expect(parseJudgeReply('```JSON\r\n{"score":0.25,"reason":"partial"}\r\n```')).toMatchObject({ score: 0.25 });
  });

  it('accepts a missing reason (an empty one) and ignores extra keys', () => {
    expect(parseJudgeReply('{"score": 0.5, "confidence": "high"}')).toEqual({ kind: 'score', score: 0.5, reason: '' });
  });

  it.each([
    ['prose', 'The answer is good. Score: 0.9'],
    ['prose around the object', 'Here is my grade: {"score": 0.9, "reason": "ok"}'],
    ['two objects', '{"score": 0.9, "reason": "a"}\n{"score": 0.1, "reason": "b"}'],
    ['invalid JSON', '{"score": 0.9, "reason": }'],
    ['an array', '[{"score": 0.9}]'],
    ['a score as text', '{"score": "0.9", "reason": "ok"}'],
    ['a score above 1', '{"score": 7, "reason": "out of 10"}'],
    ['a negative score', '{"score": -0.1, "reason": "bad"}'],
    ['no score', '{"reason": "fine"}'],
    ['a reason that is not text', '{"score": 0.5, "reason": 3}'],
    ['null', 'null'],
    ['an empty reply', ''],
    ['an unclosed fence', '```json\n{"score": 1, "reason": "x"}'],
  ])('gives no signal for %s', (_label, text) => {
    const v = parseJudgeReply(text);
    expect(v.kind).toBe('no-signal');
    expect((v as { reason: string }).reason.length).toBeGreaterThan(0);
  });

  it('gives no signal for something that is not a string or is too long', () => {
    expect(parseJudgeReply(undefined).kind).toBe('no-signal');
    expect(parseJudgeReply({ score: 1 }).kind).toBe('no-signal');
    expect(parseJudgeReply(`{"score": 1, "reason": "${'x'.repeat(30000)}"}`).kind).toBe('no-signal');
  });
});

describe('buildJudgePrompt', () => {
  it('holds the request and the answer, and asks for the JSON object', () => {
    const [system, user] = buildJudgePrompt({ request: 'What is 2+2?', answer: 'It is 4.' });
    expect(system.role).toBe('system');
    expect(system.content).toContain('{"score"');
    expect(user.content).toContain('What is 2+2?');
    expect(user.content).toContain('It is 4.');
    expect(system.content).not.toContain('Rubric');
  });

  it('adds the operator rubric when set', () => {
    const [system] = buildJudgePrompt({ request: 'q', answer: 'a', rubric: 'Answers must cite a source.' });
    expect(system.content).toContain('Answers must cite a source.');
  });

  it('clips a long request and answer to their head and tail', () => {
    const long = 'A'.repeat(JUDGE_MAX_CHARS) + 'MIDDLE' + 'Z'.repeat(JUDGE_MAX_CHARS);
    const [, user] = buildJudgePrompt({ request: long, answer: long });
    expect(user.content).not.toContain('MIDDLE');
    expect(user.content).toContain('characters left out');
    expect(user.content.length).toBeLessThan(2 * JUDGE_MAX_CHARS + 500);
  });
});
