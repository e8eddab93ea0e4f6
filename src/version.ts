// Kept in step with package.json by __tests__/unit/version.test.ts.
export const VERSION = '1.0.0'
