/**
 * One NATS and one MongoDB topology wherever the system runs (local binaries, testcontainers,
 * docker compose, Kubernetes), and a production image that carries only what runs in production.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { MONGO_IMAGE, NATS_IMAGE, NATS_SERVER_VERSION } from '@um/devkit';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const minor = (version: string) => /(\d+\.\d+)/.exec(version)?.[1];

describe('versions', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, { image?: string; command?: string[] }> };
  const k8sNats = parseAllDocuments(read('deploy/k8s/nats.yaml'))
    .map((d) => d.toJS() as { kind: string; spec?: any })
    .find((o) => o.kind === 'StatefulSet')!;

  test('when NATS is read everywhere, then local binaries, testcontainers, compose and Kubernetes run the same minor version', () => {
    const versions = [NATS_SERVER_VERSION, NATS_IMAGE, compose.services.nats!.image!, k8sNats.spec.template.spec.containers[0].image as string].map(minor);
    expect(new Set(versions)).toEqual(new Set(['2.15']));
  });

  test('when MongoDB is read, then testcontainers runs the image compose runs, both as a single-node replica set', () => {
    expect(compose.services.mongodb!.image).toBe(MONGO_IMAGE);
    expect(compose.services.mongodb!.command).toEqual(['--replSet', 'rs0', '--bind_ip_all']);
    expect(read('libs/devkit/src/infra.ts')).toContain(".withCommand(['--replSet', 'rs0', '--bind_ip_all'])");
  });
});

describe('the production image', () => {
  const dockerfile = read('deploy/Dockerfile');
  const copied = /for dir in ([^;]+); do/.exec(dockerfile)![1]!.trim().split(/\s+/);
  const workspaces = copied.flatMap((pattern) =>
    pattern.endsWith('/*') ? fs.readdirSync(path.join(ROOT, pattern.slice(0, -2))).map((d) => `${pattern.slice(0, -2)}/${d}`) : [pattern],
  );
  const manifest = (dir: string) => JSON.parse(read(`${dir}/package.json`)) as { name: string; dependencies?: Record<string, string> };

  test('when its workspaces are listed, then every service and the libraries they use are there, and neither devkit nor the tests', () => {
    expect(workspaces).not.toContain('libs/devkit');
    expect(workspaces.some((w) => w.startsWith('test'))).toBe(false);
    const names = new Set(workspaces.map((w) => manifest(w).name));
    for (const dir of workspaces) {
      for (const dep of Object.keys(manifest(dir).dependencies ?? {}).filter((d) => d.startsWith('@um/'))) expect({ dir, dep, shipped: names.has(dep) }).toEqual({ dir, dep, shipped: true });
    }
    for (const service of fs.readdirSync(path.join(ROOT, 'services'))) expect(workspaces).toContain(`services/${service}`);
  });

  test('when the shipped workspaces declare their dependencies, then no test or build tool is among them', () => {
    const tools = /^(testcontainers|jest|ts-jest|@types\/|typescript|eslint|turbo|node|@um\/devkit)$/;
    for (const dir of workspaces) expect({ dir, tools: Object.keys(manifest(dir).dependencies ?? {}).filter((d) => tools.test(d)) }).toEqual({ dir, tools: [] });
  });

  test('when the shipped sources are read, then none imports devkit', () => {
    const imports = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return imports(full);
        return e.name.endsWith('.ts') && fs.readFileSync(full, 'utf8').includes("'@um/devkit'") ? [path.relative(ROOT, full)] : [];
      });
    expect(workspaces.flatMap((w) => imports(path.join(ROOT, w, 'src')))).toEqual([]);
  });

  test('when production dependencies are installed, then the install checks devkit and testcontainers are absent', () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev[^\n]*\n[^\n]*test ! -e node_modules\/@um\/devkit && test ! -e node_modules\/testcontainers/);
  });
});
