import type { TxtResolver } from '../../../src/core/index.js';

/** The default DNS-over-HTTPS resolver (RFC 8484 JSON API, as Cloudflare and Google serve it). */
export const DEFAULT_DOH_URL = 'https://cloudflare-dns.com/dns-query';

const TXT = 16;
// DNS RCODEs: NOERROR and NXDOMAIN are answers ("no such name" is an empty record set); others are not.
const NOERROR = 0;
const NXDOMAIN = 3;

interface DohJson {
  readonly Status?: unknown;
  readonly Answer?: readonly { readonly type?: unknown; readonly data?: unknown }[];
}

/**
 * A TXT record's RDATA as the JSON API presents it: one or more quoted character strings
 * (`"medproof chain=1" " registry=0x…"`), with `\"` and `\\` and `\DDD` escapes; an unquoted value
 * (some resolvers give the single string bare) is taken as one string.
 */
export function parseTxtData(data: string): string[] {
  const text = data.trim();
  if (!text.startsWith('"')) return [text];
  const strings: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') {
      i++;
      continue;
    }
    let s = '';
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) {
        const digits = /^\d{3}/.exec(text.slice(i + 1));
        if (digits) {
          s += String.fromCharCode(Number(digits[0]));
          i += 4;
        } else {
          s += text[i + 1];
          i += 2;
        }
      } else {
        s += text[i];
        i++;
      }
    }
    strings.push(s);
    i++;
  }
  return strings;
}

/** The TXT record sets of a DoH JSON answer; throws for an answer that is not one (SERVFAIL, REFUSED…). */
export function txtRecordsOf(body: unknown, domain: string): string[][] {
  const b = (body ?? {}) as DohJson;
  if (b.Status === NXDOMAIN) return [];
  if (b.Status !== NOERROR) throw new Error(`the resolver answered status ${String(b.Status)} for ${domain}`);
  return (b.Answer ?? [])
    .filter((a) => a.type === TXT && typeof a.data === 'string')
    .map((a) => parseTxtData(a.data as string));
}

/**
 * The core's TxtResolver for a browser, which cannot ask DNS itself: DNS-over-HTTPS in the JSON form
 * (`GET url?name=DOMAIN&type=TXT`, `accept: application/dns-json`). No cookies; a failure or timeout
 * rejects, which the check reports as DNS_UNREACHABLE (never "no record").
 */
export function dohTxtResolver(url: string, o: { timeoutMs?: number } = {}): TxtResolver {
  return {
    async resolveTxt(domain: string): Promise<string[][]> {
      const q = new URL(url);
      q.searchParams.set('name', domain);
      q.searchParams.set('type', 'TXT');
      let res: Response;
      try {
        res = await fetch(q.href, {
          headers: { accept: 'application/dns-json' },
          credentials: 'omit',
          signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
        });
      } catch (error) {
        throw new Error(`the DNS-over-HTTPS resolver ${q.origin} could not be reached`, { cause: error });
      }
      if (!res.ok) throw new Error(`HTTP ${res.status} from the DNS-over-HTTPS resolver ${q.origin}`);
      return txtRecordsOf(await res.json(), domain);
    },
  };
}
