import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';

/** Opcodes newer than shanghai (cancun's TLOAD, TSTORE, MCOPY, BLOBHASH, BLOBBASEFEE) that ganache 7.9 cannot run. */
const POST_SHANGHAI = new Set([0x5c, 0x5d, 0x5e, 0x49, 0x4a]);

/** The opcodes of EVM bytecode, skipping PUSH data and solc's trailing CBOR metadata. */
function opcodes(hex: string): number[] {
  const all = Buffer.from(hex.slice(2), 'hex');
  // The last two bytes give the metadata's length; it is data, not code.
  const code = all.subarray(0, all.length - 2 - all.readUInt16BE(all.length - 2));
  const ops: number[] = [];
  for (let i = 0; i < code.length; i++) {
    const op = code[i]!;
    ops.push(op);
    if (op >= 0x60 && op <= 0x7f) i += op - 0x5f;
  }
  return ops;
}

describe('contract build', () => {
  const compiled = compile();

  it('compiles v1 and v2', () => {
    expect(compiled.map((c) => c.spec.contract)).toEqual(['MedproofRegistry', 'MedproofRegistryV2']);
  });

  it.each(compiled.map((c) => [c.spec.contract, c] as const))(
    'reproduces the committed %s artifact and typed ABI byte for byte from source',
    (_name, c) => {
      expect(readFileSync(c.artifactPath, 'utf8')).toBe(c.artifact);
      expect(readFileSync(c.tsPath, 'utf8')).toBe(c.typescript);
    },
  );

  it('writes each contract under its own names, compiled for shanghai without newer opcodes', () => {
    for (const c of compiled) {
      const body = JSON.parse(c.artifact) as {
        contractName: string;
        compiler: { evmVersion: string };
        deployedBytecode: string;
      };
      expect(body.contractName).toBe(c.spec.contract);
      expect(body.compiler.evmVersion).toBe('shanghai');
      expect(opcodes(body.deployedBytecode).filter((op) => POST_SHANGHAI.has(op))).toEqual([]);
      for (const name of ['Abi', 'Bytecode', 'DeployedBytecodeHash'])
        expect(c.typescript).toContain(`export const ${c.spec.tsPrefix}${name} =`);
    }
  });

  it('gives v2 the function, event and error names the design fixes', () => {
    const v2 = compiled.find((c) => c.spec.contract === 'MedproofRegistryV2')!;
    const abi = (JSON.parse(v2.artifact) as { abi: { type: string; name?: string }[] }).abi;
    const names = (type: string) => abi.filter((e) => e.type === type).map((e) => e.name);
    expect(names('function')).toEqual(
      expect.arrayContaining([
        'version',
        'institution',
        'setInstitution',
        'anchor',
        'rootInfo',
        'enrollIssuer',
        'renewIssuer',
        'retireIssuer',
        'markCompromised',
        'termCount',
        'termAt',
        'compromisedFrom',
        'issuerAt',
        'revoke',
        'revocation',
        'check',
        'REGISTRAR_ROLE',
        'ANCHORER_ROLE',
        'REVOKER_ROLE',
      ]),
    );
    expect(names('event')).toEqual(
      expect.arrayContaining([
        'InstitutionChanged',
        'Anchored',
        'IssuerEnrolled',
        'IssuerRetired',
        'IssuerCompromised',
        'Revoked',
      ]),
    );
    expect(names('error')).toEqual(
      expect.arrayContaining([
        'InvalidRoot',
        'InvalidLeafCount',
        'RootAlreadyAnchored',
        'RootNotAnchored',
        'InvalidIssuer',
        'InvalidProfile',
        'IssuerAlreadyActive',
        'IssuerNotActive',
        'IssuerIsCompromised',
        'InvalidCompromiseTime',
        'InvalidProof',
        'NotAllowedToRevoke',
        'InvalidSuccessor',
        'LeafAlreadyRevoked',
      ]),
    );
  });
});
