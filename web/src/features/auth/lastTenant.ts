const LAST_TENANT_KEY = 'balcao.lastTenant';

/** The company address last used in this browser, to fill the login form. */
export function readLastTenant(): string {
  try {
    return localStorage.getItem(LAST_TENANT_KEY) ?? '';
  } catch {
    return '';
  }
}

export function rememberTenant(slug: string): void {
  try {
    localStorage.setItem(LAST_TENANT_KEY, slug.trim().toLowerCase());
  } catch {
    // storage disabled: the login form just starts empty
  }
}
