import { loadConfig } from './config';
import { bootstrap } from './bootstrap';

/** Process entry: config → db → migrate → app → listen → subscriptions → jobs; graceful shutdown. */
async function main(): Promise<void> {
  const config = loadConfig();
  const running = await bootstrap(config);
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
