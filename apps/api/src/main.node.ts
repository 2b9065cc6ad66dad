import { main } from './main.ts';
import { nodeRuntime } from './runtime/node.ts';

await main(nodeRuntime);
