import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EvalDataset, EvalRow } from '../datasets';
import { estimateTokens } from '../datasets';

/** The model ids the fake upstream serves: the weak and the strong model, and the judge (priced as strong). */
export const FAKE_MODELS = { weak: 'eval-weak', strong: 'eval-strong', judge: 'eval-judge' } as const;

interface Message {
  role: string;
  content: unknown;
}

/** Judge activity (its tokens are the strong model's price). */
export interface FakeStats {
  judgeCalls: number;
  judgeTokensIn: number;
  judgeTokensOut: number;
}

const ANSWER = /<answer>\r?\n([\s\S]*?)\r?\n<\/answer>/;

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

/**
 * An OpenAI-compatible upstream serving the dataset's two models: the answer to a prompt is the model's
 * recorded outcome, carried in the answer text (`[eval:<id>:<grade>]`: the hidden truth a judge reads),
 * with usage priced from the prompt's length and the recorded answer length. The judge model replies
 * `{"score": <grade>}` for an answer it recognises. One process, no network beyond 127.0.0.1.
 */
export class FakeUpstream {
  readonly stats: FakeStats = { judgeCalls: 0, judgeTokensIn: 0, judgeTokensOut: 0 };
  private readonly rows = new Map<string, EvalRow>();
  private server?: Server;

  constructor(private readonly dataset: EvalDataset) {
    for (const r of dataset.rows) this.rows.set(r.prompt, r);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method === 'GET')
      return send(res, 200, {
        object: 'list',
        data: Object.values(FAKE_MODELS).map((id) => ({ id, object: 'model' })),
      });
    let body: { model?: string; messages?: Message[] };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return send(res, 400, { error: { message: 'invalid JSON', type: 'invalid_request_error' } });
    }
    const messages = body.messages ?? [];
    const prompt = messages
      .filter((m) => m.role === 'user')
      .map((m) => text(m.content))
      .join('\n');
    const tokensIn = estimateTokens(messages.map((m) => text(m.content)).join('\n'));
    if (body.model === FAKE_MODELS.judge) {
      const answer = ANSWER.exec(prompt)?.[1] ?? '';
      const grade = /\[eval:\d+:([0-9.]+)\]/.exec(answer)?.[1];
      const content =
        grade === undefined
          ? 'I cannot grade this.'
          : JSON.stringify({ score: Number(grade), reason: 'recorded outcome' });
      this.stats.judgeCalls++;
      this.stats.judgeTokensIn += tokensIn;
      this.stats.judgeTokensOut += 40;
      return send(res, 200, completion(body.model, content, tokensIn, 40));
    }
    const side = body.model === FAKE_MODELS.strong ? 'strong' : body.model === FAKE_MODELS.weak ? 'weak' : undefined;
    const row = this.rows.get(prompt);
    if (!side || !row) return send(res, 404, { error: { message: `unknown model or prompt`, type: 'not_found' } });
    const index = this.dataset.rows.indexOf(row);
    const tokensOut = row.outputTokens?.[side] ?? this.dataset.typicalOutputTokens[side];
    const content = `Answer of ${side} [eval:${index}:${row.grade[side]}]`;
    send(res, 200, completion(body.model!, content, tokensIn, tokensOut));
  }
}

function completion(model: string, content: string, tokensIn: number, tokensOut: number) {
  return {
    id: `fake-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: tokensIn, completion_tokens: tokensOut, total_tokens: tokensIn + tokensOut },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}
