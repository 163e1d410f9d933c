/**
 * docs/permissions.md carries the matrix rendered from libs/domain: when the table changes, the
 * page must be rendered again (`npm run docs:matrix`), or it would describe rights the services
 * no longer enforce.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CAPABILITIES, ROUTE_RULES } from '@um/domain';
import { END, START, TARGET, renderMatrix, replaceBlock } from '../../libs/devkit/src/cli/render-matrix';
import { ROOT } from './repo-files';

test('when the permissions page is read, then its matrix is the one libs/domain renders today (else run npm run docs:matrix)', () => {
  const page = fs.readFileSync(path.join(ROOT, TARGET), 'utf8');
  expect(page).toContain(START);
  expect(page).toContain(END);
  expect(replaceBlock(page, renderMatrix(ROUTE_RULES, CAPABILITIES))).toBe(page);
});
