/**
 * docker-compose.yml, checked statically (no Docker engine on our machines): the servers, one
 * service per process from one image, health checks, start order, volumes, scalability, secrets.
 * When a `docker compose` CLI is present, `docker compose config` must accept the file too.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { NODE_FLAGS } from '@um/devkit';

const ROOT = path.resolve(__dirname, '../..');
const APP_SERVICES = ['gateway', 'identity', 'enterprise', 'quality', 'user-management', 'routing-module', 'structured-messaging'];

type Service = {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  env_file?: Array<{ path: string; required?: boolean }>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval?: string };
  container_name?: string;
  read_only?: boolean;
};
const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  test('when parsed, then it has NATS, MongoDB and one service per process', () => {
    expect(Object.keys(services).sort()).toEqual(['mongodb', 'nats', ...APP_SERVICES].sort());
  });

  test('when NATS is read, then it is 2.15 with JetStream, its store on a volume, and a health check', () => {
    const nats = services.nats!;
    expect(nats.image).toMatch(/^nats:2\.15/);
    expect(nats.command).toContain('-js');
    const storeDir = nats.command![nats.command!.indexOf('-sd') + 1];
    expect(nats.volumes).toContainEqual(expect.stringMatching(new RegExp(`^[a-z-]+:${storeDir}$`)));
    expect(nats.healthcheck?.test.join(' ')).toContain('/healthz');
    expect(nats.ports).toEqual(['127.0.0.1:4222:4222']);
  });

  test('when MongoDB is read, then it is 7, a single-node replica set initiated idempotently by its health check, on volumes', () => {
    const mongo = services.mongodb!;
    expect(mongo.image).toMatch(/^mongo:7/);
    expect(mongo.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    const check = mongo.healthcheck!.test.join(' ');
    expect(check).toMatch(/rs\.status\(\)/);
    expect(check).toMatch(/rs\.initiate\(/);
    expect(check).toMatch(/isWritablePrimary/);
    expect(mongo.volumes).toContainEqual(expect.stringMatching(/:\/data\/db$/));
    // npm start / npm test connect with directConnection to 127.0.0.1:27017 (libs/devkit/src/infra.ts).
    expect(mongo.ports).toEqual(['127.0.0.1:27017:27017']);
  });

  test('when the named volumes are used, then each is declared', () => {
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) expect(Object.keys(compose.volumes)).toContain(source);
      }
    }
  });

  test.each(APP_SERVICES)('when %s is read, then it is built from deploy/Dockerfile, chosen by UM_SERVICE, healthy-checked, waiting for healthy servers', (name) => {
    const service = services[name]!;
    expect(service.build).toEqual({ context: '.', dockerfile: 'deploy/Dockerfile' });
    expect(service.image).toBe(services.gateway!.image);
    expect(service.environment?.UM_SERVICE).toBe(name);
    expect(service.environment?.NATS_URL).toBe('nats://nats:4222');
    expect(service.environment?.MONGO_URL).toMatch(/^mongodb:\/\/mongodb:27017\/\?replicaSet=rs0/);
    expect(Number(service.environment?.UM_METRICS_PORT)).toBeGreaterThan(0);
    expect(service.healthcheck?.test).toEqual(['CMD', 'node', 'deploy/healthcheck.mjs']);
    expect(service.depends_on).toEqual({ nats: { condition: 'service_healthy' }, mongodb: { condition: 'service_healthy' } });
    expect(service.read_only).toBe(true);
    expect(service.container_name).toBeUndefined();
  });

  test('when services are scaled, then none but the gateway publishes a host port', () => {
    for (const name of APP_SERVICES.filter((n) => n !== 'gateway')) expect(services[name]!.ports).toBeUndefined();
    expect(services.gateway!.ports).toEqual(['127.0.0.1:${UM_HTTP_PORT:-3000}:3000']);
    expect(services.gateway!.environment?.HOST).toBe('0.0.0.0');
  });

  test('when secrets are needed, then they come from a git-ignored env file, never inline', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(text).not.toMatch(/PASSWORD\s*:/);
    expect(services.identity!.env_file).toEqual([{ path: 'deploy/compose.secrets.env', required: false }]);
    expect(fs.readFileSync(path.join(ROOT, 'deploy/.gitignore'), 'utf8')).toMatch(/^compose\.secrets\.env$/m);
    expect(fs.existsSync(path.join(ROOT, 'deploy/compose.secrets.env.example'))).toBe(true);
  });

  test('when the image is built, then it is multi-stage on node:24-slim, non-root, and runs the process UM_SERVICE names', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'deploy/Dockerfile'), 'utf8');
    const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => [m[1], m[2]]);
    expect(stages).toEqual([
      ['node:24-slim', 'build'],
      ['node:24-slim', 'deps'],
      ['node:24-slim', 'runtime'],
    ]);
    expect(dockerfile).toMatch(/RUN npm ci --no-audit/);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/^USER 1000:1000$/m);
    expect(runtime).not.toMatch(/COPY --from=build \/app\/node_modules/);
    expect(runtime).toMatch(/ENTRYPOINT \["\/app\/deploy\/entrypoint.sh"\]/);
    const entrypoint = fs.readFileSync(path.join(ROOT, 'deploy/entrypoint.sh'), 'utf8');
    // The image starts each process with the flags the local system does (devkit's NODE_FLAGS).
    expect(entrypoint).toContain(`NODE_FLAGS="${NODE_FLAGS.join(' ')}"`);
    expect(entrypoint).toContain('exec node $NODE_FLAGS services/gateway/dist/server.js');
    expect(entrypoint).toContain('exec node $NODE_FLAGS "services/${UM_SERVICE}/dist/index.js"');
    for (const name of APP_SERVICES) expect(entrypoint).toContain(name);
    // Every process the entrypoint may start is a built workspace.
    for (const name of APP_SERVICES) expect(fs.existsSync(path.join(ROOT, 'services', name, 'package.json'))).toBe(true);
  });

  const composeCli = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8', timeout: 10_000 });
  const cliTest = composeCli.status === 0 ? test : test.skip;
  cliTest('when the docker compose CLI is present, then `docker compose config` accepts the file (no engine needed)', () => {
    const result = spawnSync('docker', ['compose', '-f', path.join(ROOT, 'docker-compose.yml'), 'config', '--quiet'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
