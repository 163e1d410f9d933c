/**
 * `npm run docs:matrix`: renders the permission matrix (libs/domain ROUTE_RULES + CAPABILITIES)
 * into docs/permissions.md between `<!-- matrix:start -->` and `<!-- matrix:end -->`. The table is
 * data in libs/domain; this only prints it, so the docs cannot drift from what the services enforce.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../paths.js';

/** The shapes read from @um/domain (devkit does not build against it: it is loaded at run time). */
export interface MatrixRule {
  method: string;
  path: string;
  auth: 'none' | 'session' | 'role';
  capability?: string;
}
export interface MatrixCapability {
  label: string;
  scope: 'global' | 'enterprise' | 'quality' | 'self';
  roles: readonly string[];
}

export const START = '<!-- matrix:start -->';
export const END = '<!-- matrix:end -->';
/** The page that carries the table, relative to the repository root. */
export const TARGET = 'docs/permissions.md';

const COLUMNS = [
  ['access-manager', 'RAE'],
  ['co-access-manager', 'co-RAE'],
  ['local-manager', 'GL'],
  ['co-local-manager', 'co-GL'],
  ['user', 'user'],
  ['contact-centre', 'contact centre'],
] as const;

const QUALITY_BOUND = new Set(['local-manager', 'co-local-manager', 'user']);

function cell(rule: MatrixRule, capability: MatrixCapability | undefined, kind: string): string {
  if (rule.auth === 'none') return 'anyone';
  if (rule.auth === 'session') return '✔ (session)';
  if (!capability || !capability.roles.includes(kind)) return '';
  if (kind === 'contact-centre' || capability.scope === 'global' || capability.scope === 'self') return '✔';
  if (capability.scope === 'quality' && QUALITY_BOUND.has(kind)) return '✔ own quality';
  return '✔ own enterprise';
}

/** The Markdown table: one row per route, one column per role kind, plus the capability. */
export function renderMatrix(rules: readonly MatrixRule[], capabilities: Readonly<Record<string, MatrixCapability>>): string {
  const header = `| route | capability | ${COLUMNS.map(([, label]) => label).join(' | ')} |`;
  const line = `|---|---|${COLUMNS.map(() => '---').join('|')}|`;
  const rows = rules.map((rule) => {
    const capability = rule.capability ? capabilities[rule.capability] : undefined;
    const what = rule.auth === 'none' ? 'none (public)' : rule.auth === 'session' ? `session${rule.capability ? ` (\`${rule.capability}\`)` : ''}` : `\`${rule.capability}\``;
    return `| \`${rule.method} ${rule.path}\` | ${what} | ${COLUMNS.map(([kind]) => cell(rule, capability, kind)).join(' | ')} |`;
  });
  return [header, line, ...rows].join('\n');
}

/** Replaces what lies between the markers (which must both be there, in order). */
export function replaceBlock(document: string, table: string): string {
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${TARGET} needs ${START} … ${END}`);
  return `${document.slice(0, start + START.length)}\n${table}\n${document.slice(end)}`;
}

function main(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- built workspace package, loaded at run time
  const domain = require('@um/domain') as { ROUTE_RULES: MatrixRule[]; CAPABILITIES: Record<string, MatrixCapability> };
  const page = path.join(REPO_ROOT, TARGET);
  const before = fs.readFileSync(page, 'utf8');
  const after = replaceBlock(before, renderMatrix(domain.ROUTE_RULES, domain.CAPABILITIES));
  if (after !== before) fs.writeFileSync(page, after);
  process.stdout.write(`permission matrix: ${domain.ROUTE_RULES.length} routes ${after === before ? 'already current' : 'written'} in ${TARGET}\n`);
}

if (require.main === module) main();
