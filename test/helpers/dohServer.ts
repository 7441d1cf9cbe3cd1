import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DohServer {
  /** TXT records by lower-case name, each as its character strings; change it while the server runs. */
  readonly records: Map<string, string[][]>;
  /** `http://127.0.0.1:PORT/dns-query` */
  readonly url: string;
  /** Every name asked, in order. */
  readonly asked: string[];
  close(): Promise<void>;
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * A DNS-over-HTTPS resolver on 127.0.0.1 answering the JSON API (`GET /dns-query?name=…&type=TXT`,
 * as Cloudflare's) from `records`: a name not there is NXDOMAIN (Status 3), `down.example` SERVFAIL
 * (Status 2). It answers any origin (CORS `*`), as public resolvers do, so a page from disk can ask it.
 */
export async function startDohServer(): Promise<DohServer> {
  const records = new Map<string, string[][]>();
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = { 'access-control-allow-origin': '*', 'content-type': 'application/dns-json' };
    if (url.pathname !== '/dns-query' || url.searchParams.get('type') !== 'TXT') {
      res.writeHead(400, headers).end('{}');
      return;
    }
    const name = (url.searchParams.get('name') ?? '').toLowerCase().replace(/\.$/, '');
    asked.push(name);
    const sets = records.get(name);
    const status = name === 'down.example' ? 2 : sets ? 0 : 3;
    res.writeHead(200, headers).end(
      JSON.stringify({
        Status: status,
        Question: [{ name, type: 16 }],
        Answer: (sets ?? []).map((strings) => ({
          name,
          type: 16,
          TTL: 1,
          data: strings.map(quote).join(' '),
        })),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    records,
    asked,
    url: `http://127.0.0.1:${port}/dns-query`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
