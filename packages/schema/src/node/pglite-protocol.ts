import type { Row } from '../db.ts';

/** Messages between the PGlite worker host and the worker. */
export type WorkerRequest =
  | { id: number; op: 'query'; text: string; params?: readonly unknown[] }
  | { id: number; op: 'exec'; text: string }
  | { id: number; op: 'begin' | 'commit' | 'rollback' | 'ping' | 'close' };

export interface WorkerResponse {
  id: number;
  ok: boolean;
  rows?: Row[];
  error?: { message: string; code?: string };
}
