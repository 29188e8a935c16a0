import { bearerToken, requirementFor } from './auth.middleware';
import { isLoopbackHost } from '../security/binding';
import { doorOf, normalizePath } from '../common/http/doors';
import { hasScope, parseScopes } from './scopes';

describe('scopes', () => {
  it('parses a comma list into unique known scopes', () => {
    expect(parseScopes('route, tools:read,route')).toEqual(['route', 'tools:read']);
    expect(parseScopes(['admin'])).toEqual(['admin']);
  });

  it('refuses unknown or missing scopes with the reason', () => {
    expect(() => parseScopes('route,tools:delete')).toThrow(
      /unknown scope "tools:delete"; choose from route, tools:read, tools:write, admin/,
    );
    expect(() => parseScopes(' , ')).toThrow(/no scopes given/);
  });

  it('admin implies every scope', () => {
    expect(hasScope(['admin'], 'tools:write')).toBe(true);
    expect(hasScope(['tools:read'], 'tools:read')).toBe(true);
    expect(hasScope(['tools:read'], 'route')).toBe(false);
  });
});

describe('loopback detection (safe binding)', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (h) => {
      expect(isLoopbackHost(h)).toBe(true);
    },
  );
  it.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1', '::2', 'localhost.example.com'])(
    '%s is not',
    (h) => {
      expect(isLoopbackHost(h)).toBe(false);
    },
  );
});

describe('route requirements', () => {
  it('leaves only GET /health and /metrics public', () => {
    expect(requirementFor('GET', '/health')).toEqual({ public: true });
    expect(requirementFor('HEAD', '/metrics')).toEqual({ public: true });
    expect(requirementFor('POST', '/health')).toEqual({ public: false });
    expect(requirementFor('GET', '/tools/x')).toEqual({ public: false });
  });

  it('serves the API description without a key (it holds no data)', () => {
    expect(requirementFor('GET', '/docs')).toEqual({ public: true });
    expect(requirementFor('GET', '/docs/swagger-ui.css')).toEqual({ public: true });
    expect(requirementFor('GET', '/openapi.json')).toEqual({ public: true });
    expect(requirementFor('POST', '/openapi.json')).toEqual({ public: false });
  });

  it("serves the console's static files without a key (its data comes through the keyed tool doors)", () => {
    expect(requirementFor('GET', '/console')).toEqual({ public: true });
    expect(requirementFor('HEAD', '/console/assets/index-abc.js')).toEqual({ public: true });
    expect(requirementFor('POST', '/console')).toEqual({ public: false });
    expect(requirementFor('GET', '/consoles')).toEqual({ public: false });
  });

  it('asks route of /v1, tools:read of the tool listing, any key of tools and /mcp', () => {
    expect(requirementFor('POST', '/v1/chat/completions')).toEqual({ public: false, scope: 'route' });
    expect(requirementFor('GET', '/v1')).toEqual({ public: false, scope: 'route' });
    expect(requirementFor('GET', '/tools')).toEqual({ public: false, scope: 'tools:read' });
    expect(requirementFor('POST', '/tools/add_routing_heuristic')).toEqual({ public: false });
    expect(requirementFor('POST', '/mcp')).toEqual({ public: false });
  });

  it('asks admin of /admin (the config reload)', () => {
    expect(requirementFor('POST', '/admin/reload')).toEqual({ public: false, scope: 'admin' });
    expect(requirementFor('GET', '/admin')).toEqual({ public: false, scope: 'admin' });
  });

  it('normalizes the path as Express matches it, so case, slashes and escapes do not dodge a scope', () => {
    expect(normalizePath('/V1//Chat/completions/')).toBe('/v1/chat/completions');
    expect(normalizePath('/%76%31/models')).toBe('/v1/models');
    expect(normalizePath('/TOOLS/')).toBe('/tools');
    expect(normalizePath('/%E0%A4%A')).toBe('/%e0%a4%a');
    expect(normalizePath('/')).toBe('/');
    // Paths already in that form come back as they are; one character off takes the full way.
    expect(normalizePath('/v1/chat/completions')).toBe('/v1/chat/completions');
    expect(normalizePath('/v1/chat/completions/')).toBe('/v1/chat/completions');
    expect(normalizePath('//')).toBe('/');
    expect(normalizePath('')).toBe('');
    expect(normalizePath('/v1/Models')).toBe('/v1/models');
    expect(normalizePath('/v1/mod%65ls')).toBe('/v1/models');
    expect(normalizePath('/tools/\u00c9t\u00e9')).toBe('/tools/\u00e9t\u00e9');
    expect(doorOf(normalizePath('/V1/models'))).toBe('openai');
    expect(doorOf('/mcp')).toBe('mcp');
    expect(doorOf('/tools/x')).toBe('rest');
  });

  it('reads only a well-formed bearer credential', () => {
    expect(bearerToken('Bearer gw_abc')).toBe('gw_abc');
    expect(bearerToken('bearer   gw_abc  ')).toBe('gw_abc');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
