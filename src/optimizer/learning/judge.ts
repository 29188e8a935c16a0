/**
 * The judge: a second model grades a sampled answer, after the response was sent. Its prompt holds the
 * user's request and the answer (each clipped, so a judge call costs a bounded amount) and asks for
 * one JSON object; anything else is "no signal", counted but never learned from.
 */

export interface JudgeInput {
  /** The user's request as the model saw it (the conversation's user turns, joined). */
  request: string;
  /** The model's answer. */
  answer: string;
  /** What "good" means for this traffic, in the operator's words (optional). */
  rubric?: string;
}

export interface JudgeMessage {
  role: 'system' | 'user';
  content: string;
}

/** Most characters of the request and of the answer shown to the judge (head and tail of longer ones). */
export const JUDGE_MAX_CHARS = 8000;
/** Longest judge reply read: a grade is a short object, a longer reply is not one. */
export const JUDGE_MAX_REPLY_CHARS = 20000;

export const JUDGE_SYSTEM_PROMPT = [
  'You grade the answer an AI assistant gave to a user request.',
  'Judge correctness first, then whether it does what was asked, completely and clearly.',
  'Reply with exactly one JSON object and nothing else:',
  '{"score": <number from 0 to 1>, "reason": "<one short sentence>"}',
  'Score 1 for a correct, complete answer; 0 for a wrong, harmful or missing one; in between for partial answers.',
].join('\n');

function clip(text: string): string {
  if (text.length <= JUDGE_MAX_CHARS) return text;
  const head = Math.floor(JUDGE_MAX_CHARS * 0.75);
  return `${text.slice(0, head)}\n[... ${text.length - JUDGE_MAX_CHARS} characters left out ...]\n${text.slice(text.length - (JUDGE_MAX_CHARS - head))}`;
}

/** The judge's messages: the instructions (with the rubric, when set) and the request and answer to grade. */
export function buildJudgePrompt(input: JudgeInput): JudgeMessage[] {
  const rubric = input.rubric?.trim();
  const system = rubric ? `${JUDGE_SYSTEM_PROMPT}\nRubric from the operator:\n${rubric}` : JUDGE_SYSTEM_PROMPT;
  const user = [
    '<request>',
    clip(input.request),
    '</request>',
    '<answer>',
    clip(input.answer),
    '</answer>',
    'Grade the answer. Reply with the JSON object only.',
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

export type JudgeVerdict = { kind: 'score'; score: number; reason: string } | { kind: 'no-signal'; reason: string };

const FENCE = /^```[a-zA-Z]*[ \t]*\r?\n([\s\S]*?)\r?\n?```$/;

/**
 * Reads a judge reply: `{"score": <0..1>, "reason": "<text>"}`, alone or inside one code fence
 * (```json ... ```), surrounding whitespace allowed. Anything else (prose, several objects, a score
 * outside 0..1 or not a number, a reason that is not text) is "no signal", with the reason why.
 */
export function parseJudgeReply(text: unknown): JudgeVerdict {
  if (typeof text !== 'string') return { kind: 'no-signal', reason: 'the reply is not text' };
  if (text.length > JUDGE_MAX_REPLY_CHARS) return { kind: 'no-signal', reason: 'the reply is too long to be a grade' };
  let body = text.trim();
  const fenced = FENCE.exec(body);
  if (fenced) body = fenced[1].trim();
  if (!body.startsWith('{')) return { kind: 'no-signal', reason: 'the reply is not a JSON object' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'no-signal', reason: 'the reply is not valid JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { kind: 'no-signal', reason: 'the reply is not a JSON object' };
  const { score, reason } = parsed as { score?: unknown; reason?: unknown };
  if (typeof score !== 'number' || !Number.isFinite(score))
    return { kind: 'no-signal', reason: 'score is not a number' };
  if (score < 0 || score > 1) return { kind: 'no-signal', reason: 'score is outside 0..1' };
  if (reason !== undefined && typeof reason !== 'string') return { kind: 'no-signal', reason: 'reason is not text' };
  return { kind: 'score', score, reason: reason ?? '' };
}
