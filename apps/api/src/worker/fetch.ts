import { isUnavailableError } from '@tracegres/schema';
import { createApp } from '../app.ts';
import { ConfigError } from '../config.ts';
import { type WorkerContext, type WorkerEnv, requestDatabaseUrl } from '../runtime/worker.ts';
import { type IsolateState, isolateState } from './isolate.ts';
import { type RequestScope, openRequestScope } from './request-scope.ts';

/**
 * The Worker's `fetch`: one database client and one Hono app per request (the app closes over
 * the request's deps; building it costs well under a millisecond), the same createApp as every
 * other runtime. Static files of the web UI never get here: the assets binding serves them.
 */
export async function handleFetch(req: Request, env: WorkerEnv, ctx: WorkerContext): Promise<Response> {
  let s: IsolateState;
  try {
    s = isolateState(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return new Response(`tracegres is misconfigured:\n${err.message}\n`, { status: 500 });
  }
  const url = requestDatabaseUrl(env);
  if (!url) {
    return new Response('tracegres has no database: bind HYPERDRIVE or set DATABASE_URL\n', { status: 500 });
  }
  let scope: RequestScope;
  try {
    scope = await openRequestScope(s, url);
  } catch (err) {
    if (!isUnavailableError(err)) throw err;
    s.log.warn('database unavailable', { error: String((err as Error)?.message ?? err) });
    return new Response('database unavailable; retry later\n', { status: 503, headers: { 'retry-after': '2' } });
  }
  try {
    return await createApp(scope.deps).fetch(req);
  } finally {
    ctx.waitUntil(scope.finish());
  }
}
