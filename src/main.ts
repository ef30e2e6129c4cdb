import { loadConfig } from './config';
import { createDatabase } from './db/database';

/** Process entry: config → db → migrate → app → listen → subscriptions → jobs; graceful shutdown. */
async function main(): Promise<void> {
  const config = loadConfig();
  // The database opens while the rest of the app loads: the embedded one compiles its WebAssembly
  // off the main thread, the app's modules compile on it.
  const [app, opened] = await Promise.allSettled([import('./bootstrap'), createDatabase(config.database)]);
  if (opened.status === 'rejected') throw opened.reason;
  if (app.status === 'rejected') {
    await opened.value.close();
    throw app.reason;
  }
  const running = await app.value.bootstrap(config, { database: opened.value });
  const { services } = running;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    services.logger.info({ signal }, 'shutting down: draining requests');
    const exitTimer = setTimeout(() => process.exit(1), 20_000);
    exitTimer.unref();
    try {
      await running.stop();
      process.exit(0);
    } catch (error) {
      services.logger.error({ err: error as Error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
