/**
 * Property-based fuzzing (fast-check) of every operation the running gateway lists in /docs/json:
 * its path parameters, query and body, as the contact-centre operator, as an access manager (RAE),
 * and without a session. Cases are schema-shaped values (from the operation's own JSON schemas, with
 * valid identifiers so that they reach the services), the same with one value made hostile (wrong
 * type, control and right-to-left characters, NUL, huge strings, unknown keys, missing keys),
 * arbitrary JSON, other media types, and path parameters of every length and encoding.
 *
 * What must hold for every case: no answer ≥ 500, and every 4xx is application/problem+json whose
 * status is the HTTP status and whose `code` is in the enum that /docs/json declares for that
 * operation and status.
 *
 * Deterministic: the cases come from a fixed seed (FUZZ_SEED, printed), FUZZ_RUNS per operation
 * (default 300), sent round by round across all operations, so that the time bound (FUZZ_SECONDS,
 * default 180) cuts every operation's share alike; the count run is printed. Placeholders ($OWN,
 * $PERSON, …) are resolved at send time to the actor's enterprise and to objects made in setup, so
 * that schema-shaped cases reach the owning services, not only the gateway's validation.
 */
import fc from 'fast-check';
import { syntheticEnterpriseNumber, syntheticNiss } from '@um/domain';
import { GOOD_PASSWORD, onboardingBody, personBody } from '../support/fixtures';
import { expectOk, startTestSystem, type TestSystem } from '../support/system';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 180);
const CONCURRENCY = 6;

type Actor = 'operator' | 'rae' | 'none' | 'garbage';

interface Operation {
  method: string;
  /** The OpenAPI path, `{name}` parameters. */
  path: string;
  operationId: string;
  pathParams: Array<{ name: string; schema: any }>;
  queryParams: Array<{ name: string; schema: any; required: boolean }>;
  body?: { contentTypes: string[]; schema: any };
  /** status → the codes the description declares. */
  codes: Map<number, Set<string>>;
}

interface Case {
  actor: Actor;
  params: Record<string, string>;
  /** How the path parameters are put into the URL: encoded, or raw (only `/?#` escaped). */
  rawPath: boolean;
  query: Array<[string, string]>;
  body?: { contentType: string; payload: string };
}

let sys: TestSystem;
let doc: any;
let operations: Operation[] = [];
const actors: { operator: string; rae: string } = { operator: '', rae: '' };
/** Sessions of their own for the logout cases, so that a logout ends none of the actors' sessions. */
const sacrificial: string[] = [];
const world = { enterpriseA: '', enterpriseC: '', enterpriseD: '', raeUsername: '', decoyUsername: '', personIds: [] as string[], channelIds: [] as string[] };

beforeAll(async () => {
  // Fuzzed logins come "from" many addresses (X-Forwarded-For, believed from loopback), so that
  // their failures do not address-limit the logins this suite itself makes from 127.0.0.1.
  sys = await startTestSystem({ env: { UM_TRUSTED_PROXIES: '127.0.0.1' } });
  const operator = await sys.api.operator();
  actors.operator = operator.token;
  // A: the RAE's enterprise; C and D: where the operator acts (replacing C's access manager, say,
  // harms no actor); the RAE's "other" enterprise is C.
  const a = onboardingBody({ eligibleQualities: ['employer', 'mandatary'] });
  const c = onboardingBody({ eligibleQualities: ['employer'] });
  const d = onboardingBody({ eligibleQualities: ['employer'] });
  for (const body of [a, c, d]) await expectOk('onboard', sys.api.post('/admin/enterprises', body, operator.token));
  world.enterpriseA = a.enterpriseNumber;
  world.enterpriseC = c.enterpriseNumber;
  world.enterpriseD = d.enterpriseNumber;
  for (let i = 0; i < 3; i += 1) sacrificial.push((await sys.api.operator()).token);
  world.raeUsername = a.accessManager.username;
  actors.rae = (await sys.api.loginAs(a.accessManager.username, GOOD_PASSWORD)).token;
  const A = world.enterpriseA;
  await expectOk('employer', sys.api.post(`/enterprises/${A}/qualities`, { type: 'employer', data: { employerRegistrationNumber: '123456789' }, localManager: personBody() }, actors.rae));
  const user = await expectOk<any>('user', sys.api.post(`/enterprises/${A}/qualities/employer/users`, { ...personBody(), applications: ['dimona'] }, actors.rae));
  const coRaeBody = personBody();
  const coRae = await expectOk<any>('co-RAE', sys.api.post(`/enterprises/${A}/co-access-managers`, coRaeBody, actors.rae));
  // The username fuzzed logins and registrations use: its lock-out by wrong passwords harms no actor.
  world.decoyUsername = coRaeBody.username;
  const coGl = await expectOk<any>('co-GL', sys.api.post(`/enterprises/${A}/qualities/employer/co-local-managers`, personBody(), actors.rae));
  world.personIds = [user.personId, coRae.personId, coGl.personId];
  const channel = await expectOk<any>('channel', sys.api.post(`/enterprises/${A}/batch-channels`, { type: 'isabel', name: 'fuzz', parameters: { mailbox: 'fuzz' } }, actors.rae));
  world.channelIds = [channel.channelId];

  const res = await fetch(`${sys.baseUrl}/docs/json`);
  doc = await res.json();
  operations = operationsOf(doc);
});
afterAll(async () => {
  await sys?.shutdown();
});

