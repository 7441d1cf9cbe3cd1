import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getAddress, isAddress, type Address, type Hex } from 'viem';
import { MedproofError } from '../core/errors/MedproofError.js';
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
  readonly confirmations: number;
  readonly batchMax: number;
  readonly batchWaitMs: number;
  readonly pollMs: number;
  readonly replaceAfterMs: number;
  readonly logLevel: string;
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly trustProxy: boolean;
  readonly maxUploadMb: number;
  readonly quotaDocuments: number;
  readonly quotaMb: number;
  readonly sessionIdleMinutes: number;
  readonly sessionHours: number;
  readonly verifyRatePerMinute: number;
  readonly chainCacheMs: number;
  readonly masterKey: Hex | undefined;
}

export type ConfigOverrides = Partial<Record<SettingKey, string | number | boolean | undefined>>;

function invalid(source: string, s: Setting, raw: unknown, why: string): MedproofError {
  const shown = s.secret ? '(hidden)' : JSON.stringify(raw);
  return new MedproofError('CONFIG_INVALID', `${source}: ${why} (got ${shown})`);
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
    case 'enum':
      if (typeof text !== 'string' || !s.values?.includes(text))
        throw invalid(source, s, raw, `must be one of ${s.values?.join(', ')}`);
      return text;
    case 'url':
      if (typeof text !== 'string' || !/^(https?|wss?):\/\/[^\s]+$/.test(text))
        throw invalid(source, s, raw, 'must be an http(s) or ws(s) URL');
      return text;
    case 'address':
      if (typeof text !== 'string' || !isAddress(text, { strict: false }))
        throw invalid(source, s, raw, 'must be a 0x-prefixed 20-byte address');
      return getAddress(text);
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
  values.publicUrl ??= `http://${values.host === '0.0.0.0' ? '127.0.0.1' : String(values.host)}:${String(values.port)}`;
  values.publicUrl = String(values.publicUrl).replace(/\/+$/, '');
  const config = values as unknown as Config;
  if (config.registry && !config.rpcUrl) {
    // The embedded node remembers its own registry; an address for it here is almost surely a mistake.
    throw new MedproofError(
      'CONFIG_INVALID',
      'a registry address needs an RPC URL (MEDPROOF_RPC_URL / --rpc) to go with it',
    );
  }
  return Object.freeze(config);
}
