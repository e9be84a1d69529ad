const TOKEN_KEY = 'hls-relay.token';

/** The saved control API token, or null. Storage can throw (disabled, private mode): treat as empty. */
export function readSavedToken(storage: Storage): string | null {
  try {
    return storage.getItem(TOKEN_KEY) || null;
  } catch {
    return null;
  }
}

export function saveToken(storage: Storage, token: string): void {
  try {
    storage.setItem(TOKEN_KEY, token);
  } catch {
    // Without storage the token lasts until the page reloads.
  }
}

export function forgetToken(storage: Storage): void {
  try {
    storage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing saved, nothing to forget.
  }
}

/**
 * Takes `#token=…` from the address (the CLI prints such a link) and removes it from the address bar, so
 * the token does not linger in history or get shared with a screenshot. Returns null when absent.
 */
export function takeTokenFromAddress(location: Location, history: History): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token')?.trim();
  if (!token) return null;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return token;
}
