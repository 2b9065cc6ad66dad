/**
 * postgres.js 3.4.x defers small writes to a setImmediate; when the server goes away in between,
 * the deferred write runs on the connection's nulled socket and throws a TypeError from the
 * timer, outside any promise we could catch, which kills the process (porsager/postgres#1066,
 * #1154, #1208; unfixed in 3.4.9). By then the connection's close handling has already rejected
 * its queries with CONNECTION_CLOSED, so the buffered write is moot: this handler drops exactly
 * that error and lets every other uncaught exception end the process as before.
 */
export function isPostgresJsClosedSocketWrite(err: unknown): boolean {
  const stack = (err as Error | undefined)?.stack ?? '';
  return err instanceof TypeError && /\bnextWrite\b/.test(stack) && /postgres[\\/]src[\\/]connection\.js/.test(stack);
}

export function guardPostgresJsCloseRace(warn: (message: string) => void): void {
  process.on('uncaughtException', (err) => {
    if (isPostgresJsClosedSocketWrite(err)) {
      warn('ignored a postgres.js write on a connection that had just closed (its queries had already failed)');
      return;
    }
    console.error(err);
    process.exit(1);
  });
}
