import net from 'node:net';

/**
 * A postgres.js socket factory that turns Nagle's algorithm off. postgres.js writes COPY's
 * data and its CopyDone as separate small writes; with Nagle on, the second waits for the
 * server's delayed ACK (~40 ms each way), which made a one-span export take ~90 ms on Node
 * and Deno. Connects to the first host (or the unix socket path) postgres.js was given.
 *
 * The socket is handed over while still connecting, never as a rejected promise: postgres.js
 * 3.4.x fails the waiting query when the factory rejects but never returns that connection to
 * its pool (no socket, so no 'close' event), so each refused connect while Postgres was down
 * leaked a pool slot, and once all were gone every later query waited forever. A connecting
 * socket reports a refusal through 'error' and 'close', which postgres.js handles: the slot
 * goes back to the pool and the next query reconnects. Writes made before the connection is
 * up are buffered by the socket.
 */
export function noDelaySocket(o: { host: string[]; port: number[]; path?: string | false }): Promise<net.Socket> {
  const s = o.path ? net.connect(o.path) : net.connect(o.port[0], o.host[0]);
  s.setNoDelay(true);
  return Promise.resolve(s);
}
