import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { loadConfig, type ConfigOverrides } from '../config/loadConfig.js';
import { anchorCommand } from './commands/anchor.js';
import { auditVerifyCommand } from './commands/audit.js';
import { userAddCommand, type UserAddOptions } from './commands/user.js';
import { deployCommand } from './commands/deploy.js';
import { receiptCommand } from './commands/receipt.js';
import { revokeCommand } from './commands/revoke.js';
import { roleCommand } from './commands/roles.js';
import { startCommand } from './commands/start.js';
import { verifyCommand } from './commands/verify.js';
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
    .action(run(async (out, flags) => startCommand(configFrom(flags), out)));

  common(
    program
      .command('deploy')
      .description('deploy a registry on a chain; the deployer gets admin, issuer and anchorer'),
  )
    .option('--admin <address>', 'give the roles to this address instead of the deployer')
    .action(run(async (out, flags) => deployCommand(configFrom(flags), out, flags as { admin?: string })));

  common(
    program
      .command('grant')
      .description('grant a role (issuer, anchorer, admin) to an address')
      .argument('<role>')
      .argument('<address>'),
  ).action(
    run(async (out, flags, role: string, address: string) =>
      roleCommand(configFrom(flags), out, 'grant', role, address),
    ),
  );

  common(
    program
      .command('revoke-role')
      .description('revoke a role from an address')
      .argument('<role>')
      .argument('<address>'),
  ).action(
    run(async (out, flags, role: string, address: string) =>
      roleCommand(configFrom(flags), out, 'revoke', role, address),
    ),
  );

  common(
    program
      .command('anchor')
      .description('anchor files as one batch and write FILE.receipt.json beside each')
      .argument('<files...>'),
  )
    .option('--patient <id>', 'patient id (Aadhaar, ABHA or mobile); only its keyed hash is committed')
    .option('--type <type>', 'document type', 'report')
    .option('--force', 'replace existing receipt files')
    .action(
      run(async (out, flags, files: string[]) => {
        const o = flags as CommonFlags & { patient?: string; type: string; force?: boolean };
        return anchorCommand(configFrom(flags), out, files, {
          type: o.type,
          ...(o.patient !== undefined ? { patient: o.patient } : {}),
          ...(o.force ? { force: true } : {}),
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
    .action(
      run(async (out, flags, file: string) => {
        const o = flags as CommonFlags & { receipt?: string };
        return verifyCommand(
          configFrom(flags),
          out,
          file,
          o.receipt !== undefined ? { receipt: o.receipt } : {},
        );
      }),
    );

  common(
    program
      .command('revoke')
      .description("revoke a document by its receipt (issuer's or admin's key)")
      .argument('<receipt>'),
  )
    .requiredOption(
      '--reason <code>',
      'reason: a number or superseded, issued-in-error, fraud-suspected, patient-request, unspecified',
    )
    .action(
      run(async (out, flags, receipt: string) =>
        revokeCommand(configFrom(flags), out, receipt, flags as { reason: string }),
      ),
    );

  common(
    program
      .command('receipt')
      .description('check and show a receipt, or print the receipt JSON Schema')
      .argument('[receipt]'),
    false,
  )
    .option('--schema', 'print the receipt JSON Schema')
    .action(
      run((out, flags, receipt: string | undefined) =>
        receiptCommand(out, receipt, flags as { schema?: boolean }),
      ),
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
      run(async (out, flags) => userAddCommand(configFrom(flags), out, flags as unknown as UserAddOptions)),
    );

  const audit = program.command('audit').description('the audit log');
  common(
    audit
      .command('verify')
      .description(
        "check the audit log's hash chain: exit 0 intact, 1 broken (the first broken row is named)",
      ),
    false,
  ).action(run(async (out, flags) => auditVerifyCommand(configFrom(flags), out)));

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
