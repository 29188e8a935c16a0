import { All, Controller, Inject, Logger, OnModuleDestroy, Req, Res } from '@nestjs/common';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { GATEWAY_CONFIG } from '../config/config.module';
import { GatewayConfig } from '../config/config.schema';
import { writeError } from '../common/http/error-shapes';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../errors';
import { hostRefusal, originRefusal } from '../common/http/host-origin';
import { McpServerFactory } from './mcp-server.factory';

interface Session {
  transport: StreamableHTTPServerTransport;
  lastSeen: number;
  /** The API key that opened the session (undefined when the gateway ran open): only it may use the session. */
  keyId?: number;
}

const MAX_SESSIONS = 1000;
const SESSION_IDLE_MS = 30 * 60 * 1000;

/** Streamable HTTP MCP at /mcp: POST (requests), GET (server stream), DELETE (end session). */
@Controller('mcp')
export class McpHttpController implements OnModuleDestroy {
  private readonly logger = new Logger('MCP');
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly factory: McpServerFactory,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 60_000).unref();
  }

  @All()
  async handle(@Req() req: Request, @Res() res: Response): Promise<void> {
    const refusal = this.checkHostAndOrigin(req);
    if (refusal) return writeError(res, 'mcp', new ForbiddenError(refusal, { code: 'host_not_allowed' }));
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = this.sessions.get(sessionId);
      if (!session)
        return writeError(
          res,
          'mcp',
          new NotFoundError(`unknown or expired MCP session ${sessionId}`, { code: 'unknown_session' }),
        );
      if (session.keyId !== (req as Request & { auth?: { keyId?: number } }).auth?.keyId)
        return writeError(
          res,
          'mcp',
          new ForbiddenError('this MCP session was opened with another API key', { code: 'session_key_mismatch' }),
        );
      session.lastSeen = Date.now();
      await session.transport.handleRequest(req, res, req.body);
      return;
    }
    if (req.method !== 'POST' || !isInitializeRequest(req.body))
      return writeError(
        res,
        'mcp',
        new InvalidInputError('no Mcp-Session-Id header: start a session with an initialize request', {
          code: 'no_session',
        }),
      );
    if (this.sessions.size >= MAX_SESSIONS) this.evictOldest();
    await this.openSession(req, res);
  }

  private async openSession(req: Request, res: Response): Promise<void> {
    const auth = (req as Request & { auth?: { scopes?: readonly string[]; keyId?: number } }).auth;
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, lastSeen: Date.now(), keyId: auth?.keyId });
      },
      onsessionclosed: (id) => {
        this.sessions.delete(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
    };
    const server = this.factory.create({ transport: 'mcp-http', scopes: auth?.scopes, keyId: auth?.keyId });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  /** DNS-rebinding defence on any bind (the global guard checks Host on loopback binds only). */
  private checkHostAndOrigin(req: Request): string | undefined {
    return hostRefusal(req, this.config.security) ?? originRefusal(req, this.config.security);
  }

  private sweep(): void {
    const cutoff = Date.now() - SESSION_IDLE_MS;
    for (const [id, s] of this.sessions) if (s.lastSeen < cutoff) void this.closeSession(id, s);
  }

  private evictOldest(): void {
    const oldest = [...this.sessions.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen)[0];
    if (oldest) void this.closeSession(oldest[0], oldest[1]);
  }

  private async closeSession(id: string, session: Session): Promise<void> {
    this.sessions.delete(id);
    await session.transport
      .close()
      .catch((err) => this.logger.warn(`closing MCP session ${id}: ${(err as Error).message}`));
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.entries()].map(([id, s]) => this.closeSession(id, s)));
  }
}
