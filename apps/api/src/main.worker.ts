// Entry for Cloudflare Workers (workerd), bundled by scripts/build-worker.ts and run by wrangler
// (wrangler.toml). Everything it imports must run without Node's own APIs: `npm run lint` and
// the bundle check in the build keep it that way.
import { handleFetch } from './worker/fetch.ts';
import { handleScheduled } from './worker/scheduled.ts';

export default { fetch: handleFetch, scheduled: handleScheduled };
