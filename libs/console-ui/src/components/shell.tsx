import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import type { HealthReport } from '../api/gateway-types';
import { useSession } from '../api/session';
import { ThemeChoice, useTheme } from '../theme';

interface NavItem {
  href: string;
  label: string;
  adminOnly?: boolean;
}

export const NAV: NavItem[] = [
  { href: '/console', label: 'Overview' },
  { href: '/console/learning', label: 'Learning' },
  { href: '/console/rules', label: 'Routing rules' },
  { href: '/console/quality', label: 'Quality' },
  { href: '/console/failures', label: 'Failures' },
  { href: '/console/keys', label: 'Keys & budgets', adminOnly: true },
  { href: '/console/live', label: 'Live' },
];

function isActive(path: string, href: string): boolean {
  const p = path.replace(/\/+$/, '') || '/console';
  return href === '/console' ? p === '/console' : p === href || p.startsWith(`${href}/`);
}

/** GET /health is public: the header shows whether the gateway and its database are well. */
function useHealth(): HealthReport | null {
  const { client } = useSession();
  const [health, setHealth] = useState<HealthReport | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      client.health().then(
        (h) => live && setHealth(h),
        () => live && setHealth(null),
      );
    void load();
    const timer = setInterval(load, 30_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client]);
  return health;
}

function KeyStatus() {
  const { caps, can, signOut } = useSession();
  const access = can('admin') ? 'admin' : can('tools:write') ? 'read & write' : 'read-only';
  return (
    <div class="key-status" data-testid="key-status" data-access={access}>
      <span class="key-who">
        {caps.open ? (
          'Open gateway (no API keys)'
        ) : (
          <>
            Key {caps.keyName && <strong>{caps.keyName} </strong>}
            {caps.keyPrefix && <span class="mono muted">{caps.keyPrefix}…</span>}
          </>
        )}
      </span>
      <span class={`badge badge-${access === 'read-only' ? 'warn' : 'info'}`}>{access}</span>
      {!caps.open && (
        <button type="button" class="btn btn-small btn-ghost" onClick={signOut}>
          Sign out
        </button>
      )}
    </div>
  );
}

function ThemeSwitch() {
  const { choice, setChoice } = useTheme();
  return (
    <label class="theme-switch">
      <span class="sr-only">Theme</span>
      <select value={choice} onChange={(e) => setChoice(e.currentTarget.value as ThemeChoice)} aria-label="Theme">
        <option value="auto">Theme: system</option>
        <option value="light">Theme: light</option>
        <option value="dark">Theme: dark</option>
      </select>
    </label>
  );
}

export function Shell(props: { children: ComponentChildren }) {
  const { path } = useLocation();
  const { can } = useSession();
  const health = useHealth();
  const tone = !health ? 'bad' : health.status === 'ok' ? 'ok' : 'warn';
  return (
    <div class="shell">
      <aside class="sidebar">
        <a class="brand" href="/console">
          <img src="/console/favicon.svg" alt="" width="24" height="24" />
          <span>
            ai-mcp-gateway
            <small>operator console</small>
          </span>
        </a>
        <nav aria-label="Pages">
          {NAV.filter((n) => !n.adminOnly || can('admin')).map((n) => (
            <a
              key={n.href}
              href={n.href}
              class={isActive(path, n.href) ? 'active' : ''}
              aria-current={isActive(path, n.href) ? 'page' : undefined}
            >
              {n.label}
            </a>
          ))}
        </nav>
      </aside>
      <div class="main">
        <header class="topbar">
          <div
            class="health"
            data-testid="health"
            title={health ? `uptime ${Math.round(health.uptime)} s` : 'no answer from /health'}
          >
            <span class={`dot dot-${tone}`} />
            {health ? (
              <span>
                {health.status === 'ok' ? 'Healthy' : 'Degraded'} · {health.database}
                {health.databaseReachable ? '' : ' (unreachable)'} · v{health.version}
              </span>
            ) : (
              <span>Gateway not answering /health</span>
            )}
          </div>
          <div class="topbar-right">
            <KeyStatus />
            <ThemeSwitch />
          </div>
        </header>
        <main class="content">{props.children}</main>
      </div>
    </div>
  );
}

export function PageHeader(props: { title: string; lead?: ComponentChildren; children?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${props.title} · ai-mcp-gateway console`;
  }, [props.title]);
  return (
    <div class="page-head">
      <div>
        <h1>{props.title}</h1>
        {props.lead && <p class="lead">{props.lead}</p>}
      </div>
      {props.children && <div class="page-tools">{props.children}</div>}
    </div>
  );
}
