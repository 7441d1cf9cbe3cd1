import { createServer, connect, type Server, type Socket } from 'node:net';

type Mode = 'forward' | 'hang' | 'refuse';

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
}

export interface FaultProxy {
  /** 127.0.0.1 and the port the proxy listens on (the same port across refuse() and forward()). */
  readonly host: string;
  readonly port: number;
  /** Connections open through the proxy now. */
  readonly open: number;
  /** Bytes held back while hung, delivered on forward(). */
  readonly heldBytes: number;
  /** Passes bytes both ways (again): held bytes are delivered, a refused port listens again. */
  forward(): Promise<void>;
  /** A server that stops answering: connections stay open (new ones are accepted) but no byte passes. */
  hang(): void;
  /** Nothing listens: new connections get ECONNREFUSED and open ones are cut. */
  refuse(): Promise<void>;
  /** Cuts every open connection at once (both sides), as a restart or a dropped network does. */
  cutAll(): void;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 in front of `target`, whose faults a test switches on and off. */
export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let mode: Mode = 'forward';
  const pairs = new Set<Pair>();
  let held: { to: Socket; chunk: Buffer }[] = [];

  const relay = (from: Socket, to: Socket) =>
    from.on('data', (chunk: Buffer) => {
      if (mode === 'hang') held.push({ to, chunk });
      else if (!to.destroyed) to.write(chunk);
    });

  const onConnection = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    relay(client, upstream);
    relay(upstream, client);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', drop);
      s.on('close', drop);
    }
  };

  let server: Server = createServer(onConnection);
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  await listen(0);
  const port = (server.address() as { port: number }).port;

  const cutAll = () => {
    held = [];
    for (const p of [...pairs]) {
      p.client.destroy();
      p.upstream.destroy();
      pairs.delete(p);
    }
  };

  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));

  return {
    host: '127.0.0.1',
    port,
    get open() {
      return pairs.size;
    },
    get heldBytes() {
      return held.reduce((n, h) => n + h.chunk.length, 0);
    },
    async forward() {
      if (mode === 'refuse') {
        server = createServer(onConnection);
        await listen(port);
      }
      mode = 'forward';
      const queued = held;
      held = [];
      for (const { to, chunk } of queued) if (!to.destroyed) to.write(chunk);
    },
    hang() {
      mode = 'hang';
    },
    async refuse() {
      mode = 'refuse';
      const closed = closeServer();
      cutAll();
      await closed;
    },
    cutAll,
    async close() {
      const closed = mode === 'refuse' ? Promise.resolve() : closeServer();
      cutAll();
      await closed;
    },
  };
}
