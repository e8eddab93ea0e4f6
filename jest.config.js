// Five tiers, one command. Unit tests need no database; integration and e2e
// share one embedded Postgres started in globalSetup (see __tests__/support).
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }]
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node'
}
export default {
  globalSetup: './__tests__/support/global-setup.ts',
  globalTeardown: './__tests__/support/global-teardown.ts',
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'] },
    // Faults, crashes, bad input and secrets (docs/RELIABILITY.md); runs the bundle like e2e.
    { ...common, displayName: 'reliability', testMatch: ['<rootDir>/__tests__/reliability/**/*.test.ts'] },
    // Reports laid out by a real headless Chromium at GitHub's comment width (docs/pr-report.md).
    { ...common, displayName: 'render', testMatch: ['<rootDir>/__tests__/render/**/*.test.ts'] }
  ]
}
