import { main } from './main.ts';
import { bunRuntime } from './runtime/bun.ts';

await main(bunRuntime);
