/** The public page where an invited person sets their password. */
export const INVITE_PATH = '/convite';

const TOKEN_SHAPE = /^inv_[A-Za-z0-9_-]{32}$/;

/**
 * The link to send. The token goes in the fragment, which the browser never sends to the server
 * (so it stays out of access logs) nor to other sites in the Referer.
 */
export function invitationLink(token: string, origin = window.location.origin): string {
  return `${origin}${INVITE_PATH}#${token}`;
}

/** The token from the address bar, or null when the fragment is missing or is not one. */
export function readInvitationToken(hash = window.location.hash): string | null {
  const token = hash.replace(/^#/, '').trim();
  return TOKEN_SHAPE.test(token) ? token : null;
}

/** Takes the token out of the address bar (and so out of history), leaving the page where it is. */
export function clearInvitationFromAddress(): void {
  if (!window.location.hash) return;
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}`);
}
