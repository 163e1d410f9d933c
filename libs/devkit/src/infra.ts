/**
 * NATS (with JetStream) and a MongoDB-wire store for `npm start`, `npm test` and the benches, in
 * this order: NATS_URL / MONGO_URL when set → a Docker engine → local binaries (nats-server and
 * FerretDB on free loopback ports, data in a temp dir, stopped at the end).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureFerretDb, ensureNatsServer } from './binaries.js';
import { freePort, waitForPort } from './net.js';
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
  /** Stops the store and restarts it on the same port and data (fault tests); local mode only. */
  restartStore(downMs?: number): Promise<void>;
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
}

function dockerEngineAnswers(): boolean {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000, encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim().length > 0;
}

export async function startInfra(options: InfraOptions = {}): Promise<Infra> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[infra] ${line}\n`));
  if (options.forceLocal) return startLocal(log);
  const natsUrl = process.env.NATS_URL;
  const mongoUrl = process.env.MONGO_URL;
  if (natsUrl && mongoUrl) {
    log(`using NATS_URL=${natsUrl} and MONGO_URL (set in the environment)`);
    const unsupported = async () => {
      throw new Error('restarting servers is only possible for locally started ones');
    };
    return { mode: 'external', natsUrl, mongoUrl, store: 'external MongoDB (MONGO_URL)', restartNats: unsupported, restartStore: unsupported, stop: async () => {} };
  }
  if (dockerEngineAnswers()) {
    return options.dockerFlavour === 'compose' ? startWithCompose(log) : startWithTestcontainers(log);
  }
  return startLocal(log);
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

async function startLocal(log: Log): Promise<Infra> {
  const natsBin = ensureNatsServer(log);
  const ferretBin = ensureFerretDb(log);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'um-infra-'));
  const natsPort = await freePort();
  const storePort = await freePort();

  const startNats = async (): Promise<ManagedProcess> => {
    const proc = spawnManaged('nats-server', natsBin, ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', path.join(dataDir, 'nats')], {
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
  const startStore = async (): Promise<ManagedProcess> => {
    const proc = spawnManaged(
      'ferretdb',
      ferretBin,
      ['--listen-addr', `127.0.0.1:${storePort}`, '--data-dir', path.join(dataDir, 'ferretdb'), '--log-level', 'error'],
      { logFile: path.join(dataDir, 'ferretdb.log') },
    );
    await waitForPort('127.0.0.1', storePort, 15_000, 'FerretDB');
    return proc;
  };

  let nats = await startNats();
  let store = await startStore();
  log(`nats-server on 127.0.0.1:${natsPort}, FerretDB ${'1.24.2'} (SQLite) on 127.0.0.1:${storePort}, data in ${dataDir}`);

  return {
    mode: 'local',
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    mongoUrl: `mongodb://127.0.0.1:${storePort}`,
    store: 'FerretDB 1.24.2 (SQLite backend), local',
    async restartNats(downMs = 0) {
      await stopProcess(nats);
      await new Promise((r) => setTimeout(r, downMs));
      nats = await startNats();
    },
    async restartStore(downMs = 0) {
      await stopProcess(store);
      await new Promise((r) => setTimeout(r, downMs));
      store = await startStore();
    },
    async stop() {
      await Promise.all([stopProcess(nats), stopProcess(store)]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
