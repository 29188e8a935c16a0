import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { LAYERS } from '../config/config.schema';
import { Tool } from '../tools/tool.decorator';
import { ToolContext } from '../tools/tool.types';
import { RouterService } from './router.service';

export const routeInput = z
  .strictObject({
    prompt: z.string().min(1).max(1_000_000).optional().describe('a single user message (or give messages)'),
    messages: z
      .array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }))
      .min(1)
      .optional()
      .describe('a conversation, OpenAI style'),
    model: z
      .string()
      .min(1)
      .default('auto')
      .describe(`"auto", a layer (${LAYERS.join(', ')}) or a model id`),
    taskType: z.string().min(1).max(100).optional().describe('skip the classifier'),
    maxTokens: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).optional(),
  })
  .refine((v) => Boolean(v.prompt) !== Boolean(v.messages), {
    message: 'give either prompt or messages',
    path: ['prompt'],
  });

export const routeOutput = z.object({
  answer: z.string().nullable(),
  finishReason: z.string(),
  decision: z.object({
    requestId: z.string(),
    model: z.string(),
    layer: z.enum(LAYERS),
    rule: z.object({ id: z.number().int(), pattern: z.string() }).nullable(),
    taskType: z.string(),
    size: z.string(),
    reason: z.string(),
    attempts: z.number().int(),
    cost: z.number().describe('USD'),
    estimatedCost: z.number().describe('USD, before the call'),
    latencyMs: z.number(),
    usage: z.object({
      promptTokens: z.number().int(),
      completionTokens: z.number().int(),
      totalTokens: z.number().int(),
    }),
  }),
});

@Injectable()
export class RoutingTools {
  constructor(private readonly router: RouterService) {}

  @Tool({
    name: 'route',
    description:
      'Send a prompt (or messages) through the router: returns the answer and the decision (model, layer, rule, task type, attempts, cost, latency, request id).',
    input: routeInput,
    output: routeOutput,
    scope: 'route',
    text: (r) =>
      `${r.answer ?? ''}\n\n[${r.decision.model} · ${r.decision.layer} · ${r.decision.taskType}${r.decision.rule ? ` · rule ${r.decision.rule.id}` : ''} · ${r.decision.attempts} attempt(s) · $${r.decision.cost.toFixed(6)} · ${Math.round(r.decision.latencyMs)} ms]`,
  })
  async route(input: z.infer<typeof routeInput>, ctx: ToolContext): Promise<z.infer<typeof routeOutput>> {
    const messages = input.messages ?? [{ role: 'user' as const, content: input.prompt ?? '' }];
    const params: Record<string, number> = {};
    if (input.maxTokens !== undefined) params.max_tokens = input.maxTokens;
    if (input.temperature !== undefined) params.temperature = input.temperature;
    const requestId = ctx.requestId ?? randomUUID();
    const r = await this.router.execute({
      requestId,
      model: input.model,
      messages,
      params,
      taskType: input.taskType,
      stream: false,
      keyId: ctx.keyId,
    });
    const d = r.decision;
    return {
      answer: r.response.content,
      finishReason: r.response.finishReason,
      decision: {
        requestId,
        model: r.model.id,
        layer: r.model.layer,
        rule: d.rule ? { id: d.rule.id, pattern: d.rule.pattern } : null,
        taskType: d.taskType,
        size: d.size,
        reason: d.reason,
        attempts: r.attempts,
        cost: r.cost,
        estimatedCost: d.estimatedCost,
        latencyMs: r.latencyMs,
        usage: { ...r.usage },
      },
    };
  }
}
