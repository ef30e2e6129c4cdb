import { pino, type Logger } from 'pino';
import { currentRequestContext } from './request-context';

export type { Logger };

/** JSON logs; every line written while serving a request carries its request id. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'balcao' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const context = currentRequestContext();
        return context ? { requestId: context.requestId } : {};
      },
      redact: {
        paths: [
          'password',
          '*.password',
          'refreshToken',
          '*.refreshToken',
          'token',
          '*.token',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