// ---- the description -----------------------------------------------------------------------

function resolve(schema: any): any {
  if (schema && typeof schema.$ref === 'string') return resolve(doc.components.schemas[schema.$ref.split('/').pop()]);
  return schema ?? {};
}

function operationsOf(description: any): Operation[] {
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries<Record<string, any>>(description.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [method, op] of Object.entries<any>(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const parameters: any[] = op.parameters ?? [];
      const codes = new Map<number, Set<string>>();
      for (const [status, response] of Object.entries<any>(op.responses)) {
        const schema = response.content?.['application/problem+json']?.schema;
        if (schema) codes.set(Number(status), new Set(schema.allOf?.[1]?.properties?.code?.enum ?? []));
      }
      const content = op.requestBody?.content as Record<string, { schema: any }> | undefined;
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: resolve(p.schema) })),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: resolve(p.schema), required: Boolean(p.required) })),
        ...(content ? { body: { contentTypes: Object.keys(content), schema: resolve(Object.values(content)[0]?.schema) } } : {}),
        codes,
      });
    }
  }
  return out;
}

// ---- values ----------------------------------------------------------------------------------

const CONTROL = ['\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u200b', '\u202e', '\u2028', '\ufeff', '\ud800'];
/** Strings that have broken programs before. */
const NASTY = fc.constantFrom(
  '',
  ' ',
  '   x   ',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  '1e309',
  'NaN',
  '{"$gt":""}',
  '$where',
  '$natural',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '%00',
  '%',
  '%zz',
  '<script>alert(1)</script>',
  "'; DROP TABLE users; --",
  'Ann\u202eeciloP',
  'A\u0000B',
  'é'.normalize('NFD'),
  '😀👍🏽🇧🇪',
  '\ud83d',
  'ß'.repeat(40),
  'x'.repeat(101),
  'x'.repeat(300),
  '0'.repeat(11),
  '0403170701',
  '85073003328',
  'a@b.c',
  `${'l'.repeat(103)}@example.be`,
  'ebox',
  '0'.repeat(24),
  'f'.repeat(24),
);
const hostileString = fc.oneof(
  { weight: 3, arbitrary: NASTY },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...CONTROL, 'a', 'Z', '9', ' ', '-', '@', '.'), { maxLength: 20 }).map((chars) => chars.join('')) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 80_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 50, maxLength: 200 }) },
);
/** A JSON value nested deeper than any schema. */
const deep = fc.integer({ min: 50, max: 3000 }).map((n) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`));
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, 0, -1, 2 ** 53, 1e308, [], {}) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }) },
  { weight: 1, arbitrary: deep },
);

/** Valid values for the fields whose rules random strings never meet, so that cases get past validation. */
const KNOWN: Record<string, fc.Arbitrary<unknown>> = {
  niss: fc.integer({ min: 1, max: 27_000 }).map(syntheticNiss),
  enterpriseNumber: fc.oneof(fc.constant('$OWN'), fc.constant('$OTHER'), fc.integer({ min: 10_000_000, max: 18_999_999 }).map(syntheticEnterpriseNumber)),
  mandataryEnterpriseNumber: fc.oneof(fc.constant('$OTHER'), fc.integer({ min: 10_000_000, max: 18_999_999 }).map(syntheticEnterpriseNumber)),
  recipient: fc.oneof(fc.constant('$OWN'), fc.constant('$OTHER')),
  username: fc.oneof(fc.constant('$OWN_USERNAME'), fc.stringMatching(/^[a-z0-9]{8,30}$/)),
  password: fc.constantFrom(GOOD_PASSWORD, 'Another#2026', 'short'),
  newPassword: fc.constantFrom(GOOD_PASSWORD, 'Another#2026'),
  currentPassword: fc.constantFrom('Wrong#2026xx'),
  personId: fc.oneof(fc.constant('$PERSON'), fc.stringMatching(/^[0-9a-f]{24}$/)),
  channelId: fc.oneof(fc.constant('$CHANNEL'), fc.constant('ebox'), fc.stringMatching(/^[0-9a-f]{24}$/)),
  channel: fc.oneof(fc.constant('$CHANNEL'), fc.constant('ebox')),
  roleId: fc.stringMatching(/^[0-9a-f]{24}$/),
  email: fc.constantFrom('ann.peeters@example.be', 'x@example.com'),
  contactEmail: fc.constantFrom('contact@example.be'),
  companyEmail: fc.constantFrom('ann@acme.example'),
  validFrom: fc.constantFrom('2026-01-01', '2020-02-29'),
  validTo: fc.constantFrom('2099-12-31', '2019-01-01'),
};

/** A value shaped like `schema` (JSON Schema as /docs/json gives it), `key` being its field name. */
function shaped(schema: any, key = '', depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  if (key in KNOWN && depth > 0) return KNOWN[key]!;
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  if ('const' in s) return fc.constant(s.const);
  const options = s.anyOf ?? s.oneOf;
  if (Array.isArray(options) && options.length > 0) return fc.oneof(...options.map((o: any) => shaped(o, key, depth)));
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return shaped(s.allOf[0], key, depth);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  if (depth > 6) return fc.constant(null);
  switch (type) {
    case 'string': {
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 30, 60);
      if (s.format === 'email') return KNOWN.email!;
      if (s.format === 'date' || s.format === 'date-time') return fc.constantFrom('2026-01-01', '2026-12-31T10:00:00.000Z');
      if (typeof s.pattern === 'string') {
        try {
          return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity));
        } catch {
          /* a pattern JavaScript cannot read: plain strings */
        }
      }
      return fc.string({ minLength: min, maxLength: Math.max(min, max) });
    }
    case 'integer':
      return fc.integer({ min: s.minimum ?? -10, max: s.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -10, max: s.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(shaped(s.items ?? {}, key, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) });
    case 'object': {
      const properties: Record<string, any> = s.properties ?? {};
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, child] of Object.entries(properties)) record[name] = shaped(child, name, depth + 1);
      const required = (s.required ?? []).filter((r: string) => r in properties);
      return fc.record(record, { requiredKeys: required });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** `value` with its n-th leaf (or the whole, when it has none) replaced by `leaf`, a key added or one removed. */
function spoil(value: unknown, n: number, leaf: unknown, how: 'replace' | 'add' | 'remove'): unknown {
  let index = 0;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      if (how !== 'replace' && index++ === n % 7) {
        if (how === 'add') return { ...(v as object), [typeof leaf === 'string' && leaf.length < 40 ? leaf || 'extra' : 'extra']: leaf };
        return Object.fromEntries(entries.slice(1));
      }
      return Object.fromEntries(entries.map(([k, child]) => [k, walk(child)]));
    }
    return how === 'replace' && index++ === n ? leaf : v;
  };
  const out = walk(value);
  return how === 'replace' && index <= n ? leaf : out;
}

function bodyArb(op: Operation): fc.Arbitrary<Case['body']> {
  const spec = op.body;
  const json = (value: unknown) => ({ contentType: 'application/json', payload: JSON.stringify(value) ?? 'null' });
  const good = spec ? shaped(spec.schema) : fc.constant({});
  const spoiled = fc.tuple(good, fc.nat(), hostileValue, fc.constantFrom('replace' as const, 'add' as const, 'remove' as const)).map(([v, n, leaf, how]) => spoil(v, n, leaf, how));
  const raw = fc.tuple(
    fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'application/x-pem-file', 'application/pkix-cert', ''),
    fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('{"a":', '{}', 'null', '[]', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000')),
  ).map(([contentType, payload]) => ({ contentType, payload }));
  const declared = spec && !spec.contentTypes.includes('application/json') ? fc.tuple(fc.constantFrom(...spec.contentTypes), fc.string({ unit: 'binary', maxLength: 300 })).map(([contentType, payload]) => ({ contentType, payload })) : undefined;
  return fc.oneof(
    { weight: spec ? 4 : 1, arbitrary: good.map(json) },
    { weight: spec ? 4 : 1, arbitrary: spoiled.map(json) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json) },
    { weight: 1, arbitrary: raw },
    { weight: declared ? 3 : 0, arbitrary: declared ?? fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function caseArb(op: Operation): fc.Arbitrary<Case> {
  const params: Record<string, fc.Arbitrary<string>> = {};
  for (const p of op.pathParams) {
    params[p.name] = fc.oneof(
      // Mostly well-formed, so that most cases with several parameters get past the path.
      { weight: 12, arbitrary: shaped(p.schema, p.name, 1).map(String) },
      { weight: 3, arbitrary: hostileString },
      { weight: 1, arbitrary: fc.integer({ min: 95, max: 140 }).map((n) => '1'.repeat(n)) },
    );
  }
  const query = fc
    .tuple(
      fc.record(Object.fromEntries(op.queryParams.map((q) => [q.name, fc.oneof({ weight: 3, arbitrary: shaped(q.schema, q.name, 1) }, { weight: 2, arbitrary: hostileValue })])), {
        requiredKeys: [],
      }),
      fc.option(fc.tuple(hostileString, hostileString), { freq: 5 }),
      fc.boolean(),
    )
    .map(([values, extra, repeat]) => {
      const pairs: Array<[string, string]> = [];
      for (const [k, v] of Object.entries(values)) {
        const text = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
        pairs.push([k, text]);
        if (repeat) pairs.push([k, text]);
      }
      if (extra) pairs.push(extra);
      return pairs;
    });
  return fc.record({
    actor: fc.constantFrom<Actor>('operator', 'rae', 'rae', 'operator', 'rae', 'none', 'garbage'),
    params: fc.record(params),
    rawPath: fc.boolean(),
    query,
    body: op.method === 'GET' ? fc.constant(undefined) : bodyArb(op),
  });
}

// ---- sending and judging -------------------------------------------------------------------

function placeholders(actor: Actor, text: string, pick: number): string {
  const own = actor === 'operator' ? world.enterpriseC : world.enterpriseA;
  const other = actor === 'operator' ? world.enterpriseD : world.enterpriseC;
  return text
    .replaceAll('$OWN_USERNAME', world.decoyUsername)
    .replaceAll('$OWN', own)
    .replaceAll('$OTHER', other)
    .replaceAll('$PERSON', world.personIds[pick % world.personIds.length]!)
    .replaceAll('$CHANNEL', world.channelIds[pick % world.channelIds.length]!);
}

/** Percent-encoding of the UTF-8 bytes (a lone surrogate becomes U+FFFD, as a browser would send it). */
const encode = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

function urlOf(op: Operation, c: Case, pick: number): string {
  let path = op.path;
  for (const p of op.pathParams) {
    const value = placeholders(c.actor, c.params[p.name] ?? '', pick);
    const encoded = c.rawPath ? value.replace(/[/?#]/g, encode) : encode(value);
    path = path.replace(`{${p.name}}`, encoded);
  }
  const query = c.query.map(([k, v]) => `${encode(k)}=${encode(placeholders(c.actor, v, pick))}`).join('&');
  return `${path}${query ? `?${query}` : ''}`;
}

interface Finding {
  operation: string;
  status: number;
  code?: string;
  why: string;
  request: string;
}

async function send(op: Operation, c: Case, index: number, statuses: Map<number, number>): Promise<Finding | undefined> {
  const headers: Record<string, string> = { 'x-forwarded-for': `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}` };
  if (c.actor === 'operator' || c.actor === 'rae') headers.authorization = `Bearer ${op.operationId === 'logout' ? sacrificial[index % sacrificial.length] : actors[c.actor]}`;
  if (c.actor === 'garbage') headers.authorization = `Bearer ${'Z'.repeat(43)}`;
  let body: string | undefined;
  if (c.body) {
    if (c.body.contentType) headers['content-type'] = c.body.contentType;
    body = placeholders(c.actor, c.body.payload, index);
  }
  const url = urlOf(op, c, index);
  const describe = () => `${op.method} ${url.slice(0, 300)} as ${c.actor}${body !== undefined ? ` (${c.body?.contentType}) ${body.slice(0, 300)}` : ''}`;
  let res: Response;
  try {
    res = await fetch(`${sys.baseUrl}${url}`, { method: op.method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    return { operation: op.operationId, status: 0, why: `no answer: ${(err as Error).message}`, request: describe() };
  }
  const text = await res.text();
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  if (res.status >= 500) return { operation: op.operationId, status: res.status, why: `5xx: ${text.slice(0, 300)}`, request: describe() };
  if (res.status < 400) return undefined;
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) return { operation: op.operationId, status: res.status, why: `content-type ${type}: ${text.slice(0, 200)}`, request: describe() };
  let problem: any;
  try {
    problem = JSON.parse(text);
  } catch {
    return { operation: op.operationId, status: res.status, why: `not JSON: ${text.slice(0, 200)}`, request: describe() };
  }
  if (problem.status !== res.status) return { operation: op.operationId, status: res.status, code: problem.code, why: `problem.status ${problem.status}`, request: describe() };
  // A path parameter that is a dot segment ('.', '..', '%2e') is resolved away by the URL parser
  // before the request is sent: it then addresses another path, whose 404 or 405 is the right answer.
  const elsewhere = new URL(url, sys.baseUrl).pathname !== url.split('?')[0];
  if (elsewhere && ['NOT_FOUND', 'METHOD_NOT_ALLOWED'].includes(problem.code)) return undefined;
  const declared = op.codes.get(res.status);
  if (!declared?.has(problem.code)) {
    return { operation: op.operationId, status: res.status, code: problem.code, why: `code not in the enum declared for ${res.status}: ${[...(declared ?? [])].join(', ') || 'no such status declared'}`, request: describe() };
  }
  return undefined;
}

/** Sessions the fuzz may have ended (a logout, a replaced access manager) are made again. */
async function ensureActors(): Promise<void> {
  const alive = async (token: string) => (await fetch(`${sys.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status === 200;
  if (!(await alive(actors.operator))) actors.operator = (await sys.api.operator()).token;
  if (!(await alive(actors.rae))) actors.rae = (await sys.api.loginAs(world.raeUsername, GOOD_PASSWORD)).token;
}

