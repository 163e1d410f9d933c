import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@um/devkit';
import { collectCallGraph, renderCallGraph } from '../../src/calls';

const graph = collectCallGraph(REPO_ROOT);

test('when the services change their calls or events, then docs/calls.md is rendered again (npm run docs:calls)', () => {
  expect(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'calls.md'), 'utf8')).toBe(renderCallGraph(graph));
});

test('when identity answers anything, GET /me included, then it calls no other service (nothing calls up the layering)', () => {
  expect(graph.calls.get('identity')).toBeUndefined();
  for (const [, byCallee] of graph.calls) expect(byCallee.has('gateway')).toBe(false);
});

test('when GET /me is answered, then the gateway composes it from one call to identity and one to user-management', () => {
  expect(graph.calls.get('gateway')?.get('identity')).toContain('identity.getMe');
  expect(graph.calls.get('gateway')?.get('user-management')).toContain('user-management.applicationsOf');
});

test('when the sources are read, then calls through platform helpers count for the service that uses them', () => {
  // user-management records its audit through the platform's recordAudit helper.
  expect(graph.calls.get('user-management')?.get('enterprise')).toContain('enterprise.recordAudit');
  expect(graph.events.get('identity.role.changed')).toEqual({ emitters: ['identity'], handlers: ['user-management'] });
});
