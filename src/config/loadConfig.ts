import { Value } from '@sinclair/typebox/value';
import { DomainSchema, MedproofError, checksumAddress, isAddressHex } from '../core/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { Address, Hex } from 'viem';
import { blobLocationOf, type BlobLocation } from './blobLocation.js';
import { SETTINGS, type Setting, type SettingKey } from './settings.js';

export type NodeKindSetting = 'anvil' | 'ganache';

/** The validated configuration: built once at start, passed down; nothing else reads the environment. */
export interface Config {
  readonly dataDir: string;
  readonly node: NodeKindSetting;
  readonly nodePort: number;
  readonly rpcUrl: string | undefined;
  readonly registry: Address | undefined;
  readonly key: Hex | undefined;
  readonly anchorKey: Hex | undefined;
  readonly databaseUrl: string;
  /** MEDPROOF_BLOB_URL as given (secret: it may carry a key). */
  readonly blobUrl: string | undefined;
  /** Where stored files go, parsed from blobUrl (S3 credentials included). */
  readonly blobStore: BlobLocation;
  readonly dbConnectTimeoutMs: number;
  readonly dbQueryTimeoutMs: number;
  readonly confirmations: number;
  readonly finalityDepth: number;
  readonly batchMax: number;
  readonly batchWaitMs: number;
  readonly auditAnchorSeconds: number;
  readonly pollMs: number;
  readonly replaceAfterMs: number;
  readonly logLevel: string;
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  /** false, true (every hop), or the proxies' addresses/CIDRs as Fastify's `trustProxy` takes them. */
  readonly trustProxy: boolean | string;
  readonly redisUrl: string | undefined;
  readonly maxUploadMb: number;
  readonly uploadTimeoutSeconds: number;
  readonly stampMaxMb: number;
  readonly minFreeMb: number;
  readonly quotaDocuments: number;
  readonly quotaMb: number;
  readonly sessionIdleMinutes: number;
  readonly sessionHours: number;
  readonly verifyRatePerMinute: number;
  readonly chainCacheMs: number;
  /** Where browsers read the chain; undefined: the portal's own /rpc proxy. */
  readonly publicRpcUrl: string | undefined;
  /** The DNS-over-HTTPS resolver browsers ask; `off` turns the browser's DNS check off. */
  readonly dohUrl: string;
  readonly masterKey: Hex | undefined;
  /** Path of the shared secrets file, as given. */
  readonly secretsFile: string | undefined;
  readonly patientRefSecret: Hex | undefined;
  readonly leaderLeaseMs: number;
  readonly replicaId: string | undefined;
  /** Bearer token for GET /metrics; undefined: only direct loopback requests. */
  readonly metricsToken: string | undefined;
  /** Path of the verifier's trust list file, as given. */
  readonly trustList: string | undefined;
  /** `host:port` (IPv6 as `[::1]:53`) of the DNS server verifiers ask. */
  readonly dnsServer: string | undefined;
  readonly registryVersion: '1' | '2';
  readonly institutionName: string;
  readonly institutionDomain: string;
  readonly smtpHost: string | undefined;
  readonly smtpPort: number;
  readonly smtpSecure: boolean;
  readonly smtpFrom: string;
  readonly smtpUser: string | undefined;
  readonly smtpPassword: string | undefined;
  readonly smsProvider: 'log';
}

export type ConfigOverrides = Partial<Record<SettingKey, string | number | boolean | undefined>>;

function invalid(source: string, s: Setting, raw: unknown, why: string): MedproofError {
  const shown = s.secret ? '(hidden)' : JSON.stringify(raw);
  return new MedproofError('CONFIG_INVALID', `${source}: ${why} (got ${shown})`);
}

/** An IP address or CIDR (`10.0.0.0/8`, `fd00::/8`), as proxy-addr reads them. */
function isProxyAddress(entry: string): boolean {
  const [ip, bits, ...rest] = entry.split('/');
  const family = isIP(ip ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

function parseValue(key: SettingKey, raw: unknown, source: string): unknown {
  const s: Setting = SETTINGS[key];
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (s.type) {
    case 'string':
      if (typeof text !== 'string' || text === '')
        throw invalid(source, s, raw, 'must be a non-empty string');
      return text;
    case 'int': {
      const n =
        typeof text === 'number'
          ? text
          : typeof text === 'string' && /^-?\d+$/.test(text)
            ? Number(text)
            : NaN;
      if (!Number.isSafeInteger(n) || n < (s.min ?? -Infinity) || n > (s.max ?? Infinity)) {
        throw invalid(source, s, raw, `must be an integer from ${s.min} to ${s.max}`);
      }
      return n;
    }
    case 'bool':
      if (text === true || text === 'true' || text === '1') return true;
      if (text === false || text === 'false' || text === '0') return false;
      throw invalid(source, s, raw, 'must be true or false');
    case 'proxies': {
      if (text === true || text === 'true') return true;
      if (text === false || text === 'false' || text === '') return false;
      // A list, not a hop count: with nginx in front, naming it means a client's own X-Forwarded-For
      // entries are never taken as its address.
      const entries = typeof text === 'string' ? text.split(',').map((e) => e.trim()) : [];
      if (entries.length === 0 || !entries.every(isProxyAddress))
        throw invalid(source, s, raw, 'must be true, false, or addresses/CIDRs like 127.0.0.1,10.0.0.0/8');
      return entries.join(',');
    }
    case 'redisUrl':
      if (typeof text !== 'string' || !/^rediss?:\/\/[^\s]+$/.test(text))
        throw invalid(source, s, raw, 'must be a redis:// or rediss:// URL');
      return text;
    case 'enum':
      if (typeof text !== 'string' || !s.values?.includes(text))
        throw invalid(source, s, raw, `must be one of ${s.values?.join(', ')}`);
      return text;
    case 'url':
      if (typeof text !== 'string' || !/^(https?|wss?):\/\/[^\s]+$/.test(text))
        throw invalid(source, s, raw, 'must be an http(s) or ws(s) URL');
      return text;
    case 'address':
      if (typeof text !== 'string' || !isAddressHex(text))
        throw invalid(source, s, raw, 'must be a 0x-prefixed 20-byte address');
      return checksumAddress(text);
    case 'hostPort': {
      // A port is required: a test's DNS server never listens on 53, and a bare host reads as a typo.
      const m =
        typeof text === 'string' ? /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text) : null;
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535)
        throw invalid(source, s, raw, 'must be HOST:PORT, e.g. 127.0.0.1:5353 or [::1]:53');
      return text;
    }
    case 'key': {
      const k = typeof text === 'string' && /^[0-9a-fA-F]{64}$/.test(text) ? `0x${text}` : text;
      if (typeof k !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(k))
        throw invalid(source, s, raw, 'must be a 32-byte hex private key');
      return k.toLowerCase();
    }
  }
}

