/**
 * Local server binaries for machines without Docker: nats-server and FerretDB, found on PATH or
 * built once with the Go toolchain into a per-user cache keyed by version.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, cacheDir } from './paths.js';

export const NATS_SERVER_VERSION = 'v2.15.2';
export const FERRETDB_VERSION = 'v1.24.2';

type Log = (line: string) => void;

function onPath(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found ? found : undefined;
}

function requireGo(what: string): string {
  const go = onPath('go');
  if (!go) {
    throw new Error(
      `${what} needs the Go toolchain (go ≥ 1.24) to be built locally, and none is on PATH. ` +
        'Install Go, or set NATS_URL and MONGO_URL to running servers.',
    );
  }
  return go;
}

/** A key of every file's name and content in a source folder: a change of any builds again. */
function sourceKey(sourceDir: string): string {
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(sourceDir).sort()) {
    hash.update(file);
    hash.update(fs.readFileSync(path.join(sourceDir, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

/** Builds into a temporary folder then renames, so concurrent first runs do not see half a binary. */
function buildInto(target: string, build: (tmpDir: string) => void, log: Log): string {
  if (fs.existsSync(target)) return target;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmpDir = fs.mkdtempSync(path.join(path.dirname(target), '.build-'));
  try {
    build(tmpDir);
    const built = path.join(tmpDir, path.basename(target));
    fs.renameSync(built, target);
    log(`cached ${target}`);
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
  return target;
}

/** nats-server with JetStream: on PATH, else `go install` of the pinned version into the cache. */
export function ensureNatsServer(log: Log): string {
  const fromPath = onPath('nats-server');
  if (fromPath) return fromPath;
  const target = path.join(cacheDir(), `nats-server-${NATS_SERVER_VERSION}`, 'nats-server');
  return buildInto(
    target,
    (tmpDir) => {
      const go = requireGo('nats-server');
      log(`building nats-server ${NATS_SERVER_VERSION} with go install (once per machine)…`);
      execFileSync(go, ['install', `github.com/nats-io/nats-server/v2@${NATS_SERVER_VERSION}`], {
        env: { ...process.env, GOBIN: tmpDir, CGO_ENABLED: '0' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    },
    log,
  );
}

/**
 * FerretDB 1.24.2 is built patched by tools/ferretdb/ferretdb-v1.24.2.patch, so that the indexes
 * services declare serve their queries:
 * - PostgreSQL backend: every declared index other than `_id`'s is a GIN `jsonb_path_ops` index on
 *   its expressions, the only kind that serves the `(_jsonb->'f') @> v` FerretDB pushes `{f: v}`
 *   down as (its btrees were never used: idx_scan stayed 0); a unique index keeps its btree, which
 *   enforces uniqueness, and gets the GIN besides; keys are written into the SQL
 *   as literals (the indexes' own expressions); `_id` is compared with `=`, which its unique btree
 *   serves; `{f: {$in: [...]}}` is pushed down (upstream scanned the whole table).
 * - An update into a unique index's value answers a duplicate key (11000), as MongoDB does, on both
 *   backends (upstream: code 1 with the backend's message).
 * - SQLite backend (fallback): `_id` lookups written as their index's expression.
 */
const FERRETDB_PATCH = 'ferretdb-v1.24.2.patch';

function makeWritable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(full);
    else fs.chmodSync(full, 0o644);
  }
}

/** FerretDB built from the repo's tools/ferretdb main, patched; the cache key covers every file there. */
export function ensureFerretDb(log: Log): string {
  const sourceDir = path.join(REPO_ROOT, 'tools', 'ferretdb');
  const key = `${FERRETDB_VERSION}-${sourceKey(sourceDir)}`;
  const target = path.join(cacheDir(), `ferretdb-${key}`, 'ferretdb');
  return buildInto(
    target,
    (tmpDir) => {
      const go = requireGo('FerretDB');
      log(`building FerretDB ${FERRETDB_VERSION} (embedded, patched: GIN indexes, $in pushdown, duplicate keys on update) with go build (once per machine)…`);
      const env = { ...process.env, CGO_ENABLED: '0' };
      // A writable copy of the module, patched, used through a replace in a temporary go.mod.
      const download = JSON.parse(execFileSync(go, ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`], { cwd: sourceDir, env, encoding: 'utf8' })) as { Dir: string };
      const moduleCopy = path.join(tmpDir, 'FerretDB');
      fs.cpSync(download.Dir, moduleCopy, { recursive: true });
      makeWritable(moduleCopy); // the module cache is read-only, and so is a plain copy of it
      // git apply outside a repository patches the files under cwd; it fails whole if a hunk does not apply.
      execFileSync('git', ['apply', '--whitespace=nowarn', path.join(sourceDir, FERRETDB_PATCH)], { cwd: moduleCopy, stdio: ['ignore', 'inherit', 'inherit'] });
      const modFile = path.join(tmpDir, 'go.mod');
      fs.writeFileSync(modFile, `${fs.readFileSync(path.join(sourceDir, 'go.mod'), 'utf8')}\nreplace github.com/FerretDB/FerretDB => ${moduleCopy}\n`);
      fs.copyFileSync(path.join(sourceDir, 'go.sum'), path.join(tmpDir, 'go.sum'));
      execFileSync(go, ['build', '-modfile', modFile, '-trimpath', '-o', path.join(tmpDir, 'ferretdb'), '.'], { cwd: sourceDir, env, stdio: ['ignore', 'inherit', 'inherit'] });
    },
    log,
  );
}

/**
 * The bench's HTTP load generator (tools/loadgen, Go standard library only), built once per
 * version of its source into the cache.
 */
export function ensureLoadgen(log: Log): string {
  const sourceDir = path.join(REPO_ROOT, 'tools', 'loadgen');
  const target = path.join(cacheDir(), `loadgen-${sourceKey(sourceDir)}`, 'loadgen');
  return buildInto(
    target,
    (tmpDir) => {
      const go = requireGo('the bench load generator');
      log('building the bench load generator (tools/loadgen) with go build…');
      execFileSync(go, ['build', '-trimpath', '-o', path.join(tmpDir, 'loadgen'), '.'], { cwd: sourceDir, env: { ...process.env, CGO_ENABLED: '0' }, stdio: ['ignore', 'inherit', 'inherit'] });
    },
    log,
  );
}
