import net from 'node:net';

/**
 * A postgres.js socket factory that turns Nagle's algorithm off. postgres.js writes COPY's
 * data and its CopyDone as separate small writes; with Nagle on, the second waits for the
 * server's delayed ACK (~40 ms each way), which made a one-span export take ~90 ms on Node
 * and Deno. Connects to the first host (or the unix socket path) postgres.js was given.
 */
export function noDelaySocket(o: { host: string[]; port: number[]; path?: string | false }): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = o.path ? net.connect(o.path) : net.connect(o.port[0], o.host[0]);
    s.setNoDelay(true);
    s.once('error', reject);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}
