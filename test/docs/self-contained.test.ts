/**
 * A clone on its own must be complete: the product description and the manual it restates live in
 * docs/, and nothing in the repository points at a folder beside it (the workspace's shared
 * folder, where the product description was first kept).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, readText, repoFiles } from './repo-files';

// Written in pieces so that this file does not match itself.
const OUTSIDE = new RegExp(['\\.\\./', 'shared/'].join('') + '|' + ['/work/', 'shared'].join(''));

describe('the repository is self-contained', () => {
  test('when every file of the clone is read, then none refers to the shared folder outside it', () => {
    const offenders = repoFiles().flatMap((file) => {
      const text = readText(file);
      if (text === undefined) return [];
      return text
        .split('\n')
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => OUTSIDE.test(line))
        .map(({ index }) => `${file}:${index + 1}`);
    });
    expect(offenders).toEqual([]);
  });

  test('when the product description is read, then it is in docs/ with the manual it restates', () => {
    const product = fs.readFileSync(path.join(ROOT, 'docs/product.md'), 'utf8');
    expect(product).toMatch(/^# User Management/);
    expect(product).toContain('(manual-user-management-fr.txt)');
    const manual = fs.readFileSync(path.join(ROOT, 'docs/manual-user-management-fr.txt'), 'utf8');
    expect(manual).toContain('Les acteurs et leurs droits');
  });

  test('when the check is given a line that points outside, then it catches it', () => {
    expect(OUTSIDE.test(['see ..', 'shared/docs/PRODUCT.md'].join('/'))).toBe(true);
    expect(OUTSIDE.test('see docs/product.md')).toBe(false);
  });
});
