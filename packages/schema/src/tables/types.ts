import { customType } from 'drizzle-orm/pg-core';

/** Drizzle has no built-in bytea; span ids are 8 raw bytes. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});
