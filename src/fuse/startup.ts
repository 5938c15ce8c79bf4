import { ConfigError, loadConfig } from './config';

/** Server start: validate configuration (exit with a message naming the variable when it is wrong). */
export async function startServer(): Promise<void> {
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  try {
    loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`fuse: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
