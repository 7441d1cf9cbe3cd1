import { describe, expect, it } from 'vitest';
import { parseMedproofTxt } from './parseMedproofTxt.js';

const REG = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

describe('parseMedproofTxt', () => {
  it('reads chain and registry, joining a record split into character strings', () => {
    expect(parseMedproofTxt([`medproof chain=31337 registry=${REG}`])).toEqual({
      chainId: 31337,
      registry: REG,
    });
    expect(parseMedproofTxt(['medproof chain=1 ', `registry=${REG} v=1`])).toEqual({
      chainId: 1,
      registry: REG,
    });
  });

  it('ignores other records and medproof records missing or garbling a field', () => {
    for (const r of [
      'v=spf1 -all',
      'medproofx chain=1 registry=' + REG,
      'medproof chain=1',
      `medproof registry=${REG}`,
      `medproof chain=0 registry=${REG}`,
      `medproof chain=1 registry=0x1234`,
      `medproof chain=abc registry=${REG}`,
    ])
      expect(parseMedproofTxt([r]), r).toBeUndefined();
  });
});
