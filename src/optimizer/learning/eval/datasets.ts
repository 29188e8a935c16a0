import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';

/** The two models of RouteLLM's published outcomes. */
export const WEAK_MODEL = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
export const STRONG_MODEL = 'gpt-4-1106-preview';

/** One prompt with both models' outcomes. */
export interface EvalRow {
  prompt: string;
  /** The subject (MMLU file) or category (MT-Bench); sent as the task type only in tagged runs. */
  tag: string;
  /** Each model's grade 0..1: what feedback or a judge reveals. */
  grade: { weak: number; strong: number };
  /** Each model's quality in the benchmark's own unit (correct 0/1, MT-Bench score 1-10): what is reported. */
  quality: { weak: number; strong: number };
  /** Each model's answer length in tokens, when the data has the answers. */
  outputTokens?: { weak: number; strong: number };
}

export interface EvalDataset {
  name: string;
  rows: EvalRow[];
  /** Typical answer length (tokens) per model: what the gateway would know from its history. */
  typicalOutputTokens: { weak: number; strong: number };
}

/** USD per million tokens. Mixtral 8x7B at a typical hosted price; GPT-4 Turbo (1106) at OpenAI's list price. */
export const PRICES = {
  weak: { input: 0.6, output: 0.6 },
  strong: { input: 10, output: 30 },
};
export function callCost(side: 'weak' | 'strong', inputTokens: number, outputTokens: number): number {
  return (PRICES[side].input * inputTokens + PRICES[side].output * outputTokens) / 1e6;
}

/** Answer length assumed where the data has no answers (MMLU): a letter and a short justification. */
export const MMLU_OUTPUT_TOKENS = 100;

/** Tokens of a text: about 4 characters each (English prose and code). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function truth(value: string, column: string, file: string): number {
  if (value === 'True') return 1;
  if (value === 'False') return 0;
  throw new Error(`${file}: column ${column} holds "${value}", expected True or False`);
}

function readCsv(file: string): Array<Record<string, string>> {
  return parse<Record<string, string>>(readFileSync(file), {
    columns: true,
    skip_empty_lines: true,
    relax_column_count: false,
  });
}

/** A CSV of `prompt`, then a True/False column per model (and optionally `<model>_response`). */
function loadCsv(file: string, tag: string): EvalRow[] {
  return readCsv(file).map((r, i) => {
    if (typeof r.prompt !== 'string' || !(WEAK_MODEL in r) || !(STRONG_MODEL in r))
      throw new Error(`${file}: row ${i + 1} lacks prompt, ${WEAK_MODEL} or ${STRONG_MODEL}`);
    const weak = truth(r[WEAK_MODEL], WEAK_MODEL, file);
    const strong = truth(r[STRONG_MODEL], STRONG_MODEL, file);
    const row: EvalRow = { prompt: r.prompt, tag, grade: { weak, strong }, quality: { weak, strong } };
    const wr = r[`${WEAK_MODEL}_response`];
    const sr = r[`${STRONG_MODEL}_response`];
    if (typeof wr === 'string' && typeof sr === 'string')
      row.outputTokens = { weak: estimateTokens(wr), strong: estimateTokens(sr) };
    return row;
  });
}

function readJsonl(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        throw new Error(`${file}: line ${i + 1} is not JSON`);
      }
    });
}

/** The answer being judged: the last assistant turn of the judge's prompt. */
function judgedAnswer(userPrompt: string): string {
  const start = userPrompt.lastIndexOf('### Assistant A:\n');
  if (start < 0) return '';
  const end = userPrompt.indexOf("<|The End of Assistant A's", start);
  return userPrompt.slice(start + 17, end < 0 ? undefined : end).trim();
}

/**
 * MT-Bench: one request per (question, turn); the prompt is the user's turns so far. Quality is the
 * GPT-4 judge's score 1-10; the grade revealed to the learner is (score - 1) / 9.
 */
function loadMtBench(dir: string): EvalRow[] {
  const questions = new Map<number, { category: string; turns: string[] }>();
  for (const q of readJsonl(join(dir, 'question.jsonl')) as Array<{
    question_id: number;
    category: string;
    turns: string[];
  }>)
    questions.set(q.question_id, { category: q.category, turns: q.turns });
  const scores = new Map<string, { score: number; tokens: number }>();
  for (const j of readJsonl(join(dir, 'judgements.jsonl')) as Array<{
    question_id: number;
    model: string;
    turn: number;
    score: number;
    user_prompt: string;
  }>) {
    if (!(j.score >= 1 && j.score <= 10)) throw new Error(`mt_bench: question ${j.question_id} has score ${j.score}`);
    scores.set(`${j.question_id}|${j.turn}|${j.model}`, {
      score: j.score,
      tokens: estimateTokens(judgedAnswer(j.user_prompt)),
    });
  }
  const rows: EvalRow[] = [];
  for (const [id, q] of [...questions].sort((a, b) => a[0] - b[0])) {
    for (let turn = 1; turn <= q.turns.length; turn++) {
      const w = scores.get(`${id}|${turn}|${WEAK_MODEL}`);
      const s = scores.get(`${id}|${turn}|${STRONG_MODEL}`);
      if (!w || !s) continue;
      rows.push({
        prompt: q.turns.slice(0, turn).join('\n\n'),
        tag: q.category,
        grade: { weak: (w.score - 1) / 9, strong: (s.score - 1) / 9 },
        quality: { weak: w.score, strong: s.score },
        outputTokens: { weak: w.tokens, strong: s.tokens },
      });
    }
  }
  return rows;
}

function typical(rows: readonly EvalRow[]): { weak: number; strong: number } {
  const withTokens = rows.filter((r) => r.outputTokens);
  if (withTokens.length === 0) return { weak: MMLU_OUTPUT_TOKENS, strong: MMLU_OUTPUT_TOKENS };
  const mean = (k: 'weak' | 'strong') => withTokens.reduce((a, r) => a + r.outputTokens![k], 0) / withTokens.length;
  return { weak: Math.round(mean('weak')), strong: Math.round(mean('strong')) };
}

/**
 * Loads a dataset: a folder of MMLU CSVs (the subject, from `mmlu_<subject>.csv`, is the tag), one CSV
 * (GSM8K: one subject), or the MT-Bench folder (question.jsonl + judgements.jsonl).
 */
export function loadDataset(path: string): EvalDataset {
  if (!existsSync(path)) throw new Error(`dataset ${path} does not exist`);
  let rows: EvalRow[];
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, 'judgements.jsonl'))) rows = loadMtBench(path);
    else {
      const files = readdirSync(path)
        .filter((f) => f.endsWith('.csv'))
        .sort();
      if (files.length === 0) throw new Error(`dataset ${path} holds no CSV file and no judgements.jsonl`);
      rows = files.flatMap((f) => loadCsv(join(path, f), basename(f, '.csv').replace(/^mmlu_/, '')));
    }
  } else rows = loadCsv(path, basename(path, '.csv'));
  if (rows.length === 0) throw new Error(`dataset ${path} has no rows`);
  return { name: basename(path), rows, typicalOutputTokens: typical(rows) };
}
