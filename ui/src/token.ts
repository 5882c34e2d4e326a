/**
 * The API write token in the browser: taken from the page's `#token=...` (what `tug up` prints; the fragment is
 * never sent to a server and is removed from the address bar at once) or pasted by the user, and kept in
 * sessionStorage, so it is gone when the tab closes.
 */
const KEY = "tug.token";

/** Moves a `#token=` fragment into sessionStorage; returns the token now kept (or ""). */
export function adoptToken(): string {
  const m = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem(KEY, decodeURIComponent(m[1]!));
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(KEY) ?? "";
}

/** Keeps `token` for this tab ("" forgets it). */
export function saveToken(token: string): void {
  if (token) sessionStorage.setItem(KEY, token.trim());
  else sessionStorage.removeItem(KEY);
}
