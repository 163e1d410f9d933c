/**
 * NATS (with JetStream) and a MongoDB-wire store for `npm start`, `npm test` and the benches:
 * NATS_URL and MONGO_URL each name a running server, and only what neither names is started —
 * when both are missing, by a Docker engine if one answers, else (and always for the one missing
 * when the other is set) with local binaries: nats-server, and FerretDB on a PostgreSQL of the
 * run's own (SQLite when no PostgreSQL can run), on free loopback ports. Their data lives in
 * `dataDir` when given (kept between runs: `npm start` uses `.data/` in the repository, wiped by
 * `npm run reset`), else in a temporary folder removed at the end.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureFerretDb, ensureNatsServer } from './binaries.js';
import { freePort, waitForPort } from './net.js';
import { findPostgres, startPostgres, type PostgresServer } from './postgres.js';
import { spawnManaged, stopProcess, type ManagedProcess } from './supervisor.js';

export type InfraMode = 'external' | 'docker' | 'local';

export interface Infra {
  mode: InfraMode;
  natsUrl: string;
  mongoUrl: string;
  /** Human description of the store, for logs and bench reports. */
  store: string;
  /** Stops NATS and restarts it on the same port and data (fault tests); local mode only. */
  restartNats(downMs?: number): Promise<void>;
  /**
   * Stops the store and restarts it on the same port and data (fault tests); local mode only. It
   * stays down at least `downMs`, and until `until` settles when given (a test's checks of the
   * outage, whatever they take).
   */
  restartStore(downMs?: number, until?: Promise<unknown>): Promise<void>;
  stop(): Promise<void>;
}

type Log = (line: string) => void;

export interface InfraOptions {
  log?: Log;
  /** Prefer `docker compose` (npm start) or testcontainers (tests) when an engine answers. */
  dockerFlavour?: 'compose' | 'testcontainers';
  /**
   * Local binaries whatever NATS_URL, MONGO_URL or Docker say: servers of this run's own, which
   * fault tests may stop and restart (`restartNats`, `restartStore`).
   */
  forceLocal?: boolean;
  /** Local servers' data folder, kept between runs; unset: a temporary one, removed by `stop`. */
  dataDir?: string;
}

function dockerEngineAnswers(): boolean {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000, encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim().length > 0;
}

