import { useState } from 'preact/hooks';

/** The key is entered once per browser tab: kept in sessionStorage, sent as a bearer header, never a cookie. */
export function SignInPage(props: { message?: string; onKey: (key: string) => void }) {
  const [key, setKey] = useState('');
  return (
    <div class="sign-in">
      <form
        class="sign-in-card"
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) props.onKey(key.trim());
        }}
      >
        <div class="brand brand-large">
          <img src="/console/favicon.svg" alt="" width="32" height="32" />
          <span>
            ai-mcp-gateway
            <small>operator console</small>
          </span>
        </div>
        <p>
          Enter an API key with the <code>tools:read</code> scope to look, <code>tools:write</code> to change rules and
          A/B tests, or <code>admin</code> for everything.
        </p>
        {props.message && (
          <p class="error-inline" role="alert" data-testid="sign-in-message">
            {props.message}
          </p>
        )}
        <label class="field">
          <span class="field-label">API key</span>
          <input
            type="password"
            name="api-key"
            autocomplete="off"
            spellcheck={false}
            placeholder="gw_…"
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
            autofocus
          />
        </label>
        <button type="submit" class="btn btn-primary" disabled={!key.trim()}>
          Open the console
        </button>
        <p class="fine-print">
          The key stays in this tab only (sessionStorage) and goes to this gateway alone, as an{' '}
          <code>Authorization: Bearer</code> header. Create one with{' '}
          <code>npm run keys -- create --name ops --scopes admin</code>.
        </p>
      </form>
    </div>
  );
}
