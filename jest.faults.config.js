// The fault suite (`npm run test:faults`): the system as real processes against throw-away
// PostgreSQL and Redis servers, broken under load. Separate from jest.config.js so that
// `npm test` never runs it; one scenario at a time, since each one loads the whole machine.
const { projects } = require('./jest.config');

const e2e = projects.find((p) => p.displayName === 'e2e');

module.exports = {
  ...e2e,
  displayName: 'faults',
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  globalSetup: undefined,
  maxWorkers: 1,
  testTimeout: 240_000,
  verbose: true,
};
