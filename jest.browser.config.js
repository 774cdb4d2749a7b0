// `npm run test:browser`: the built plugin in Debian's Chromium (playwright-core), against the simulator.
process.env.TZ = 'UTC';
const base = require('./.config/jest.config');

module.exports = {
  displayName: 'browser',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/browser/**/*.browser.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': base.transform['^.+\\.(t|j)sx?$'] },
  moduleNameMapper: {
    '^@emnify-events/client$': '<rootDir>/packages/client/src/index.ts',
    '^@emnify-events/simulator$': '<rootDir>/packages/simulator/src/index.ts',
  },
  testTimeout: 180000,
};
