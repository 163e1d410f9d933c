/**
 * tools/ensure-install.cjs, the pre-script of `npm start`/`npm test`: when it decides that
 * node_modules must be (re)installed, and the project's own Node.js it hands over to.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { staleReason, wantedNodeMajor } = require('../../tools/ensure-install.cjs') as {
  staleReason(root: string): string | undefined;
  wantedNodeMajor(root: string): number | undefined;
};

const ROOT = path.resolve(__dirname, '../..');

function project(lock: Record<string, object>, installed?: Record<string, object>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'um-ensure-'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', devDependencies: { node: '24.1.0' } }));
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': {}, ...lock } }));
  if (installed) {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'node_modules', '.package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: installed }));
  }
  return dir;
}

const lock = {
  'node_modules/a': { version: '1.0.0' },
  'node_modules/a/node_modules/b': { version: '2.0.0' },
  'node_modules/only-on-mac': { version: '1.0.0', optional: true },
};

describe('tools/ensure-install.cjs', () => {
  test('when node_modules is missing, then it installs', () => {
    expect(staleReason(project(lock))).toBe('node_modules is missing');
  });

  test('when node_modules holds what the lockfile says (optional packages of other platforms aside), then it does nothing', () => {
    const { 'node_modules/only-on-mac': _mac, ...installed } = lock;
    expect(staleReason(project(lock, installed))).toBeUndefined();
  });

  test('when the lockfile moved a package to another version, then it installs', () => {
    expect(staleReason(project(lock, { ...lock, 'node_modules/a/node_modules/b': { version: '1.9.0' } }))).toMatch(/b is 1\.9\.0, the lockfile says 2\.0\.0/);
  });

  test('when the lockfile added or removed a package, then it installs', () => {
    expect(staleReason(project({ ...lock, 'node_modules/c': { version: '1.0.0' } }, lock))).toMatch(/c is not installed/);
    expect(staleReason(project(lock, { ...lock, 'node_modules/gone': { version: '1.0.0' } }))).toMatch(/gone is no longer in the lockfile/);
  });

  test('when node_modules was not made by npm from a lockfile, then it installs', () => {
    const dir = project(lock, lock);
    fs.rmSync(path.join(dir, 'node_modules', '.package-lock.json'));
    expect(staleReason(dir)).toMatch(/not installed by npm/);
  });

  test('when this repository is read, then its node_modules matches its lockfile and the Node.js it asks for is the one it runs on', () => {
    expect(staleReason(ROOT)).toBeUndefined();
    expect(wantedNodeMajor(ROOT)).toBe(Number(process.versions.node.split('.')[0]));
  });

  test('when package.json is read, then npm start and npm test install first, and only the node package may run an install script', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; allowScripts: Record<string, boolean> };
    expect(pkg.scripts.prestart).toBe('node tools/ensure-install.cjs');
    expect(pkg.scripts.pretest).toBe('node tools/ensure-install.cjs');
    expect(Object.entries(pkg.allowScripts).filter(([, allowed]) => allowed).map(([name]) => name)).toEqual(['node']);
  });
});
