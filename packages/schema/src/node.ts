// Entry for Node, Bun and Deno (file system and worker threads); never imported on Workers.
export { createPgliteWorkerDb } from './node/pglite-worker.ts';
export { createPgliteDb } from './client-pglite.ts';
export { loadMigrations, defaultMigrationsDir } from './node/migrations-fs.ts';
export { noDelaySocket } from './node/no-delay-socket.ts';
export { TsWorker } from './node/ts-worker.ts';
export { guardPostgresJsCloseRace, isPostgresJsClosedSocketWrite } from './node/postgres-js-guard.ts';
