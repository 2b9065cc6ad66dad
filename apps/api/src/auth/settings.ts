import { z } from 'zod';
import type { TenancyConfig } from './resolve-tenant.ts';
import { type BearerToken, parseBearerTokens } from './tokens.ts';

const tokenList = z
  .string()
  .default('')
  .transform((s, ctx) => {
    const { tokens, problems } = parseBearerTokens(s);
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    return tokens;
  });

const flag = z
  .string()
  .default('false')
  .transform((s, ctx) => {
    const v = s.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    ctx.addIssue({ code: 'custom', message: `expected true or false, got ${JSON.stringify(s)}` });
    return z.NEVER;
  });

/** The environment variables of tenancy and bearer-token auth (listed in the README). */
export const tenancyEnvSchema = {
  MULTITENANCY_ENABLED: flag,
  QUERY_TOKENS: tokenList,
  INGEST_TOKENS: tokenList,
};

export function tenancyFromEnv(e: { MULTITENANCY_ENABLED: boolean; QUERY_TOKENS: BearerToken[]; INGEST_TOKENS: BearerToken[] }): TenancyConfig {
  return { multitenancyEnabled: e.MULTITENANCY_ENABLED, queryTokens: e.QUERY_TOKENS, ingestTokens: e.INGEST_TOKENS };
}
