import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local webhook endpoint: keeps every JSON body it accepted; while `down`, drops connections unanswered. */
export interface WebhookReceiver {
  readonly url: string;
  readonly received: Array<Record<string, unknown>>;
  /** Connections dropped while down. */
  refused: number;
  down: boolean;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const state = { received: [] as Array<Record<string, unknown>>, refused: 0, down: false };
  const server: Server = createServer((req, res) => {
    if (state.down) {
      state.refused++;
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
