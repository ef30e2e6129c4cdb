import { afterEach } from 'vitest';
import { takeCspViolations } from './browser';

// Every browser test also proves the dashboard runs under its Content Security Policy.
afterEach(() => {
  const violations = takeCspViolations();
  if (violations.length > 0) throw new Error(`Content Security Policy violations:\n${violations.join('\n')}`);
});
