import { defineConfig } from 'drizzle-kit';

// drizzle-kit generates the plain tables; partitioning and special indexes are hand-written
// (see migrations/README.md). Never use `drizzle-kit push`: it knows nothing of partitions.
export default defineConfig({
  dialect: 'postgresql',
  schema: './packages/schema/src/tables/index.ts',
  out: './migrations',
  tablesFilter: ['!spans_p*', '!traces_p*', '!span_nested_p*'],
});
