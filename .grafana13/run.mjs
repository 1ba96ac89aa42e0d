/**
 * npm run test:grafana13: type-checks the frontend and runs its jest suite
 * against the @grafana/* 13 packages (and React 19) pinned in
 * .grafana13/package-lock.json, next to the 12.4 ones the repository builds
 * with. The install is `npm ci` and is skipped while node_modules matches
 * the lock file. Extra arguments go to jest (e.g. a test path).
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const stamp = join(here, 'node_modules', '.installed-lock-sha256');

function run(what, cmd, args, options) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (r.status !== 0) {
    console.error(`grafana13: ${what} failed after ${seconds}s`);
    process.exit(r.status ?? 1);
  }
  console.log(`grafana13: ${what} passed in ${seconds}s`);
}

const lockHash = createHash('sha256')
  .update(readFileSync(join(here, 'package-lock.json')))
  .digest('hex');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash) {
  run('npm ci (@grafana/* 13)', 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts'], {
    cwd: here,
  });
  writeFileSync(stamp, lockHash);
}
const env = { ...process.env, TRIAGE_GRAFANA_MODULES: join(here, 'node_modules') };
run('typecheck against @grafana/* 13', 'npx', ['tsc', '--noEmit', '-p', join(here, 'tsconfig.json')], {
  cwd: root,
  env,
});
run(
  'jest against @grafana/* 13',
  'npx',
  ['jest', '-c', join(here, 'jest.config.js'), '--maxWorkers', '2', ...process.argv.slice(2)],
  {
    cwd: root,
    env,
  }
);
