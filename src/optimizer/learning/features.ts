/**
 * Hashed lexical features of a prompt: word unigrams and bigrams, word affixes (the first and last
 * characters of longer words, which carry stems and morphology) and a few shape tokens (length, lines,
 * digits, symbols). Each feature is hashed into a fixed space of 2^bits slots, so memory does not grow
 * with the vocabulary, and the vector is L2-normalised, so a long prompt weighs as much as a short one.
 * Deterministic: the same text gives the same vector on every platform and run.
 */

export interface FeatureOptions {
  /** log2 of the number of slots (per model, in the learner): 2^16 slots cost 512 KB per model. */
  bits: number;
  /** Characters read from a prompt: the head and tail of a longer one (bounds the decision time). */
  maxChars: number;
  /** Most features kept per prompt: beyond it, a deterministic hash sample (bounds the decision time). */
  maxFeatures: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = { bits: 16, maxChars: 1024, maxFeatures: 512 };

/** A sparse, L2-normalised vector: slot numbers and their values (same length, no slot twice). */
export interface FeatureVector {
  readonly index: Int32Array;
  readonly value: Float32Array;
}

// Per-namespace seeds and weights: unigrams carry most of the meaning, bigrams and affixes refine it.
const NS_WORD = 0x9e3779b1;
const NS_BIGRAM = 0x85ebca77;
const NS_AFFIX = 0xc2b2ae3d;
const NS_AFFIX_END = 0x165667b1;
const NS_SHAPE = 0x27d4eb2f;
const NUMBER_HASH = Math.imul(0x811c9dc5 ^ 35, 0x01000193);
const SHAPE_LENGTH = hashString('len', NS_SHAPE);
const SHAPE_LINES = hashString('lines', NS_SHAPE);
const SHAPE_DIGITS = hashString('digits', NS_SHAPE);
const SHAPE_SYMBOLS = hashString('symbols', NS_SHAPE);
const W_WORD = 1;
const W_BIGRAM = 0.7;
const W_AFFIX = 0.5;
const W_SHAPE = 1;
/** Words at least this long also yield their first and last AFFIX characters. */
const AFFIX_MIN_LENGTH = 7;
const AFFIX = 5;

/** Murmur3's finaliser: spreads the bits of a 32-bit hash. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of a string, seeded (for task types and shape tokens). */
export function hashString(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** ASCII lower case (other scripts are left as they are: no allocation on the decision path). */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}

/** FNV-1a of the AFFIX characters that end at `end` (lower-cased). */
function suffixHash(text: string, end: number): number {
  let h = 0x811c9dc5;
  for (let k = end - AFFIX; k < end; k++) h = Math.imul(h ^ lower(text.charCodeAt(k)), 0x01000193);
  return h >>> 0;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c >= 0xc0;
}

/**
 * Turns prompts into feature vectors. One instance is reused across calls (it owns scratch buffers),
 * so it is not re-entrant; JavaScript runs one decision at a time, which is all it needs.
 */
export class PromptFeaturizer {
  readonly options: FeatureOptions;
  private readonly slotShift: number;
  // Open-addressing set of the slots of one prompt: keys, positions, and a generation stamp per cell.
  private readonly cellSlot: Int32Array;
  private readonly cellPos: Int32Array;
  private readonly cellGen: Uint32Array;
  private readonly cellMask: number;
  private readonly cellShift: number;
  private generation = 0;
  private slots: Int32Array;
  private values: Float32Array;
  private count = 0;

  constructor(options: Partial<FeatureOptions> = {}) {
    this.options = { ...DEFAULT_FEATURE_OPTIONS, ...options };
    const { bits, maxChars, maxFeatures } = this.options;
    if (!Number.isInteger(bits) || bits < 8 || bits > 24) throw new RangeError('features.bits must be an integer 8-24');
    if (!Number.isInteger(maxChars) || maxChars < 64)
      throw new RangeError('features.maxChars must be an integer >= 64');
    if (!Number.isInteger(maxFeatures) || maxFeatures < 16)
      throw new RangeError('features.maxFeatures must be an integer >= 16');
    this.slotShift = 32 - bits;
    // Every character can start at most a few features: size the set for that, at a load factor <= 1/2.
    const capacity = 1 << Math.ceil(Math.log2(maxChars * 4 + 64));
    this.cellSlot = new Int32Array(capacity);
    this.cellPos = new Int32Array(capacity);
    this.cellGen = new Uint32Array(capacity);
    this.cellMask = capacity - 1;
    this.cellShift = 32 - Math.log2(capacity);
    this.slots = new Int32Array(capacity >> 1);
    this.values = new Float32Array(capacity >> 1);
  }

  /** The feature vector of a prompt (any string; an empty one gives the shape tokens only). */
  featurize(prompt: string): FeatureVector {
    this.begin();
    const text = this.clip(prompt);
    this.scan(text);
    return this.finish();
  }

