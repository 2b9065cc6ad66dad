import { ConfigError, parseConfig } from './config.ts';
import { startServer } from './boot.ts';
import type { RuntimeAdapter } from './runtime/types.ts';

/** Shared start-up for the per-runtime entry files: config errors end the process with exit 1. */
export async function main(rt: RuntimeAdapter): Promise<void> {
  let config;
  try {
    config = parseConfig(rt.env());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      rt.exit(1);
    }
    throw err;
  }
  try {
    const server = await startServer(config, rt);
    rt.onShutdown(async () => {
      await server.close();
      rt.exit(0);
    });
  } catch (err) {
    console.error(`tracegres failed to start: ${(err as Error)?.message ?? err}`);
    rt.exit(1);
  }
}
