#!/usr/bin/env node
/**
 * `npm run build` for the entry scripts (`npm start`, `npm test`, `npm run bench`): compiles every
 * workspace with turbo and says nothing unless something fails, then prints turbo's whole output.
 * `npm run build` itself stays as verbose as turbo is.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const turbo = path.join(ROOT, 'node_modules', 'turbo', 'bin', 'turbo');
const result = spawnSync(process.execPath, [turbo, 'run', 'build', '--output-logs=errors-only'], {
  cwd: ROOT,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
  env: { ...process.env, TURBO_NO_UPDATE_NOTIFIER: '1', TURBO_TELEMETRY_DISABLED: '1' },
});
if (result.status !== 0) {
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  process.stderr.write(`[build] failed${result.error ? `: ${result.error.message}` : ''}\n`);
  process.exit(result.status ?? 1);
}
