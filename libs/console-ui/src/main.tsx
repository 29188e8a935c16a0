import { render } from 'preact';
import { App } from './app';
import './styles.css';

// Before the first paint, so a dark-mode operator never sees a white flash.
const stored = localStorage.getItem('ai-mcp-gateway.console.theme');
const dark = stored === 'dark' || (stored !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
document.documentElement.dataset.theme = dark ? 'dark' : 'light';

render(<App />, document.getElementById('app')!);
