/**
 * The frontend's jest suite against the @grafana/* 13 packages (and the
 * React 19 they need) installed in this directory: the same configuration
 * as the repository's, with those packages resolved from here first.
 */
const fs = require('fs');
const path = require('path');

const base = require('../jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('../.config/jest/utils');

const modules = path.join(__dirname, 'node_modules');

/** esmOnlyPackages lists the installed packages that ship only ES modules, which jest must transform. */
function esmOnlyPackages() {
  const names = [];
  const check = (dir) => {
    let pkg;
    try {
      pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    } catch {
      return;
    }
    if (pkg.type === 'module' && !JSON.stringify(pkg.exports ?? '').includes('"require"')) {
      names.push(path.relative(modules, dir).split(path.sep).join('/'));
    }
  };
  for (const entry of fs.existsSync(modules) ? fs.readdirSync(modules) : []) {
    if (entry.startsWith('@')) {
      fs.readdirSync(path.join(modules, entry)).forEach((s) => check(path.join(modules, entry, s)));
    } else if (!entry.startsWith('.')) {
      check(path.join(modules, entry));
    }
  }
  return names;
}

module.exports = {
  ...base,
  rootDir: path.join(__dirname, '..'),
  moduleDirectories: [modules, 'node_modules'],
  // Some of 13's dependencies ship only ES modules (d3-interpolate as .mjs).
  transform: { ...base.transform, '^.+\\.mjs$': base.transform['^.+\\.(t|j)sx?$'] },
  transformIgnorePatterns: [nodeModulesToTransform([...grafanaESModules, ...esmOnlyPackages()])],
  setupFiles: [...(base.setupFiles ?? []), path.join(__dirname, 'jest-polyfills.js')],
  cacheDirectory: path.join(modules, '.cache', 'jest'),
};
