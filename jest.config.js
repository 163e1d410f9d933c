/**
 * Three projects: unit (no servers), integration (a service in-process against the real NATS and
 * store that `npm test` provides), e2e (the real processes, through HTTP and NATS).
 */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }];
const common = {
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
  moduleNameMapper: { '^@um/(contracts|domain|platform|devkit)$': '<rootDir>/libs/$1/src' },
  // Sources import with `.js` suffixes (node16 resolution); jest resolves them to the `.ts` files.
  moduleFileExtensions: ['ts', 'js', 'json'],
  resolver: '<rootDir>/test/support/jest-resolver.js',
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services}/*/test/unit/**/*.test.ts', '<rootDir>/test/{deploy,docs}/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/services/*/test/integration/**/*.test.ts', '<rootDir>/libs/*/test/integration/**/*.test.ts'],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
  // A global option (ignored inside projects): e2e hooks start whole systems and populate them.
  testTimeout: 120_000,
};
