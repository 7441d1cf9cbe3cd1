import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { loadConfig, type ConfigOverrides } from '../config/index.js';
import type { IssuerOptions } from './commands/issuer.js';
import type { UserAddOptions } from './commands/user.js';
import { EXIT } from './exitCodes.js';
import { Output } from './output.js';

interface CommonFlags {
  json?: boolean;
  dataDir?: string;
  node?: string;
  nodePort?: string;
  port?: string;
  rpc?: string;
  registry?: string;
  key?: string;
}

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Options every command takes; flags override MEDPROOF_* variables, which override config.json. */
function common(cmd: Command, chain = true): Command {
  cmd
    .option('--json', 'print machine-readable JSON on stdout')
    .option('--data-dir <dir>', 'data folder (default ./medproof-data; env MEDPROOF_DATA_DIR)')
    .addOption(
      new Option('--node <kind>', 'embedded chain node (env MEDPROOF_NODE)').choices(['anvil', 'ganache']),
    );
  if (chain) {
    cmd
      .option(
        '--rpc <url>',
        'JSON-RPC endpoint of any EVM chain (env MEDPROOF_RPC_URL); default: the embedded node',
      )
      .option('--registry <address>', 'registry contract address (env MEDPROOF_REGISTRY)')
      .option(
        '--key <hex>',
        'private key that signs writes (env MEDPROOF_KEY; prefer the variable: flags show in ps)',
      );
  }
  return cmd;
}

function configFrom(flags: CommonFlags) {
  const overrides: ConfigOverrides = {
    dataDir: flags.dataDir,
    node: flags.node,
    nodePort: flags.nodePort,
    port: flags.port,
    rpcUrl: flags.rpc,
    registry: flags.registry,
    key: flags.key,
  };
  return loadConfig(overrides);
}

/** Runs a command body with one error path: known errors print one line, the exit code is set. */
function run<A extends unknown[]>(
  body: (out: Output, flags: CommonFlags, ...args: A) => Promise<number> | number,
) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const flags = cmd.opts<CommonFlags>();
    const out = new Output(Boolean(flags.json));
    try {
      process.exitCode = await body(out, flags, ...(args.slice(0, -1) as A));
    } catch (error) {
      process.exitCode = out.error(error);
    }
  };
}

/**
 * Every command's module is imported inside its action, so a command loads only what it uses: `verify`
 * needs core and a chain reader, never the portal, its database, argon2 or fastify (start-up was ~1,200
 * modules and over a second before).
 */
