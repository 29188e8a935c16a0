import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Attributes, Tracer } from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import { APP_VERSION } from '../../common/app-info';
import { GEN_AI, OtelApi, RequestTrace } from './request-trace';

/** Tracing is on only when an OTLP endpoint is configured (the standard OpenTelemetry variables). */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/**
 * OpenTelemetry traces of routed requests, exported over OTLP (protocol, headers and service name from the
 * standard OTEL_* variables). Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set: the SDK
 * is then never loaded and a request pays one boolean check. Spans carry the GenAI semantic conventions
 * (gen_ai.*) and the gateway's routing attributes, never prompt or answer text.
 */
@Injectable()
export class TracingService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Tracing');
  readonly enabled = tracingConfigured();
  private sdk?: NodeSDK;
  private api?: OtelApi;
  private tracer?: Tracer;

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    const [{ NodeSDK }, api] = await Promise.all([import('@opentelemetry/sdk-node'), import('@opentelemetry/api')]);
    // Traces only: no metrics (Prometheus has them) and no logs (pino has them), whatever OTEL_* say.
    this.sdk = new NodeSDK({
      serviceName: process.env.OTEL_SERVICE_NAME ?? 'ai-mcp-gateway',
      metricReaders: [],
      logRecordProcessors: [],
      instrumentations: [],
    });
    this.sdk.start();
    this.api = api;
    this.tracer = api.trace.getTracer('ai-mcp-gateway', APP_VERSION);
    this.logger.log(
      `exporting traces to ${process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`,
    );
  }

  /** Flushes the spans still batched, then stops the exporter. */
  async onApplicationShutdown(): Promise<void> {
    await this.sdk?.shutdown().catch((err: Error) => this.logger.warn(`flushing traces failed: ${err.message}`));
  }

  /** The spans of one request (undefined while tracing is off or not started yet). */
  startRequest(requestedModel: string, attributes: Attributes): RequestTrace | undefined {
    if (!this.tracer || !this.api) return undefined;
    const root = this.tracer.startSpan(`chat ${requestedModel}`, {
      kind: this.api.SpanKind.SERVER,
      attributes: { [GEN_AI.operation]: 'chat', [GEN_AI.requestModel]: requestedModel, ...attributes },
    });
    return new RequestTrace(this.api, this.tracer, root);
  }
}
