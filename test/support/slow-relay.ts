// A TCP relay on 127.0.0.1 that delays every chunk by a fixed time in each direction (a slow
// inspector or network), keeps order, and delivers what is in flight even after one side closes,
// like a real network. Counts the bytes the client sent, so a test can act mid-transfer.
import * as net from 'node:net';

export interface SlowRelay {
  port: number;
  /** Bytes the client side has sent so far, over all connections. */
  clientBytes(): number;
  close(): Promise<void>;
}

export async function startSlowRelay(targetPort: number, delayMs: number): Promise<SlowRelay> {
  let clientBytes = 0;
  const sockets = new Set<net.Socket>();
  const pipeSlowly = (from: net.Socket, to: net.Socket, count: boolean) => {
    let nextAt = 0;
    let pending = 0;
    let ended = false;
    const maybeEnd = () => {
      if (ended && pending === 0) to.end();
    };
    from.on('data', (chunk: Buffer) => {
      if (count) clientBytes += chunk.length;
      nextAt = Math.max(Date.now() + delayMs, nextAt);
      pending++;
      setTimeout(() => {
        pending--;
        if (!to.destroyed) to.write(chunk);
        maybeEnd();
      }, nextAt - Date.now());
    });
    from.on('end', () => {
      ended = true;
      maybeEnd();
    });
    from.on('error', () => {
      ended = true;
      maybeEnd();
    });
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    pipeSlowly(client, upstream, true);
    pipeSlowly(upstream, client, false);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    clientBytes: () => clientBytes,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
