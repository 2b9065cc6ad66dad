import { main } from './main.ts';
import { denoRuntime } from './runtime/deno.ts';

await main(denoRuntime);