export function buildProgram(): Command {
  const program = new Command('medproof')
    .description('Medical documents whose authenticity anyone can check against an Ethereum chain')
    .version(version)
    .showHelpAfterError()
    .exitOverride();

  common(
    program
      .command('start')
      .description(
        'start the embedded chain (deploying the registry on first start) and the anchoring engine',
      ),
    true,
  )
    .option('--node-port <port>', 'port of the embedded node (env MEDPROOF_NODE_PORT, default 8545)')
    .option('--port <port>', 'port of the portal (env MEDPROOF_PORT, default 3000)')
    .action(
      run(async (out, flags) => {
        const { startCommand } = await import('./commands/start.js');
        return startCommand(configFrom(flags), out);
      }),
    );

  common(
    program
      .command('deploy')
      .description(
        'deploy a registry (v2 unless MEDPROOF_REGISTRY_VERSION=1) on a chain; the deployer gets every role',
      ),
  )
    .option('--admin <address>', 'give the roles to this address instead of the deployer')
    .action(
      run(async (out, flags) => {
        const { deployCommand } = await import('./commands/deploy.js');
        return deployCommand(configFrom(flags), out, flags as { admin?: string });
      }),
    );

  common(
    program
      .command('grant')
      .description('grant a role (issuer, anchorer, admin) to an address')
      .argument('<role>')
      .argument('<address>'),
  ).action(
    run(async (out, flags, role: string, address: string) => {
      const { roleCommand } = await import('./commands/roles.js');
      return roleCommand(configFrom(flags), out, 'grant', role, address);
    }),
  );

  common(
    program
      .command('revoke-role')
      .description('revoke a role from an address')
      .argument('<role>')
      .argument('<address>'),
  ).action(
    run(async (out, flags, role: string, address: string) => {
      const { roleCommand } = await import('./commands/roles.js');
      return roleCommand(configFrom(flags), out, 'revoke', role, address);
    }),
  );

  const roles = program.command('roles').description('grant or revoke registry roles (admin key)');
  for (const action of ['grant', 'revoke'] as const) {
    common(
      roles
        .command(action)
        .description(`${action} a role: admin, anchorer, issuer (v1) or registrar, revoker (v2)`)
        .argument('<role>')
        .argument('<address>'),
    ).action(
      run(async (out, flags, role: string, address: string) => {
        const { roleCommand } = await import('./commands/roles.js');
        return roleCommand(configFrom(flags), out, action, role, address);
      }),
    );
  }

  const issuer = program.command('issuer').description("registry v2: an issuer's terms (registrar key)");
  const termActions = [
    ['enroll', 'start a term for ADDRESS now, committed to its profile (written to --out)'],
    ['renew', 'end the open term now and start one with a new profile'],
    ['retire', 'end the open term now: documents anchored before stay valid'],
    ['compromised', 'mark the key compromised from --from (default now): later documents fail'],
  ] as const;
  for (const [action, description] of termActions) {
    const cmd = common(issuer.command(action).description(description).argument('<address>'));
    if (action === 'enroll' || action === 'renew')
      cmd
        .option('--name <name>', 'as registered, e.g. "Dr. A. Deshpande"')
        .option('--registration <number>', 'medical council registration number')
        .option('--council <council>', 'registering council (default NMC)')
        .option('--institution <file>', "the institution {name, domain, salt} (default: the data folder's)")
        .option('--profile <file>', 'use this profile file instead of building one from the flags')
        .option('--out <file>', 'where the new profile is written (default ADDRESS.profile.json)')
        .option('--force', 'replace an existing profile file');
    if (action === 'compromised')
      cmd.option('--from <time>', 'unix seconds or ISO 8601, not in the future (default now)');
    cmd.action(
      run(async (out, flags, address: string) => {
        const { issuerCommand } = await import('./commands/issuer.js');
        return issuerCommand(configFrom(flags), out, action, address, flags as IssuerOptions);
      }),
    );
  }

  common(
    program
      .command('anchor')
      .description('anchor files as one batch and write FILE.receipt.json beside each')
      .argument('<files...>'),
  )
    .option('--patient <id>', 'patient id (Aadhaar, ABHA or mobile); only its keyed hash is committed')
    .option('--type <type>', 'document type', 'report')
    .option('--force', 'replace existing receipt files')
    .option('--issuer <address>', 'registry v2: the issuer the documents name (default: the signer)')
    .option(
      '--profile <file>',
      "registry v2: the issuer's profile for its current term (as `issuer enroll` wrote it)",
    )
    .option(
      '--institution <file>',
      "registry v2: the institution {name, domain, salt} (default: the data folder's)",
    )
    .action(
      run(async (out, flags, files: string[]) => {
        const o = flags as CommonFlags & {
          patient?: string;
          type: string;
          force?: boolean;
          issuer?: string;
          profile?: string;
          institution?: string;
        };
        const { anchorCommand } = await import('./commands/anchor.js');
        return anchorCommand(configFrom(flags), out, files, {
          type: o.type,
          ...(o.patient !== undefined ? { patient: o.patient } : {}),
          ...(o.force ? { force: true } : {}),
          ...(o.issuer !== undefined ? { issuer: o.issuer } : {}),
          ...(o.profile !== undefined ? { profile: o.profile } : {}),
          ...(o.institution !== undefined ? { institution: o.institution } : {}),
        });
      }),
    );

  common(
    program
      .command('verify')
      .description(
        'check a file against its receipt and the chain: exit 0 VALID, 1 not valid, 2 could not check',
      )
      .argument('<file>'),
  )
    .option('--receipt <path>', 'receipt file (default FILE.receipt.json)')
    .option('--trust-list <file>', 'trust list of registries (env MEDPROOF_TRUST_LIST)')
    .option(
      '--dns-server <host:port>',
      "DNS server for the institution's TXT record (env MEDPROOF_DNS_SERVER)",
    )
    .action(
      run(async (out, flags, file: string) => {
        const o = flags as CommonFlags & { receipt?: string; trustList?: string; dnsServer?: string };
        const { verifyCommand } = await import('./commands/verify.js');
        return verifyCommand(configFrom(flags), out, file, {
          ...(o.receipt !== undefined ? { receipt: o.receipt } : {}),
          ...(o.trustList !== undefined ? { trustList: o.trustList } : {}),
          ...(o.dnsServer !== undefined ? { dnsServer: o.dnsServer } : {}),
        });
      }),
    );

  common(
    program
      .command('revoke')
      .description(
        "revoke a document by its receipt (issuer's, revoker's or admin's key; v2 sends the receipt's Merkle proof)",
      )
      .argument('<receipt>'),
  )
    .requiredOption(
      '--reason <code>',
      'reason: a number or superseded, issued-in-error, fraud-suspected, patient-request, unspecified',
    )
    .option(
      '--superseded-by <receipt>',
      "registry v2, with --reason superseded: the replacing document's receipt (or its leaf)",
    )
    .action(
      run(async (out, flags, receipt: string) => {
        const o = flags as { reason: string; supersededBy?: string };
        const { revokeCommand } = await import('./commands/revoke.js');
        return revokeCommand(configFrom(flags), out, receipt, {
          reason: o.reason,
          ...(o.supersededBy !== undefined ? { supersededBy: o.supersededBy } : {}),
        });
      }),
    );

  common(
    program
      .command('receipt')
      .description('check and show a receipt, or print the receipt JSON Schema')
      .argument('[receipt]'),
    false,
  )
    .option('--schema', 'print the receipt JSON Schema')
    .option('--receipt-version <n>', 'with --schema: the receipt version (1 or 2)', '1')
    .action(
      run(async (out, flags, receipt: string | undefined) => {
        const o = flags as { schema?: boolean; receiptVersion: string };
        const { receiptCommand } = await import('./commands/receipt.js');
        return receiptCommand(out, receipt, {
          ...(o.schema ? { schema: true } : {}),
          version: o.receiptVersion,
        });
      }),
    );

  program
    .command('verifier-page')
    .description(
      'print one self-contained HTML file that verifies a document and its receipt against any chain endpoint, opened from disk',
    )
    .option('--out <file>', 'write it to FILE instead of stdout')
    .option('--json', 'with --out: print machine-readable JSON on stdout')
    .action(
      run(async (out, flags) => {
        const { verifierPageCommand } = await import('./commands/verifierPage.js');
        return verifierPageCommand(out, flags as { out?: string });
      }),
    );

  const user = program.command('user').description('manage portal accounts');
  common(
    user.command('add').description('create an admin or doctor account; the password is read from stdin'),
    false,
  )
    .requiredOption('--role <role>', 'admin or doctor')
    .requiredOption('--email <email>', 'sign-in email')
    .option('--name <name>', 'display name')
    .option('--registration <number>', "a doctor's medical council registration number")
    .action(
      run(async (out, flags) => {
        const { userAddCommand } = await import('./commands/user.js');
        return userAddCommand(configFrom(flags), out, flags as unknown as UserAddOptions);
      }),
    );

  const audit = program.command('audit').description('the audit log');
  common(
    audit
      .command('verify')
      .description(
        "check the audit log's hash chain and its newest head anchored on chain: exit 0 intact, 1 broken or rewritten, 2 could not ask the chain",
      ),
  ).action(
    run(async (out, flags) => {
      const { auditVerifyCommand } = await import('./commands/audit.js');
      return auditVerifyCommand(configFrom(flags), out);
    }),
  );

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; every usage error is "could not do it".
      process.exitCode =
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
          ? EXIT.OK
          : EXIT.ERROR;
      return;
    }
    process.exitCode = new Output(argv.includes('--json')).error(error);
  }
}

await main(process.argv);
