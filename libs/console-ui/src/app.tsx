import { LocationProvider, Route, Router } from 'preact-iso';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { storedKey, storeKey, ToolCallError, UnauthorizedError } from './api/client';
import { gatewayAuthMode, hasScope, openSession, Session, SessionApi, SessionContext } from './api/session';
import { Shell } from './components/shell';
import { Loading } from './components/ui';
import { FailuresPage } from './pages/failures';
import { KeysPage } from './pages/keys';
import { LearningPage } from './pages/learning';
import { LivePage } from './pages/live';
import { NotFoundPage } from './pages/not-found';
import { OverviewPage } from './pages/overview';
import { QualityPage } from './pages/quality';
import { RulesPage } from './pages/rules';
import { SignInPage } from './pages/sign-in';
import { ThemeContext, useThemeState } from './theme';

type Phase = { phase: 'starting' } | { phase: 'sign-in'; message?: string } | { phase: 'ready'; session: Session };

/** Why a key (or no key) could not open the console, in words an operator can act on. */
function refusal(err: unknown, hadKey: boolean): string {
  if (err instanceof UnauthorizedError)
    return hadKey ? 'The gateway refused this key: it is unknown or revoked.' : 'This gateway needs an API key.';
  if (err instanceof ToolCallError && err.status === 403)
    return 'This key cannot read the tools: the console needs a key with the tools:read (or admin) scope.';
  return `The gateway could not be reached: ${(err as Error).message}`;
}

export function App() {
  const theme = useThemeState();
  const [state, setState] = useState<Phase>({ phase: 'starting' });

  const start = useCallback(async (key: string | null) => {
    setState({ phase: 'starting' });
    try {
      const session = await openSession(key);
      storeKey(key);
      setState({ phase: 'ready', session });
    } catch (err) {
      storeKey(null);
      setState({
        phase: 'sign-in',
        message: key || gatewayAuthMode() === 'open' ? refusal(err, Boolean(key)) : undefined,
      });
    }
  }, []);

  useEffect(() => {
    const key = storedKey();
    // A keyed gateway and no key yet: ask for one before calling anything.
    if (!key && gatewayAuthMode() === 'key') setState({ phase: 'sign-in' });
    else void start(key);
  }, [start]);

  const signOut = useCallback((message?: string) => {
    storeKey(null);
    setState({ phase: 'sign-in', message });
  }, []);

  const api = useMemo<SessionApi | null>(() => {
    if (state.phase !== 'ready') return null;
    const { session } = state;
    return {
      ...session,
      has: (tool) => session.tools.has(tool),
      can: (scope) => hasScope(session.caps.scopes, scope),
      signOut: () => signOut(),
      onRefused: (err) => {
        if (err instanceof UnauthorizedError) signOut('The gateway refused the key (revoked?): enter a key again.');
        else if (err instanceof ToolCallError && err.status === 403 && err.tool) {
          // The server refused: from now on the console hides what needs that scope.
          const needed = session.tools.get(err.tool)?.scope;
          const scopes = session.caps.scopes.filter((s) => s !== needed && s !== 'admin');
          setState({ phase: 'ready', session: { ...session, caps: { ...session.caps, scopes } } });
        }
      },
    };
  }, [state, signOut]);

  let body;
  if (state.phase === 'starting') body = <Loading />;
  else if (state.phase === 'sign-in') body = <SignInPage message={state.message} onKey={(k) => void start(k)} />;
  else
    body = (
      <SessionContext.Provider value={api}>
        <LocationProvider scope="/console">
          <Shell>
            <Router>
              <Route path="/console" component={OverviewPage} />
              <Route path="/console/learning" component={LearningPage} />
              <Route path="/console/rules" component={RulesPage} />
              <Route path="/console/quality" component={QualityPage} />
              <Route path="/console/failures" component={FailuresPage} />
              <Route path="/console/keys" component={KeysPage} />
              <Route path="/console/live" component={LivePage} />
              <Route default component={NotFoundPage} />
            </Router>
          </Shell>
        </LocationProvider>
      </SessionContext.Provider>
    );
  return <ThemeContext.Provider value={theme}>{body}</ThemeContext.Provider>;
}
