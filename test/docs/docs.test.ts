/**
 * The docs stay honest: every relative link in the README and docs/ leads to a file of the
 * repository (and a `#fragment` to a heading of it), the README stays an entry point, the docs
 * describe the product rather than the history of its making, and every configuration key the
 * code reads is documented.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, readText, repoFiles } from './repo-files';

/**
 * Pages that other work in progress adds (benchmarks and the calls map, the user manual, the
 * console): a link to one may not resolve yet. Once the page exists, its name must leave this
 * list (a test below fails until it does), so the list cannot hide a link that broke later.
 */
const PENDING_PAGES = new Set<string>();

const README_MAX_LINES = 250;

const files = repoFiles();
const pages = files.filter((file) => file === 'README.md' || (file.startsWith('docs/') && file.endsWith('.md')));

/** The text a reader sees: fenced code blocks and HTML comments blanked out (line numbers kept). */
function prose(markdown: string): string {
  const blank = (block: string) => block.replace(/[^\n]/g, ' ');
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, blank).replace(/<!--[\s\S]*?-->/g, blank);
}

interface Link {
  page: string;
  line: number;
  target: string;
}

/** Markdown links and images, and HTML `src`/`href` attributes, outside code spans. */
function linksOf(page: string, markdown: string): Link[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, (span) => ' '.repeat(span.length));
  const links: Link[] = [];
  const patterns = [/!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, /\b(?:src|href)="([^"]+)"/g];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const line = text.slice(0, match.index).split('\n').length;
      links.push({ page, line, target: match[1]! });
    }
  }
  return links;
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens; repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of prose(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const base = match[1]!
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** What is wrong with one link, or undefined when it leads somewhere in the repository. */
function brokenReason(link: Link): string | undefined {
  if (EXTERNAL.test(link.target)) return undefined;
  const [rawPath, fragment] = link.target.split('#', 2) as [string, string | undefined];
  const filePart = decodeURIComponent(rawPath.split('?')[0]!);
  const resolved = filePart === '' ? link.page : path.posix.normalize(path.posix.join(path.posix.dirname(link.page), filePart));
  if (resolved.startsWith('../') || path.posix.isAbsolute(resolved)) return `${resolved} lies outside the repository`;
  const full = path.join(ROOT, resolved);
  if (!fs.existsSync(full)) return PENDING_PAGES.has(resolved) ? undefined : `${resolved} does not exist`;
  if (fragment && resolved.endsWith('.md') && fs.statSync(full).isFile()) {
    if (!anchorsOf(fs.readFileSync(full, 'utf8')).has(fragment)) return `${resolved} has no heading #${fragment}`;
  }
  return undefined;
}

describe('links in the README and docs/', () => {
  test('when every relative link is followed, then it leads to a file of the repository (and its fragment to a heading)', () => {
    expect(pages).toContain('README.md');
    const links = pages.flatMap((page) => linksOf(page, fs.readFileSync(path.join(ROOT, page), 'utf8')));
    expect(links.length).toBeGreaterThan(30);
    const broken = links.flatMap((link) => {
      const reason = brokenReason(link);
      return reason ? [`${link.page}:${link.line} → ${link.target}: ${reason}`] : [];
    });
    expect(broken).toEqual([]);
  });

  test('when a file of the repository names a docs page (a code comment, a script), then that page exists', () => {
    const named = files.flatMap((file) => {
      if (file.startsWith('test/docs/')) return [];
      const text = readText(file) ?? '';
      return [...text.matchAll(/(?<![\w./-])docs\/[\w./-]*\w\.(?:md|txt|png)\b/g)].map((m) => ({ file, page: m[0] }));
    });
    expect(named.length).toBeGreaterThan(10);
    const missing = named.filter(({ page }) => !fs.existsSync(path.join(ROOT, page)) && !PENDING_PAGES.has(page)).map(({ file, page }) => `${file} → ${page}`);
    expect(missing).toEqual([]);
  });

  test('when a page listed as pending exists, then it is taken off the list (its links are checked like any other)', () => {
    const arrived = [...PENDING_PAGES].filter((page) => fs.existsSync(path.join(ROOT, page)));
    expect(arrived).toEqual([]);
  });

  test('when the link checker meets good and bad links, then it tells them apart', () => {
    const sample = [
      '[ok](docs/product.md) [anchor](docs/security.md#passwords) ![img](docs/missing.png)',
      '[gone](docs/nothing.md) [out](../elsewhere.md) [web](https://example.org) `[code](x.md)`',
      '<!-- [hidden](hidden.md) -->',
      '```',
      '[fenced](fenced.md)',
      '```',
    ].join('\n');
    const reasons = linksOf('README.md', sample).map((link) => [link.target, brokenReason(link) ?? 'ok']);
    expect(reasons).toEqual([
      ['docs/product.md', 'ok'],
      ['docs/security.md#passwords', 'ok'],
      ['docs/missing.png', 'docs/missing.png does not exist'],
      ['docs/nothing.md', 'docs/nothing.md does not exist'],
      ['../elsewhere.md', '../elsewhere.md lies outside the repository'],
      ['https://example.org', 'ok'],
    ]);
    expect(brokenReason({ page: 'README.md', line: 1, target: 'docs/security.md#no-such-heading' })).toMatch(/no heading/);
  });

  test('when headings repeat or carry punctuation, then their anchors are those GitHub makes', () => {
    expect([...anchorsOf('# A: b, `c`!\n## Tests\n### Tests\n')]).toEqual(['a-b-c', 'tests', 'tests-1']);
  });
});

describe('the README is an entry point', () => {
  test(`when the README is counted, then it has at most ${README_MAX_LINES} lines (the rest lives in docs/)`, () => {
    const lines = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });
});

/** Words that belong to the history of the work, not to the product. */
const HISTORY = /\b(?:session|work[- ]?round|round|issue)\s+#?\d+\b/i;
/** A commit id: 7 to 40 hex digits mixing digits and letters, or hex named as a commit. */
const COMMIT_ID = /\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}\b|\bcommit\s+[0-9a-f]{7,40}\b/;

