// Unit tests (*.spec.ts) beside the code; integration and end-to-end tests (*.integration-spec.ts,
// *.e2e-spec.ts) against a real Kafka broker and a real database (PostgreSQL or PGlite).
import { readFileSync } from 'node:fs';

const swcrc = JSON.parse(readFileSync(new URL('./.swcrc', import.meta.url), 'utf8'));
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleNameMapper: {
    '^@lekha/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    // A package's own `x.json.js` (JSON wrapped as a module) stays as it is; only our `.js` suffixes map to `.ts`.
    '^(\\.{1,2}/.*\\.json)\\.js$': '$1.js',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.cache/', '<rootDir>/.data/'],
};

export default {
  // Integration suites start real processes; unit tests finish in milliseconds either way. A suite's
  // beforeAll may wait up to 240 s for a platform of its own on a loaded machine (test-platform.ts).
  testTimeout: 300_000,
  // Inside the clone, so that every fresh clone (as on CI) orders suites the same way: by size,
  // with no durations remembered from earlier runs elsewhere on the machine.
  cacheDirectory: '<rootDir>/.cache/jest',
  reporters: ['default', '<rootDir>/scripts/summary-reporter.js'],
  testSequencer: '<rootDir>/scripts/test-sequencer.js',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.spec.ts', '<rootDir>/test/architecture/**/*.spec.ts'],
    },
    // Use cases in-process against a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL), no broker.
    { ...common, displayName: 'use-cases', testMatch: ['<rootDir>/apps/*/test/**/*.use-cases-spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/{apps,libs}/*/test/**/*.{integration,e2e}-spec.ts',
        '<rootDir>/test/**/*.{integration,e2e}-spec.ts',
      ],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      slowTestThreshold: 60,
    },
  ],
};
