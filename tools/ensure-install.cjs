#!/usr/bin/env node
/**
 * Runs before `npm start`, `npm test` and the other entry scripts (their `pre…` scripts), on
 * whatever Node.js the machine has (≥ 20), with no dependency of its own: installs the project's
 * dependencies with `npm ci` when node_modules is missing or no longer matches package-lock.json,
 * then checks that the project's own Node.js (the `node` devDependency, which npm puts first on
 * the PATH of every script) is there, since every script after this one runs on it.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Why node_modules must be (re)installed, or undefined when it matches the lockfile. npm keeps
 * what it installed in node_modules/.package-lock.json; a package the lockfile names (optional
 * ones for other platforms aside) missing there, or there at another version, means the lockfile
 * changed since (a pull, a branch switch). Contents rather than modification times: a checkout
 * rewrites package-lock.json with a new time even when nothing in it changed.
 */
function staleReason(root = ROOT) {
  if (!fs.existsSync(path.join(root, 'node_modules'))) return 'node_modules is missing';
  const wanted = readJson(path.join(root, 'package-lock.json'));
  const installed = readJson(path.join(root, 'node_modules', '.package-lock.json'));
  if (!wanted?.packages) return undefined; // no lockfile: nothing to compare with (npm ci would refuse anyway)
  if (!installed?.packages) return 'node_modules was not installed by npm from the lockfile';
  for (const [key, entry] of Object.entries(wanted.packages)) {
    if (key === '' || !key.includes('node_modules/')) continue;
    const have = installed.packages[key];
    if (!have) {
      if (entry.optional || entry.peer) continue;
      return `${key.replace(/^.*node_modules\//, '')} is not installed`;
    }
    if (entry.version && have.version && entry.version !== have.version) {
      return `${key.replace(/^.*node_modules\//, '')} is ${have.version}, the lockfile says ${entry.version}`;
    }
  }
  for (const key of Object.keys(installed.packages)) {
    if (key.includes('node_modules/') && !wanted.packages[key]) return `${key.replace(/^.*node_modules\//, '')} is no longer in the lockfile`;
  }
  return undefined;
}

/** The project's Node.js: node_modules/.bin/node, put there by the `node` package's install script. */
function projectNode(root = ROOT) {
  return path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
}

function wantedNodeMajor(root = ROOT) {
  const spec = readJson(path.join(root, 'package.json'))?.devDependencies?.node ?? '';
  const major = /(\d+)/.exec(spec)?.[1];
  return major ? Number(major) : undefined;
}

function main() {
  const [major] = process.versions.node.split('.').map(Number);
  if (major < 20) {
    process.stderr.write(`This project needs Node.js 20 or newer to install itself (this is ${process.version}); it then runs on its own Node.js ${wantedNodeMajor() ?? ''}.\n`);
    return 1;
  }
  const reason = staleReason();
  if (reason) {
    process.stderr.write(`[install] ${reason}: npm ci (a minute or two the first time)…\n`);
    const npm = process.env.npm_execpath;
    // npm_execpath is npm's own CLI when run from an npm script; run it with this Node.js.
    const [command, args] = npm && npm.endsWith('.js') ? [process.execPath, [npm]] : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
    const result = spawnSync(command, [...args, 'ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0) {
      process.stderr.write('[install] npm ci failed (see above)\n');
      return result.status ?? 1;
    }
  }
  const node = projectNode();
  const want = wantedNodeMajor();
  const version = fs.existsSync(node) ? spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim() : undefined;
  if (!version) {
    process.stderr.write(
      `[install] ${path.relative(ROOT, node)} (Node.js ${want ?? ''} of the devDependency "node") is missing or does not run.\n` +
        '  Its install script downloads it from the npm registry; it is approved in package.json ("allowScripts").\n' +
        '  Reinstall it with: npm rebuild node   (or remove node_modules and run this command again)\n',
    );
    return 1;
  }
  if (want && Number(/^v(\d+)/.exec(version)?.[1]) !== want) {
    process.stderr.write(`[install] ${path.relative(ROOT, node)} is ${version}, package.json asks for Node.js ${want}: npm rebuild node\n`);
    return 1;
  }
  return 0;
}

module.exports = { staleReason, projectNode, wantedNodeMajor };

if (require.main === module) process.exit(main());
