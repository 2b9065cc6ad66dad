import { guardPostgresJsCloseRace } from '@tracegres/schema/node';
import { main } from './main.ts';
import { bunRuntime } from './runtime/bun.ts';

// A known postgres.js race on connection loss must not take the server down (see the guard).
guardPostgresJsCloseRace((message) => console.warn(message));
await main(bunRuntime);