export async function startInfra(options: InfraOptions = {}): Promise<Infra> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[infra] ${line}\n`));
  if (options.forceLocal) return startLocal(log, { dataDir: options.dataDir });
  const natsUrl = process.env.NATS_URL || undefined;
  const mongoUrl = process.env.MONGO_URL || undefined;
  if (natsUrl && mongoUrl) {
    log(`using NATS_URL=${natsUrl} and MONGO_URL (set in the environment)`);
    const unsupported = async () => {
      throw new Error('restarting servers is only possible for locally started ones');
    };
    return { mode: 'external', natsUrl, mongoUrl, store: 'external MongoDB (MONGO_URL)', restartNats: unsupported, restartStore: unsupported, stop: async () => {} };
  }
  if (natsUrl || mongoUrl) {
    // One given: the other is started here, with local binaries (and never a second of the one given).
    log(natsUrl ? `using NATS_URL=${natsUrl} (set in the environment); starting the store locally` : 'using MONGO_URL (set in the environment); starting NATS locally');
    return startLocal(log, { dataDir: options.dataDir, natsUrl, mongoUrl });
  }
  if (dockerEngineAnswers()) {
    return options.dockerFlavour === 'compose' ? startWithCompose(log) : startWithTestcontainers(log);
  }
  return startLocal(log, { dataDir: options.dataDir });
}

async function notLocal(): Promise<never> {
  throw new Error('restarting servers is only possible for locally started ones');
}

async function startWithTestcontainers(log: Log): Promise<Infra> {
  // The servers docker-compose.yml and the local binaries run: NATS 2.15 with JetStream, and
  // MongoDB 7 as a single-node replica set (what production runs: change streams, transactions).
  log(`Docker engine found: starting ${NATS_IMAGE} and ${MONGO_IMAGE} (single-node replica set) with testcontainers`);
  const { GenericContainer, Wait } = await import('testcontainers');
  const nats = await new GenericContainer(NATS_IMAGE).withCommand(['-js']).withExposedPorts(4222).withWaitStrategy(Wait.forLogMessage(/Server is ready/)).start();
  const mongo = await new GenericContainer(MONGO_IMAGE)
    .withCommand(['--replSet', 'rs0', '--bind_ip_all'])
    .withExposedPorts(27017)
    .withWaitStrategy(Wait.forLogMessage(/Waiting for connections/))
    .start();
  // Initiated as compose's health check does; the member's name is the container's own address,
  // so clients connect directly (directConnection) through the mapped port.
  const initiate = "try { rs.status() } catch (e) { rs.initiate({ _id: 'rs0', members: [{ _id: 0, host: '127.0.0.1:27017' }] }) } quit(db.hello().isWritablePrimary ? 0 : 1)";
  const deadline = Date.now() + 60_000;
  while ((await mongo.exec(['mongosh', '--quiet', '--eval', initiate])).exitCode !== 0) {
    if (Date.now() > deadline) throw new Error('the MongoDB container did not become a replica set primary within 60 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  const unsupported = async () => {
    throw new Error('restarting servers is only implemented for local binaries');
  };
  return {
    mode: 'docker',
    natsUrl: `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`,
    mongoUrl: `mongodb://${mongo.getHost()}:${mongo.getMappedPort(27017)}/?directConnection=true`,
    store: 'MongoDB 7 (container, single-node replica set)',
    restartNats: unsupported,
    restartStore: unsupported,
    stop: async () => {
      await Promise.all([nats.stop(), mongo.stop()]);
    },
  };
}

/** The images of the Docker paths, as in docker-compose.yml (test/deploy checks they agree). */
export const NATS_IMAGE = 'nats:2.15-alpine';
export const MONGO_IMAGE = 'mongo:7';

