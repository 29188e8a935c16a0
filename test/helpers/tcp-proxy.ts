import { createServer, Socket, type AddressInfo, type Server } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 (random port) in front of another server, to simulate its outage without
 * stopping it: cut() destroys every open connection and refuses new ones (they are closed at once,
 * as a dead server would), restore() accepts again.
 */
export interface TcpProxy {
  readonly port: number;
  readonly host: string;
  /** Connections accepted and forwarded since start. */
  readonly forwarded: number;
  /** Connections refused while cut. */
  readonly refused: number;
  readonly isCut: boolean;
  /** The same URL with its host and port replaced by the proxy's. */
  rewrite(url: string): string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  let forwarded = 0;
  let refused = 0;
  const track = (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const server: Server = createServer((client) => {
    track(client);
    if (cut) {
      refused++;
      client.destroy();
      return;
    }
    forwarded++;
    client.pause();
    const upstream = new Socket();
    track(upstream);
    upstream.connect(target.port, target.host, () => {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.once('close', () => client.destroy());
    client.once('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    host: '127.0.0.1',
    get forwarded() {
      return forwarded;
    },
    get refused() {
      return refused;
    },
    get isCut() {
      return cut;
    },
    rewrite(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      cut = false;
    },
    close() {
      cut = true;
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
