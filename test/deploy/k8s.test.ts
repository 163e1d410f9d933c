/**
 * deploy/k8s: every object validated against the Kubernetes API schemas (bundled in the
 * kubernetes-models package, offline), then checked for what operations rely on: each service
 * has a Deployment, a Service, an autoscaler and a disruption budget that select it, probes on
 * /health/*, non-root read-only containers, config and secrets apart, NATS with JetStream on volumes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
const DIR = path.join(ROOT, 'deploy/k8s');
const APP_SERVICES = ['gateway', 'identity', 'enterprise', 'quality', 'user-management', 'routing-module', 'structured-messaging'];

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: any };

const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const objects: Array<K8sObject & { file: string }> = files.flatMap((file) =>
  parseAllDocuments(fs.readFileSync(path.join(DIR, file), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    return { ...(doc.toJS() as K8sObject), file };
  }),
);
const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const all = (kind: string) => objects.filter((o) => o.kind === kind);
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('deploy/k8s', () => {
  test('when every object is validated against the Kubernetes schemas, then none is invalid', () => {
    const result = spawnSync(process.execPath, [path.join(__dirname, 'validate-k8s.mjs')], {
      cwd: ROOT,
      input: JSON.stringify(objects.map(({ file: _file, ...o }) => o)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  test('when kustomize builds the folder, then it lists every manifest', () => {
    const kustomization = parseAllDocuments(fs.readFileSync(path.join(DIR, 'kustomization.yaml'), 'utf8'))[0]!.toJS();
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
  });

  test.each(APP_SERVICES)('when %s is deployed, then it has a Deployment, a Service, an HPA and a PDB that all select it', (name) => {
    const deployment = find('Deployment', name)!;
    expect(deployment).toBeDefined();
    const podLabels = deployment.spec.template.metadata.labels;
    expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);

    const service = find('Service', name)!;
    expect(matches(service.spec.selector, podLabels)).toBe(true);
    const portNames = deployment.spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name);
    for (const port of service.spec.ports) expect(portNames).toContain(port.targetPort);

    const hpa = find('HorizontalPodAutoscaler', name)!;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    expect(deployment.spec.replicas).toBe(hpa.spec.minReplicas);

    const pdb = find('PodDisruptionBudget', name)!;
    expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
    // The budget never forbids every eviction: some pods may always go.
    expect(pdb.spec.minAvailable ?? 0).toBeLessThan(hpa.spec.minReplicas);
  });

  test('when an HPA or PDB names a workload, then that workload exists', () => {
    for (const hpa of all('HorizontalPodAutoscaler')) expect(find(hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name)).toBeDefined();
    for (const pdb of all('PodDisruptionBudget')) {
      const selected = [...all('Deployment'), ...all('StatefulSet')].filter((w) => matches(pdb.spec.selector.matchLabels, w.spec.template.metadata.labels));
      expect({ pdb: pdb.metadata.name, selects: selected.length }).toEqual({ pdb: pdb.metadata.name, selects: 1 });
    }
  });

  test.each(APP_SERVICES)('when %s runs, then its probes are /health/live and /health/ready on a port it serves, as non-root on a read-only root', (name) => {
    const pod = find('Deployment', name)!.spec.template.spec;
    const [container] = pod.containers;
    const port = name === 'gateway' ? 'http' : 'metrics';
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port });
    expect(container.ports.map((p: { name: string }) => p.name)).toContain(port);
    expect(container.env).toContainEqual({ name: 'UM_SERVICE', value: name });
    const metricsPort = container.ports.find((p: { name: string }) => p.name === 'metrics').containerPort;
    expect(String(metricsPort)).toBe(find('ConfigMap', 'um-config')!.data.UM_METRICS_PORT);

    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(container.resources.requests.cpu).toBeDefined();
    expect(container.resources.requests.memory).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    // Long enough to drain: stopDelay 1 s + shutdownTimeout 10 s (libs/platform/src/broker.ts), + preStop.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(16);
  });

  test('when configuration is given, then ConfigMaps hold no secret and every referenced ConfigMap and Secret exists', () => {
    for (const configMap of all('ConfigMap')) {
      for (const [key, value] of Object.entries(configMap.data ?? {})) {
        expect({ key, secretLike: /PASSWORD|SECRET|TOKEN|CREDENTIAL|(^|_)KEY$/i.test(key) }).toEqual({ key, secretLike: false });
        expect({ key, credentialsInUrl: /:\/\/[^/\s:@]+:[^/\s@]+@/.test(String(value)) }).toEqual({ key, credentialsInUrl: false });
      }
    }
    // The connection strings carry credentials: they are secrets.
    const secrets = find('Secret', 'um-secrets')!;
    expect(Object.keys(secrets.stringData).sort()).toEqual(['MONGO_URL', 'NATS_URL']);
    expect(find('Secret', 'um-identity-secrets')!.stringData.UM_BOOTSTRAP_OPERATOR_PASSWORD).toBe('REPLACE_ME');
    for (const deployment of all('Deployment')) {
      for (const ref of deployment.spec.template.spec.containers[0].envFrom) {
        const kind = ref.configMapRef ? 'ConfigMap' : 'Secret';
        const name = (ref.configMapRef ?? ref.secretRef).name;
        expect({ deployment: deployment.metadata.name, ref: name, exists: Boolean(find(kind, name)) }).toEqual({ deployment: deployment.metadata.name, ref: name, exists: true });
      }
      // Only identity sees the bootstrap operator's password.
      const seesBootstrap = deployment.spec.template.spec.containers[0].envFrom.some((r: any) => r.secretRef?.name === 'um-identity-secrets');
      expect(seesBootstrap).toBe(deployment.metadata.name === 'identity');
    }
  });

  test('when NATS is deployed, then it is a JetStream StatefulSet with a volume per server and the config of deploy/nats/nats.conf', () => {
    const conf = fs.readFileSync(path.join(ROOT, 'deploy/nats/nats.conf'), 'utf8');
    expect(conf).toMatch(/jetstream\s*\{[^}]*store_dir:\s*\/data\/jetstream/);
    expect(conf).toMatch(/authorization\s*\{/);
    expect(find('ConfigMap', 'nats-config')!.data['nats.conf']).toBe(conf);

    const nats = find('StatefulSet', 'nats')!;
    expect(nats.spec.replicas).toBe(3);
    expect(nats.spec.volumeClaimTemplates.map((v: any) => v.metadata.name)).toEqual(['data']);
    const container = nats.spec.template.spec.containers[0];
    expect(container.image).toMatch(/^nats:2\.15/);
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data/jetstream' });
    expect(container.livenessProbe.httpGet.path).toMatch(/^\/healthz/);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(find('Service', nats.spec.serviceName)!.spec.clusterIP).toBe('None');
    for (const route of conf.match(/nats:\/\/nats-\d\.nats-headless:6222/g) ?? []) expect(route).toMatch(new RegExp(`${nats.spec.serviceName}`));
    // Only the system's own pods reach NATS.
    const policy = find('NetworkPolicy', 'nats-clients')!;
    expect(matches(policy.spec.podSelector.matchLabels, nats.spec.template.metadata.labels)).toBe(true);
  });

  test('when MongoDB is looked for, then it is not run here: MONGO_URL points at an operator-run or managed replica set', () => {
    expect(objects.some((o) => /mongo/i.test(o.metadata.name) && ['StatefulSet', 'Deployment'].includes(o.kind))).toBe(false);
    expect(find('Secret', 'um-secrets')!.stringData.MONGO_URL).toMatch(/replicaSet=/);
  });
});
