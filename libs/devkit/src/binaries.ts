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

/** FerretDB built from the repo's tools/ferretdb main; the cache key covers its sources. */
export function ensureFerretDb(log: Log): string {
  const sourceDir = path.join(REPO_ROOT, 'tools', 'ferretdb');
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) hash.update(fs.readFileSync(path.join(sourceDir, file)));
  const key = `${FERRETDB_VERSION}-${hash.digest('hex').slice(0, 12)}`;
  const target = path.join(cacheDir(), `ferretdb-${key}`, 'ferretdb');
  return buildInto(
    target,
    (tmpDir) => {
      const go = requireGo('FerretDB');
      log(`building FerretDB ${FERRETDB_VERSION} (embedded, SQLite backend) with go build (once per machine)…`);
      execFileSync(go, ['build', '-trimpath', '-o', path.join(tmpDir, 'ferretdb'), '.'], {
        cwd: sourceDir,
        env: { ...process.env, CGO_ENABLED: '0' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    },
    log,
  );
}