async function startWithCompose(log: Log): Promise<Infra> {
  log('Docker engine found: starting nats and mongodb with docker compose');
  const result = spawnSync('docker', ['compose', 'up', '-d', '--wait', 'nats', 'mongodb'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('docker compose up failed');
  const unsupported = async () => {
    throw new Error('restarting servers is only implemented for local binaries');
  };
  return {
    mode: 'docker',
    natsUrl: 'nats://127.0.0.1:4222',
    mongoUrl: 'mongodb://127.0.0.1:27017/?directConnection=true',
    store: 'MongoDB 7 (docker compose)',
    restartNats: unsupported,
    restartStore: unsupported,
    stop: async () => {
      spawnSync('docker', ['compose', 'stop', 'nats', 'mongodb'], { stdio: 'inherit' });
    },
  };
}

interface LocalOptions {
  dataDir?: string;
  /** Set: this NATS is used, none is started. */
  natsUrl?: string;
  /** Set: this store is used, none is started. */
  mongoUrl?: string;
}

async function startLocal(log: Log, options: LocalOptions): Promise<Infra> {
  const disposable = !options.dataDir;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'um-infra-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const natsBin = options.natsUrl ? undefined : ensureNatsServer(log);
  const ferretBin = options.mongoUrl ? undefined : ensureFerretDb(log);
  const postgresBinaries = ferretBin ? findPostgres() : undefined;
  const natsPort = await freePort();
  const storePort = await freePort();
  const postgresPort = await freePort();

  const startNats = async (): Promise<ManagedProcess> => {
    const proc = spawnManaged('nats-server', natsBin!, ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', path.join(dataDir, 'nats')], {
      logFile: path.join(dataDir, 'nats.log'),
      // One Go scheduler thread: this NATS shares the machine with every service process, and its
      // idle threads spinning for work cost CPU the services need (18 instead of 24 µs of NATS CPU
      // per authorization check on 2 cores; docs/benchmarks.md). One core carries far
      // more messages than the services here can send.
      env: { ...process.env, GOMAXPROCS: process.env.GOMAXPROCS ?? '1' },
    });
    await waitForPort('127.0.0.1', natsPort, 15_000, 'nats-server');
    return proc;
  };
  // FerretDB on PostgreSQL: the backend whose indexes serve the services' queries (see binaries.ts).
  let postgres: PostgresServer | undefined;
  const startStore = async (): Promise<ManagedProcess> => {
    if (postgresBinaries) {
      postgres = await startPostgres({
        binaries: postgresBinaries,
        dataDir: path.join(dataDir, 'postgres'),
        port: postgresPort,
        disposable,
        logFile: path.join(dataDir, 'postgres.log'),
        log,
      });
    }
    const backend = postgres ? ['--postgresql-url', postgres.url] : ['--data-dir', path.join(dataDir, 'ferretdb-sqlite')];
    const proc = spawnManaged('ferretdb', ferretBin!, ['--listen-addr', `127.0.0.1:${storePort}`, ...backend, '--log-level', 'error'], {
      logFile: path.join(dataDir, 'ferretdb.log'),
    });
    try {
      await waitForPort('127.0.0.1', storePort, 15_000, 'FerretDB');
    } catch (err) {
      await stopProcess(proc);
      throw err;
    }
    return proc;
  };
  const stopStore = async (ferret: ManagedProcess | undefined): Promise<void> => {
    if (ferret) await stopProcess(ferret);
    // SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave).
    if (postgres) await stopProcess(postgres.proc, 10_000, 'SIGINT');
  };

  const started = Date.now();
  let nats: ManagedProcess | undefined;
  let store: ManagedProcess | undefined;
  try {
    nats = natsBin ? await startNats() : undefined;
    store = ferretBin ? await startStore() : undefined;
  } catch (err) {
    // Nothing started here outlives a failed start.
    await Promise.all([nats ? stopProcess(nats) : undefined, stopStore(store)]);
    if (disposable) fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const storeName = !ferretBin
    ? 'external MongoDB (MONGO_URL)'
    : postgresBinaries
      ? `FerretDB 1.24.2 on PostgreSQL ${postgresBinaries.version} (${postgresBinaries.source}), local`
      : 'FerretDB 1.24.2 on SQLite (no PostgreSQL found to run), local';
  const natsUrl = options.natsUrl ?? `nats://127.0.0.1:${natsPort}`;
  const mongoUrl = options.mongoUrl ?? `mongodb://127.0.0.1:${storePort}`;
  log(
    [nats ? `nats-server on 127.0.0.1:${natsPort}` : undefined, store ? `${storeName} on 127.0.0.1:${storePort}` : undefined]
      .filter(Boolean)
      .join(', ') + `, started in ${((Date.now() - started) / 1000).toFixed(1)} s, data in ${dataDir}${disposable ? '' : ' (kept; npm run reset wipes it)'}`,
  );
  if (ferretBin && !postgresBinaries) log('no PostgreSQL found: FerretDB runs on SQLite, which reads whole collections for every query but by _id');

  return {
    mode: 'local',
    natsUrl,
    mongoUrl,
    store: storeName,
    async restartNats(downMs = 0) {
      if (!nats) return notLocal();
      await stopProcess(nats);
      await new Promise((r) => setTimeout(r, downMs));
      nats = await startNats();
    },
    async restartStore(downMs = 0, until?: Promise<unknown>) {
      if (!store) return notLocal();
      await stopStore(store);
      await new Promise((r) => setTimeout(r, downMs));
      await until?.catch(() => undefined);
      store = await startStore();
    },
    async stop() {
      await Promise.all([nats ? stopProcess(nats) : undefined, stopStore(store)]);
      if (disposable) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
