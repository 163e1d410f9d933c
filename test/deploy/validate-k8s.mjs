// Validates Kubernetes objects against the API's JSON schemas bundled in the kubernetes-models
// package (ESM only, hence this helper run by test/deploy/k8s.test.ts in a child process).
// Input on stdin: a JSON array of objects. Output: a JSON array of {index, kind, name, error}.
import { readFileSync } from 'node:fs';

const MODELS = {
  'v1/Namespace': 'kubernetes-models/v1/Namespace',
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/Service': 'kubernetes-models/v1/Service',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'apps/v1/StatefulSet': 'kubernetes-models/apps/v1/StatefulSet',
  'autoscaling/v2/HorizontalPodAutoscaler': 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'networking.k8s.io/v1/NetworkPolicy': 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
};

const objects = JSON.parse(readFileSync(0, 'utf8'));
const problems = [];
for (const [index, object] of objects.entries()) {
  const key = `${object.apiVersion}/${object.kind}`;
  const name = object.metadata?.name;
  const module = MODELS[key];
  if (!module) {
    problems.push({ index, kind: key, name, error: 'no schema known for this kind' });
    continue;
  }
  const exported = await import(module);
  const Model = exported[object.kind] ?? exported.default;
  try {
    new Model(object).validate();
  } catch (err) {
    problems.push({ index, kind: key, name, error: String(err.message ?? err) });
  }
}
process.stdout.write(JSON.stringify(problems));
