// The five services, where their builds land (nest build <name> in monorepo mode), and the
// Node flags each runs with (npm start and the benchmarks; docker/compose.yml says the same).
const NODE_ARGS = {
  // A person waits at the counter for every dispense. A 1 MB young generation keeps this
  // process's scavenges at ~1.5 ms instead of 7–15 ms every few seconds (ADR 0014).
  'dispensing-api': ['--max-semi-space-size=1'],
};
const SERVICES = [
  'ingest-api',
  'warehouse-api',
  'dispensing-api',
  'regulator-api',
  'ledger-writer',
].map((name) => ({
  name,
  main: `dist/apps/${name}/apps/${name}/src/main.js`,
  nodeArgs: NODE_ARGS[name] ?? [],
}));
const CLI_MAIN = 'dist/apps/cli/apps/cli/src/main.js';

module.exports = { SERVICES, CLI_MAIN };
