// Environment variables handed to the extension-host test suite, the same for both runners.
// Forwards every ASYNC_LEAK_LENS_* variable (e.g. ASYNC_LEAK_LENS_TEST_GREP to filter tests)
// and CI, and tells the suite where the repository is and which runner started it.
import { repoRoot } from './paths.mjs';

export function testEnvironment(runner) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('ASYNC_LEAK_LENS_') && value !== undefined) env[name] = value;
  }
  if (process.env.CI) env.CI = process.env.CI;
  env.ASYNC_LEAK_LENS_REPO_ROOT = repoRoot;
  env.ASYNC_LEAK_LENS_TEST_RUNNER = runner;
  return env;
}