function historyFindings(page: string, markdown: string): string[] {
  return prose(markdown)
    .split('\n')
    .flatMap((line, index) => {
      const found = line.match(HISTORY) ?? line.match(COMMIT_ID);
      return found ? [`${page}:${index + 1}: "${found[0]}"`] : [];
    });
}

describe('the docs describe the product, not the history of its making', () => {
  test('when the README and docs/ are read, then they name no work session, round, issue number or commit id', () => {
    const findings = pages.flatMap((page) => historyFindings(page, fs.readFileSync(path.join(ROOT, page), 'utf8')));
    expect(findings).toEqual([]);
  });

  test('when the check reads history, then it finds it', () => {
    expect(historyFindings('x.md', 'measured in session 4\nsince 4101dd9\nfine: 2026-11-27, sha256 of the DER')).toEqual([
      'x.md:1: "session 4"',
      'x.md:2: "4101dd9"',
    ]);
  });
});

/** Environment keys the code reads: the project's own (`UM_…`) and the contract's plain ones. */
const KEY = /\b(?:UM_[A-Z0-9_]*[A-Z0-9]|NATS_URL|MONGO_URL|LOG_LEVEL)\b/g;
const PLAIN_KEYS = ['HOST', 'PORT'];
/** Names the key pattern matches that are not settings: the JetStream stream of administrative events. */
const NOT_KEYS = new Set(['UM_EVENTS']);

function keysIn(selected: string[]): Set<string> {
  const keys = new Set<string>();
  for (const file of selected) for (const key of readText(file)?.match(KEY) ?? []) if (!NOT_KEYS.has(key)) keys.add(key);
  return keys;
}

describe('configuration keys', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  const table = new Set([...section.matchAll(/^\|([^|]*)\|/gm)].flatMap((row) => [...row[1]!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!)));
  const docs = pages.map((page) => fs.readFileSync(path.join(ROOT, page), 'utf8')).join('\n');

  test('when the README is read, then it has a configuration table', () => {
    expect(table.size).toBeGreaterThan(20);
  });

  test("when a key is read by a service, the platform or the deployment files, then it is in the README's configuration table", () => {
    const product = files.filter(
      (file) => /^(?:services\/[^/]+\/src|libs\/(?:platform|domain|contracts)\/src)\/.+\.ts$/.test(file) || file.startsWith('deploy/') || file === 'docker-compose.yml',
    );
    const missing = [...keysIn(product), ...PLAIN_KEYS].filter((key) => !table.has(key)).sort();
    expect(missing).toEqual([]);
  });

  test('when a key is read by the dev tooling or the tests, then the README or a docs page names it', () => {
    const tooling = files.filter((file) => /^libs\/devkit\/src\/.+\.ts$/.test(file) || /^test\/.+\.ts$/.test(file));
    const missing = [...keysIn(tooling)].filter((key) => !docs.includes(key)).sort();
    expect(missing).toEqual([]);
  });
});
