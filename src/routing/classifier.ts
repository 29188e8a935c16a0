import type { LayerName } from '../config/config.schema';

export const TASK_TYPES = ['coding', 'math', 'analysis', 'creative', 'summarization', 'translation', 'chat'] as const;
export type TaskType = (typeof TASK_TYPES)[number];
export type RequestSize = 'small' | 'medium' | 'large';

export interface Classification {
  taskType: string;
  size: RequestSize;
  /** Estimated prompt tokens (whole conversation). */
  promptTokens: number;
  /** Wording that asks for depth (prove, step by step, in depth...): one layer up. */
  demanding: boolean;
}

/** Keyword patterns with their weight; scanned once each over (a bounded window of) the prompt. */
const SIGNALS: ReadonlyArray<{ type: TaskType; re: RegExp; weight: number }> = [
  {
    type: 'coding',
    re: /```|\b(?:function|class|def|const|let|var|import|return|async|await|compile[sr]?|debug|refactor|stack ?trace|exception|bug|typescript|javascript|python|java|rust|golang|sql|regex|api|endpoint|json|yaml|unit tests?|algorithm)\b|[{};]\s*$|=>/gim,
    weight: 2,
  },
  {
    type: 'math',
    re: /\b(?:calculate|compute|solve|equation|integral|derivative|theorem|prove|proof|probability|matrix|algebra|geometry|sum of|how many|percent(?:age)?)\b|\d+\s*[-+*/^=]\s*\d+|[∑∫√π]/gi,
    weight: 2,
  },
  {
    type: 'analysis',
    re: /\b(?:analy[sz]e|analysis|compare|comparison|evaluate|assess|pros and cons|trade-?offs?|implications?|explain why|root cause|critique|review|strategy|recommend)\b/gi,
    weight: 2,
  },
  {
    type: 'creative',
    re: /\b(?:write (?:a|an|me) (?:story|poem|song|haiku|limerick|script)|story|poem|poetry|haiku|lyrics|fiction|imagine|creative|character|plot|slogan|tagline)\b/gi,
    weight: 2,
  },
  {
    type: 'summarization',
    re: /\b(?:summari[sz]e|summary|tl;?dr|condense|key points|bullet points|shorten)\b/gi,
    weight: 3,
  },
  {
    type: 'translation',
    re: /\b(?:translate|translation|in (?:french|spanish|german|italian|japanese|chinese|portuguese|russian|english))\b/gi,
    weight: 3,
  },
];

const DEMANDING =
  /\b(?:prove|derive|rigorous(?:ly)?|step[- ]by[- ]step|in depth|in detail|thorough(?:ly)?|architecture|optimi[sz]e|complex)\b/i;

/** Only the head and the tail of a long prompt are scanned: classification stays O(1) in prompt size. */
const SCAN_HEAD = 4096;
const SCAN_TAIL = 1024;
const MAX_HITS_PER_SIGNAL = 8;

const SMALL_TOKENS = 500;
const LARGE_TOKENS = 4000;

function scanWindow(prompt: string): string {
  if (prompt.length <= SCAN_HEAD + SCAN_TAIL) return prompt;
  return `${prompt.slice(0, SCAN_HEAD)}\n${prompt.slice(-SCAN_TAIL)}`;
}

function countHits(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let hits = 0;
  while (hits < MAX_HITS_PER_SIGNAL && re.exec(text) !== null) hits++;
  re.lastIndex = 0;
  return hits;
}

/** The task type with the highest keyword score; `chat` when nothing scores. Deterministic. */
export function classifyTask(prompt: string): TaskType {
  const text = scanWindow(prompt);
  let best: TaskType = 'chat';
  let bestScore = 0;
  for (const signal of SIGNALS) {
    const score = countHits(signal.re, text) * signal.weight;
    if (score > bestScore) {
      best = signal.type;
      bestScore = score;
    }
  }
  return best;
}

export function sizeOf(promptTokens: number): RequestSize {
  if (promptTokens < SMALL_TOKENS) return 'small';
  return promptTokens < LARGE_TOKENS ? 'medium' : 'large';
}

export function classify(prompt: string, promptTokens: number, taskTypeHint?: string): Classification {
  return {
    taskType: taskTypeHint ?? classifyTask(prompt),
    size: sizeOf(promptTokens),
    promptTokens,
    demanding: DEMANDING.test(prompt.length > SCAN_HEAD ? prompt.slice(0, SCAN_HEAD) : prompt),
  };
}

/** Base layer per task type (small and medium requests); large requests and demanding wording go one up. */
const BASE_LAYER: Record<string, LayerName> = {
  chat: 'fast',
  summarization: 'fast',
  translation: 'fast',
  creative: 'balanced',
  analysis: 'balanced',
  coding: 'balanced',
  math: 'balanced',
};

const UP: Record<LayerName, LayerName> = { fast: 'balanced', balanced: 'deep', deep: 'deep' };

export function layerFor(c: Classification): LayerName {
  // hasOwn: a caller's task type such as "constructor" must not pick up Object.prototype members.
  let layer = (Object.hasOwn(BASE_LAYER, c.taskType) ? BASE_LAYER[c.taskType] : undefined) ?? 'balanced';
  if (c.size === 'large') layer = UP[layer];
  if (c.demanding) layer = UP[layer];
  return layer;
}
