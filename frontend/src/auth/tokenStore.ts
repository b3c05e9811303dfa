// The access token lives in memory and in sessionStorage (so a reload keeps the
// session, a closed tab ends it). Nothing else stores it.

const KEY = "a6hub.access_token";
let memoryToken: string | null = null;
const listeners = new Set<(token: string | null) => void>();

function storage(): Storage | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null;
  }
}

export function getToken(): string | null {
  if (memoryToken === null) memoryToken = storage()?.getItem(KEY) ?? null;
  return memoryToken;
}

export function setToken(token: string | null): void {
  memoryToken = token;
  const store = storage();
  if (token === null) store?.removeItem(KEY);
  else store?.setItem(KEY, token);
  listeners.forEach((listener) => listener(token));
}

export function onTokenChange(listener: (token: string | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
