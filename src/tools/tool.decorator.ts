import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';
import type { ToolDeclaration, ToolHandler } from './tool.types';

export const TOOL_METADATA = 'gateway:tool';

/**
 * Declares a service method as a tool: one declaration, served over REST and MCP by the registry.
 *
 *   @Tool({ name: 'record_metric', description, input: recordMetricInput, output: metricOutput })
 *   async recordMetric(input: RecordMetricInput, ctx: ToolContext): Promise<MetricOutput> { ... }
 *
 * The method receives input already parsed by `input` (defaults applied); what it returns is checked
 * against `output` before it leaves the gateway.
 */
export function Tool<I extends z.ZodType, O extends z.ZodType>(declaration: ToolDeclaration<I, O>) {
  return <T extends ToolHandler<I, O>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ) => {
    SetMetadata(TOOL_METADATA, declaration)(target, key, descriptor);
    return descriptor;
  };
}
