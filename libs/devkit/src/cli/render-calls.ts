/** `npm run docs:calls`: writes docs/calls.md from the services' sources (see calls.ts). */
import fs from 'node:fs';
import path from 'node:path';
import { collectCallGraph, renderCallGraph } from '../calls.js';
import { REPO_ROOT } from '../paths.js';

const target = path.join(REPO_ROOT, 'docs', 'calls.md');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, renderCallGraph(collectCallGraph(REPO_ROOT)));
process.stdout.write(`wrote ${path.relative(REPO_ROOT, target)}\n`);
