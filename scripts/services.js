// The five services and where their builds land (nest build <name> in monorepo mode).
const SERVICES = [
  'ingest-api',
  'warehouse-api',
  'dispensing-api',
  'regulator-api',
  'ledger-writer',
].map((name) => ({ name, main: `dist/apps/${name}/apps/${name}/src/main.js` }));
const CLI_MAIN = 'dist/apps/cli/apps/cli/src/main.js';

module.exports = { SERVICES, CLI_MAIN };