  /** The head and the tail of a prompt longer than maxChars (the middle rarely decides the difficulty). */
  private clip(prompt: string): string {
    const max = this.options.maxChars;
    if (prompt.length <= max) return prompt;
    const head = Math.floor(max * 0.75);
    return prompt.slice(0, head) + '\n' + prompt.slice(prompt.length - (max - head - 1));
  }

  private begin(): void {
    this.count = 0;
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.cellGen.fill(0);
      this.generation = 1;
    }
  }

  /** Adds a feature (its hash, its weight); a slot seen twice keeps the larger weight (presence, not counts). */
  private add(hash: number, weight: number): void {
    // Fibonacci hashing: the high bits of hash x golden ratio are well mixed, at one multiplication.
    const slot = Math.imul(hash, 0x9e3779b1) >>> this.slotShift;
    let cell = Math.imul(slot, 0x9e3779b1) >>> this.cellShift;
    for (;;) {
      if (this.cellGen[cell] !== this.generation) {
        this.cellGen[cell] = this.generation;
        this.cellSlot[cell] = slot;
        this.cellPos[cell] = this.count;
        this.slots[this.count] = slot;
        this.values[this.count] = weight;
        this.count++;
        return;
      }
      if (this.cellSlot[cell] === slot) {
        const pos = this.cellPos[cell];
        if (weight > this.values[pos]) this.values[pos] = weight;
        return;
      }
      cell = (cell + 1) & this.cellMask;
    }
  }

  /**
   * One pass over the text: words (runs of letters and digits; a number becomes its digit count),
   * bigrams and affixes, then the shape tokens (length, lines, share of digits and of symbols).
   */
  private scan(text: string): void {
    let prev = 0;
    let hasPrev = false;
    let lines = 1;
    let digitChars = 0;
    let symbols = 0;
    let i = 0;
    const n = text.length;
    while (i < n) {
      let c = lower(text.charCodeAt(i));
      while (!isWordChar(c)) {
        if (c === 10) lines++;
        else if (c < 128 && c !== 32 && c !== 44 && c !== 46) symbols++;
        if (++i >= n) break;
        c = lower(text.charCodeAt(i));
      }
      if (i >= n) break;
      const start = i;
      let h = 0x811c9dc5;
      let prefix = 0;
      let digits = 0;
      while (isWordChar(c)) {
        if (c >= 48 && c <= 57) digits++;
        h = Math.imul(h ^ c, 0x01000193);
        if (i - start === AFFIX - 1) prefix = h;
        if (++i >= n) break;
        c = lower(text.charCodeAt(i));
      }
      const len = i - start;
      digitChars += digits;
      // A number says "there is a number of this size here"; its value rarely tells the difficulty.
      const number = digits === len;
      if (number) h = NUMBER_HASH ^ Math.min(len, 6);
      h >>>= 0;
      this.add(h ^ NS_WORD, W_WORD);
      if (hasPrev) this.add(Math.imul(prev ^ NS_BIGRAM, 0x9e3779b1) ^ h, W_BIGRAM);
      if (!number && len >= AFFIX_MIN_LENGTH) {
        this.add(prefix ^ NS_AFFIX, W_AFFIX);
        this.add(suffixHash(text, i) ^ NS_AFFIX_END, W_AFFIX);
      }
      prev = h;
      hasPrev = true;
    }
    const chars = Math.max(1, n);
    this.add(SHAPE_LENGTH ^ Math.floor(Math.log2(chars)), W_SHAPE);
    this.add(SHAPE_LINES ^ Math.min(8, Math.floor(Math.log2(lines))), W_SHAPE);
    this.add(SHAPE_DIGITS ^ Math.min(5, Math.floor((20 * digitChars) / chars)), W_SHAPE);
    this.add(SHAPE_SYMBOLS ^ Math.min(5, Math.floor((20 * symbols) / chars)), W_SHAPE);
  }

  /**
   * Samples down to about maxFeatures (the slots whose hash falls under a threshold: the same slots for
   * the same text, an unbiased sample otherwise) and normalises to unit length.
   */
  private finish(): FeatureVector {
    const max = this.options.maxFeatures;
    const n = this.count;
    const keep = new Int32Array(Math.min(n, max));
    const vals = new Float32Array(keep.length);
    let k = 0;
    if (n > max) {
      const threshold = Math.floor((max / n) * 4294967296);
      for (let i = 0; i < n && k < max; i++) {
        if (mix32(this.slots[i] ^ 0x68e31da4) >= threshold) continue;
        keep[k] = this.slots[i];
        vals[k++] = this.values[i];
      }
    } else {
      for (; k < n; k++) {
        keep[k] = this.slots[k];
        vals[k] = this.values[k];
      }
    }
    let norm = 0;
    for (let i = 0; i < k; i++) norm += vals[i] * vals[i];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < k; i++) vals[i] *= scale;
    return k === keep.length ? { index: keep, value: vals } : { index: keep.slice(0, k), value: vals.slice(0, k) };
  }
}
