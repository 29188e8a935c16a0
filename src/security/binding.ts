export { isLoopbackHost } from '../common/http/loopback';

/** Refusal to listen on a non-loopback address while no API key exists. */
export class UnsafeBindError extends Error {
  constructor(readonly host: string) {
    super(
      `refusing to listen on ${host}: it is not a loopback address and no API key exists, so anyone who can reach it could use the gateway. ` +
        `Create a key first (npm run keys -- create --name <name> --scopes route,tools:read,tools:write) or bind to 127.0.0.1.`,
    );
    this.name = 'UnsafeBindError';
  }
}
