import { TokenService } from '@trace/auth';
import { loadAppConfig, loadPatientKeys } from '@trace/config';
import { ensureRolesAndDatabase, runMigrations } from '@trace/database';
import { loadLedgerSigner } from '@trace/ledger-store';
import { isRole, Role, ROLES } from '@trace/domain';
import { Command, InvalidArgumentError } from 'commander';
import { rebuildProjectionsCommand, verifyCommand, verifyReceiptCommand } from './ledger-commands';
import { seedDemo } from './seed-demo';

const program = new Command()
  .name('npm run cli --')
  .description('trace-ledger operations: tokens, migrations, demo data')
  .showHelpAfterError();

const collectRole = (value: string, previous: Role[] = []): Role[] => {
  if (!isRole(value)) {
    throw new InvalidArgumentError(`unknown role; one of ${ROLES.join(', ')}`);
  }
  return [...previous, value];
};

program
  .command('token')
  .description('print a bearer token for development and tests')
  .requiredOption('--sub <name>', 'the user (JWT subject)')
  .requiredOption('--org <code>', 'the organisation the user acts for')
  .requiredOption('--role <role>', 'a role; repeat for several', collectRole)
  .option('--ttl <duration>', 'lifetime such as 15m, 8h, 30d')
  .action((opts: { sub: string; org: string; role: Role[]; ttl?: string }) => {
    const cfg = loadAppConfig();
    process.stdout.write(
      TokenService.issueWith(
        cfg.auth,
        { sub: opts.sub, org: opts.org, roles: opts.role },
        opts.ttl,
      ) + '\n',
    );
  });

program
  .command('migrate')
  .description('create the roles and the database if missing, then apply pending migrations')
  .action(async () => {
    const cfg = loadAppConfig();
    await ensureRolesAndDatabase(cfg.database);
    const applied = await runMigrations(cfg.database);
    // Create the development keys now, before several services race to create them.
    const { verifierKey } = loadLedgerSigner(cfg.ledger);
    loadPatientKeys(cfg.patients);
    console.log(
      applied.length
        ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
        : `Database ${cfg.database.database} is up to date`,
    );
    console.log(`Ledger verification key: ${verifierKey}`);
  });

program
  .command('seed-demo')
  .description('load the demo organisations, locations, products and approvals (idempotent)')
  .action(async () => {
    const counts = await seedDemo(loadAppConfig().database);
    console.log(
      `Demo data loaded: ${Object.entries(counts)
        .map(([k, n]) => `${n} new ${k}`)
        .join(', ')}`,
    );
  });

program
  .command('verify')
  .description('audit the whole stored ledger offline; names the first bad entry')
  .option('--key <vkey>', 'verification key (default: the configured log key)')
  .action(async (opts: { key?: string }) => {
    process.exitCode = await verifyCommand(loadAppConfig(), opts);
  });

program
  .command('verify-receipt')
  .description('check a receipt offline against a verification key (no database)')
  .argument('<file>', 'receipt: JSON, or tlog-proof@v1 text with --entry')
  .requiredOption('--key <vkey>', 'verification key <name>+<keyid>+<base64>')
  .option('--entry <file>', 'the entry bytes, for a text receipt')
  .action((file: string, opts: { key: string; entry?: string }) => {
    process.exitCode = verifyReceiptCommand(file, opts);
  });

program
  .command('rebuild-projections')
  .description('empty the projections (unit state, stock…) and replay the ledger into them')
  .action(async () => {
    process.exitCode = await rebuildProjectionsCommand(loadAppConfig());
  });

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`error: ${err.message}`);
  process.exit(1);
});
