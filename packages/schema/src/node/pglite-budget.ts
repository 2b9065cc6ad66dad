/**
 * `statement_timeout` as the PGlite worker host reads it. WASM Postgres accepts the setting but
 * never fires it (it has no timer interrupt), so the host keeps the value itself and enforces it
 * with a watchdog (pglite-worker.ts). Only the forms Tracegres and common tools send are read:
 *
 *   SET [LOCAL | SESSION] statement_timeout = 500 | TO '2s' | TO DEFAULT;  RESET statement_timeout
 *
 * Units as in Postgres (default ms; us, ms, s, min, h, d). `set_config(...)` is not read.
 */
export interface BudgetChange {
  /** Milliseconds; 0 = no limit (Postgres' default). */
  ms: number;
  /** `SET LOCAL`: lasts until the transaction ends; otherwise for the session. */
  local: boolean;
}

const SET_RE = /^\s*set\s+(local\s+|session\s+)?statement_timeout\s*(?:=|\s+to\s+)\s*(default|'\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*'|(\d+(?:\.\d+)?))\s*;?\s*$/i;
const RESET_RE = /^\s*reset\s+statement_timeout\s*;?\s*$/i;
const UNIT_MS: Record<string, number> = { '': 1, us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** The budget a statement sets, or null when it is not a statement_timeout setting. */
export function budgetChange(text: string): BudgetChange | null {
  // Cheap test first: every statement passes through here.
  if (text.length > 200 || !/statement_timeout/i.test(text)) return null;
  if (RESET_RE.test(text)) return { ms: 0, local: false };
  const m = SET_RE.exec(text);
  if (!m) return null;
  const local = (m[1] ?? '').trim().toLowerCase() === 'local';
  if (m[2].toLowerCase() === 'default') return { ms: 0, local };
  const unit = UNIT_MS[(m[4] ?? '').toLowerCase()];
  if (unit === undefined) return null;
  // Postgres rounds sub-millisecond values up to 1 ms rather than disabling the timeout.
  const raw = Number(m[3] ?? m[5]) * unit;
  return { ms: raw > 0 ? Math.max(1, Math.round(raw)) : 0, local };
}
