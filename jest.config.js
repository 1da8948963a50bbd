/** Separate jest projects so `npm test` runs every layer but the soak and each can be run alone (`--selectProjects`). */
// jose and @middy/core ship only ES modules: swc compiles them to CommonJS along with the TypeScript.
const transform = { '^.+\\.(t|j|mj)sx?$': ['@swc/jest'] };
const base = {
  transform,
  transformIgnorePatterns: ['/node_modules/(?!(jose|@middy/core)/)'],
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...base, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    // The fault explorer (tools/explorer/): generated workloads, faults and interleavings against the real stores.
    { ...base, displayName: 'explorer', testMatch: ['<rootDir>/test/explorer/**/*.test.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    // Every benchmark at tiny sizes, so `npm run bench` cannot rot.
    { ...base, displayName: 'bench', testMatch: ['<rootDir>/test/bench/**/*.test.ts'] },
    // The packed package installed into scratch CDK apps (npm pack, npm install, synth, cfn-lint).
    { ...base, displayName: 'package', testMatch: ['<rootDir>/test/package/**/*.test.ts'] },
    // Long load under faults: `npm run test:soak` (CI runs it after `npm test`).
    { ...base, displayName: 'soak', testMatch: ['<rootDir>/test/soak/**/*.test.ts'] },
  ],
};
