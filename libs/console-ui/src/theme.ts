import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';

export type ThemeChoice = 'auto' | 'light' | 'dark';
const STORAGE = 'ai-mcp-gateway.console.theme';

export interface ThemeApi {
  choice: ThemeChoice;
  resolved: 'light' | 'dark';
  setChoice: (c: ThemeChoice) => void;
}

export const ThemeContext = createContext<ThemeApi>({ choice: 'auto', resolved: 'light', setChoice: () => undefined });
export const useTheme = () => useContext(ThemeContext);

const media = () => window.matchMedia('(prefers-color-scheme: dark)');

/** The operator's choice (kept in localStorage: not a secret) over the system preference. */
export function useThemeState(): ThemeApi {
  const [choice, setChoiceState] = useState<ThemeChoice>(
    () => (localStorage.getItem(STORAGE) as ThemeChoice) || 'auto',
  );
  const [systemDark, setSystemDark] = useState(() => media().matches);
  useEffect(() => {
    const m = media();
    const listener = (e: MediaQueryListEvent) => setSystemDark(e.matches);
    m.addEventListener('change', listener);
    return () => m.removeEventListener('change', listener);
  }, []);
  const resolved = choice === 'auto' ? (systemDark ? 'dark' : 'light') : choice;
  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
  }, [resolved]);
  const setChoice = (c: ThemeChoice) => {
    localStorage.setItem(STORAGE, c);
    setChoiceState(c);
  };
  return { choice, resolved, setChoice };
}