test('when every operation of /docs/json is fuzzed, then no answer is ≥ 500 and every 4xx is a problem with a declared code', async () => {
  expect(operations.length).toBeGreaterThan(40);
  const plans = operations.map((op, i) => ({ op, cases: fc.sample(caseArb(op), { seed: SEED + i, numRuns: RUNS }) }));
  const deadline = Date.now() + SECONDS * 1000;
  const findings: Finding[] = [];
  const perOperation = new Map<string, number>();
  const timeSpent = new Map<string, number>();
  const statuses = new Map<number, number>();
  let run = 0;
  let stoppedEarly = false;
  const ROUND = 10;
  for (let from = 0; from < RUNS && !stoppedEarly; from += ROUND) {
    await ensureActors();
    const batch = plans.flatMap(({ op, cases }) => cases.slice(from, from + ROUND).map((c, k) => ({ op, c, index: from + k })));
    let next = 0;
    const worker = async () => {
      while (next < batch.length) {
        if (Date.now() > deadline) {
          stoppedEarly = true;
          return;
        }
        const { op, c, index } = batch[next++]!;
        const started = Date.now();
        const finding = await send(op, c, index, statuses);
        run += 1;
        perOperation.set(op.operationId, (perOperation.get(op.operationId) ?? 0) + 1);
        timeSpent.set(op.operationId, (timeSpent.get(op.operationId) ?? 0) + Date.now() - started);
        if (finding) findings.push(finding);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }
  const fewest = Math.min(...operations.map((op) => perOperation.get(op.operationId) ?? 0));
  process.stdout.write(
    `\nfuzz: ${run} cases over ${operations.length} operations (seed ${SEED}, up to ${RUNS} per operation, at least ${fewest} each${stoppedEarly ? `, stopped by the ${SECONDS} s bound` : ''}); ${findings.length} findings\n`,
  );
  const slowest = [...timeSpent].map(([id, ms]) => [id, Math.round(ms / (perOperation.get(id) ?? 1))] as const).sort((a, b) => b[1] - a[1]).slice(0, 5);
  process.stdout.write(`fuzz: answers by status: ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}\n`);
  process.stdout.write(`fuzz: slowest operations (mean ms per case): ${slowest.map(([id, ms]) => `${id} ${ms}`).join(', ')}\n`);
  // One example of each kind of finding (operation, status, code, reason).
  const byKind = new Map<string, Finding>();
  for (const f of findings) byKind.set(`${f.operation} ${f.status} ${f.code ?? ''} ${f.why.slice(0, 40)}`, f);
  expect([...byKind.values()].slice(0, 40)).toEqual([]);
  expect(fewest).toBeGreaterThan(0);
}, (SECONDS + 60) * 1000);

test('when /docs is read over plain HTTP, then its CSP does not upgrade the UI\'s own requests to HTTPS', async () => {
  const res = await fetch(`${sys.baseUrl}/docs`, { redirect: 'follow' });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
  const api = await fetch(`${sys.baseUrl}/api/v1/me`);
  expect(api.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
});