function readConfigFile(dataDir: string): Record<string, unknown> {
  const path = resolve(dataDir, 'config.json');
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new MedproofError('CONFIG_INVALID', `${path} is not valid JSON`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MedproofError('CONFIG_INVALID', `${path} must hold a JSON object`);
  }
  const unknown = Object.keys(parsed).filter((k) => !(k in SETTINGS));
  if (unknown.length > 0)
    throw new MedproofError('CONFIG_INVALID', `${path}: unknown setting ${unknown.join(', ')}`);
  return parsed as Record<string, unknown>;
}

/**
 * Builds the configuration from flags (already parsed), the environment and the data folder's
 * config.json. Every value is validated here; a bad one is CONFIG_INVALID naming where it came from.
 */
export function loadConfig(flags: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const pick = (key: SettingKey, file: Record<string, unknown>): unknown => {
    const s: Setting = SETTINGS[key];
    const flag = flags[key];
    if (flag !== undefined) return parseValue(key, flag, s.flag ?? key);
    const fromEnv = env[s.env];
    if (fromEnv !== undefined && fromEnv !== '') return parseValue(key, fromEnv, s.env);
    if (file[key] !== undefined) return parseValue(key, file[key], `config.json ${key}`);
    return s.default;
  };
  const dataDir = resolve(pick('dataDir', {}) as string);
  const file = readConfigFile(dataDir);
  const values = Object.fromEntries(
    (Object.keys(SETTINGS) as SettingKey[]).map((k) => [k, k === 'dataDir' ? dataDir : pick(k, file)]),
  );
  values.databaseUrl ??= `sqlite:${resolve(dataDir, 'medproof.db')}`;
  values.blobStore = blobLocationOf(values.blobUrl as string | undefined, dataDir, env);
  values.publicUrl ??= `http://${values.host === '0.0.0.0' ? '127.0.0.1' : String(values.host)}:${String(values.port)}`;
  values.publicUrl = String(values.publicUrl).replace(/\/+$/, '');
  const config = values as unknown as Config;
  if (config.publicRpcUrl && !/^https?:\/\//.test(config.publicRpcUrl)) {
    // Browsers verify over fetch: a ws(s) endpoint is no use to them.
    throw new MedproofError('CONFIG_INVALID', 'MEDPROOF_PUBLIC_RPC_URL must be an http(s) URL');
  }
  if (config.dohUrl !== 'off' && !/^https?:\/\/[^\s]+$/.test(config.dohUrl)) {
    // The CSP names its origin and the browser fetches it: it must be an http(s) URL.
    throw new MedproofError('CONFIG_INVALID', 'MEDPROOF_DOH_URL must be an http(s) URL or off');
  }
  if (config.institutionName.length > 200)
    throw new MedproofError('CONFIG_INVALID', 'MEDPROOF_INSTITUTION_NAME: at most 200 characters');
  const domain: string = config.institutionDomain;
  if (!domainOk(domain)) {
    // The registry commits to it and verifiers look up its TXT record: it must be a real DNS name.
    throw new MedproofError(
      'CONFIG_INVALID',
      `MEDPROOF_INSTITUTION_DOMAIN must be a lower-case DNS name such as city-hospital.example (got ${domain})`,
    );
  }
  if (config.registry && !config.rpcUrl) {
    // The embedded node remembers its own registry; an address for it here is almost surely a mistake.
    throw new MedproofError(
      'CONFIG_INVALID',
      'a registry address needs an RPC URL (MEDPROOF_RPC_URL / --rpc) to go with it',
    );
  }
  return Object.freeze(config);
}

/** A lower-case DNS name, as registry v2 commits to and verifiers look up (not a type guard: strings stay strings). */
const domainOk = (domain: string): boolean => Value.Check(DomainSchema, domain);
