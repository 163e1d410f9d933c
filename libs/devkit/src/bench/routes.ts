/**
 * The routes at scale: seeds 100k persons with one membership each over 1k enterprises straight
 * into the services' collections (the mongo driver, not HTTP: one argon2id per person would take
 * hours; every seeded account shares one hash of a known password, made by identity), restarts
 * user-management so its projection loads them, then measures through the gateway, each route
 * flat out (a fixed number in flight) and at a fixed offered rate (open loop, latency from each
 * request's scheduled start): GET /health/live (the baseline every other figure is a ratio to),
 * the authorization check, GET /me, get-user, quality search, enterprise search, login and
 * register-user, with CPU per request by process.
 */
import os from 'node:os';
import { MongoClient, ObjectId } from 'mongodb';
import { syntheticEnterpriseNumber, syntheticNiss } from '@um/domain';
import { stopProcess } from '../supervisor.js';
import { waitForHttp200 } from '../net.js';
import { keepAliveJson } from '../api-client.js';
import { cpuPerUnit, cpuSnapshot } from './cpu.js';
import { atRate } from './rate.js';
import { loadgen, type LoadTemplate } from './loadgen.js';
import { load, percentile, type BenchScenario } from './types.js';

/** 100 users each; `UM_BENCH_ENTERPRISES` makes a smaller store for a quick run (the figures in docs/ use 1,000). */
const ENTERPRISES = Number(process.env.UM_BENCH_ENTERPRISES ?? 1_000);
/** `UM_BENCH_ROUTES=health,check,me` measures only those routes (the baseline, health, always runs). */
const ONLY = process.env.UM_BENCH_ROUTES?.split(',').map((s) => s.trim()).filter(Boolean);
const USERS_PER_ENTERPRISE = 100;
const PASSWORD = 'Bench#2026pw';
const RAE = 'benchrae0000000';
/**
 * Each route: flat out with `inFlight` requests at a time (`flat` of them; 32 on the cheap routes,
 * as in the measurement from outside the goals start from: 32 connections), then `total` at `rate`
 * offered per second (5 to 10 s of it on the cheap routes: a p99 over a short run is one stall of
 * the machine more or less). The rates are the issue's goals where it sets one (GET /me and get-user at
 * 2,000/s, login at 30/s, the check at 10,000/s), else a rate the route is expected to carry.
 */
const ROUTES = {
  health: { inFlight: 32, flat: 20_000, rate: 2_000, total: 20_000 },
  check: { inFlight: 32, flat: 30_000, rate: 10_000, total: 50_000 },
  me: { inFlight: 32, flat: 10_000, rate: 2_000, total: 20_000 },
  getUser: { inFlight: 32, flat: 10_000, rate: 2_000, total: 20_000 },
  searchQuality: { inFlight: 8, flat: 2_000, rate: 200, total: 2_000 },
  searchEnterprise: { inFlight: 8, flat: 2_000, rate: 100, total: 1_000 },
  login: { inFlight: 8, flat: 200, rate: 30, total: 300 },
  register: { inFlight: 4, flat: 100, rate: 10, total: 100 },
} as const;
/** Requests before measuring, so the processes' compiled code and heaps have settled. */
const WARM_UP = 5_000;
const APPS = ['dimona', 'dmfa', 'drs', 'ebox'];
/** Away from the numbers tests use. */
const EN_BASE = 5_000_000;
const enterpriseNumber = (i: number) => syntheticEnterpriseNumber(EN_BASE + i);
const FIRST = ['ann', 'bert', 'chris', 'dirk', 'els', 'fien', 'geert', 'hilde', 'ilse', 'jan'];
const LAST = ['peeters', 'janssens', 'maes', 'jacobs', 'mertens', 'willems', 'claes', 'goossens', 'wouters', 'dubois'];

export const scenario: BenchScenario = {
  name: 'routes',
  description: `${ENTERPRISES * USERS_PER_ENTERPRISE} persons and memberships over ${ENTERPRISES} enterprises (employer): each route flat out and at a fixed offered rate, as a ratio to GET /health/live`,
  async run({ api, system, infra, report, progress }) {
    // The bench runner gives the system `bench<its pid>` (this process) unless UM_DB_PREFIX is set.
    const prefix = process.env.UM_DB_PREFIX ?? `bench${process.pid}`;
    const client = await MongoClient.connect(infra.mongoUrl);
    const db = (service: string) => client.db(`${prefix}-${service}`);
    // Enterprise 0 and its RAE go through HTTP, so the one password hash every seeded account
    // shares is made by identity itself (argon2id at the configured cost).
    const operator = await api.operator();
    const onboarded = await api.post('/admin/enterprises', {
      enterpriseNumber: enterpriseNumber(0),
      name: 'Bench 0',
      eligibleQualities: ['employer'],
      accessManager: { niss: syntheticNiss(9_000_000), firstName: 'Rae', lastName: 'Bench', language: 'en', username: RAE, password: PASSWORD },
    }, operator.token);
    if (onboarded.status !== 201) throw new Error(`onboarding: ${onboarded.status} ${JSON.stringify(onboarded.body)}`);
    const raeDoc = await db('identity').collection('persons').findOne({ 'account.username': RAE });
    const hash = raeDoc?.account?.passwordHash as string;
    const now = new Date();
    const total = ENTERPRISES * USERS_PER_ENTERPRISE;
    const sample: Array<{ username: string; personId: string; en: string; apps: string[] }> = [];
    const firstEnterpriseMembers: string[] = [];
    for (let e = 0; e < ENTERPRISES; e += 1) {
      const en = enterpriseNumber(e);
      const persons = [];
      const roles = [];
      const memberships = [];
      for (let u = 0; u < USERS_PER_ENTERPRISE; u += 1) {
        const i = e * USERS_PER_ENTERPRISE + u;
        const _id = new ObjectId();
        const roleId = new ObjectId();
        const username = `bench${String(i).padStart(7, '0')}`;
        const firstName = FIRST[i % 10]!;
        const lastName = `${LAST[Math.floor(i / 10) % 10]}${i}`;
        const apps = APPS.filter((_a, k) => (i >> k) & 1);
        persons.push({ _id, niss: syntheticNiss(i), firstName, lastName, language: 'nl', emails: [`${username}@bench.example`], account: { username, passwordHash: hash, status: 'active', passwordChangedAt: now }, createdAt: now, updatedAt: now });
        roles.push({ _id: roleId, personId: _id, kind: 'user', enterpriseNumber: en, quality: 'employer', status: 'active', createdAt: now, updatedAt: now });
        memberships.push({
          _id: `${en}:employer:${String(_id)}` as unknown as ObjectId,
          personId: String(_id), enterpriseNumber: en, quality: 'employer', roleId: String(roleId), kind: 'user', status: i % 17 === 0 ? 'blocked' : 'active', applications: apps,
          username, firstName, lastName, niss: syntheticNiss(i), language: 'nl', emails: [`${username}@bench.example`], accountStatus: 'active',
          usernameLower: username, firstNameLower: firstName, lastNameLower: lastName, emailsLower: [`${username}@bench.example`], createdAt: now, updatedAt: now,
        });
        if (u === 1 && sample.length < 8) sample.push({ username, personId: String(_id), en, apps });
        if (e === 0) firstEnterpriseMembers.push(String(_id));
      }
      await Promise.all([
        db('identity').collection('persons').insertMany(persons, { ordered: false }),
        db('identity').collection('roles').insertMany(roles, { ordered: false }),
        db('user-management').collection('memberships').insertMany(memberships, { ordered: false }),
        e === 0
          ? Promise.resolve()
          : db('enterprise').collection('enterprises').insertOne({ _id: en as unknown as ObjectId, name: `Bench ${e}`, eligibleQualities: ['employer'], status: 'active', createdAt: now, updatedAt: now }),
        db('quality').collection('qualities').insertOne({ _id: `${en}:employer` as unknown as ObjectId, enterpriseNumber: en, type: 'employer', data: { employerRegistrationNumber: '123456789' }, status: 'active', activatedAt: now, createdAt: now, updatedAt: now }),
      ]);
      progress('seeding users', (e + 1) * USERS_PER_ENTERPRISE, total);
    }
    await client.close();

    // The projection loads at start: restart user-management to load the seeded memberships.
    const loadStarted = Date.now();
    for (const proc of system.of('user-management')) await stopProcess(proc);
    system.startInstance('user-management');
    await waitForHttp200(`${system.baseUrl}/health/ready`, 300_000);
    const loadMs = Date.now() - loadStarted;
    report(`seeded: ${total} users, ${ENTERPRISES} enterprises; user-management restart with projection load: ${(loadMs / 1000).toFixed(1)} s`);

    const sessions: Array<(typeof sample)[number] & { token: string }> = [];
    for (const s of sample) {
      const login = await api.post('/auth/login', { username: s.username, password: PASSWORD });
      if (login.status !== 200) throw new Error(`login ${s.username}: ${login.status}`);
      sessions.push({ ...s, token: login.body.token as string });
    }
    const rae = await api.loginAs(RAE, PASSWORD);
    const en0 = enterpriseNumber(0);
    const request = keepAliveJson(system.baseUrl, 64);
    const expect = (what: string, res: { status: number; body?: unknown }, want: number) => {
      if (res.status !== want) throw new Error(`${what}: ${res.status} ${(res.body as { code?: string } | undefined)?.code ?? ''}`.trim());
    };
    let registered = 0;
    const registerSeed = Math.floor(Math.random() * 1_000_000);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const api1 = (path: string) => `/api/v1${path}`;
    // The read routes are sent by tools/loadgen (Go) from these templates (request i is template
    // i % their number); login and register-user, which change with every request, by the Node client.
    const routes: Array<{ key: keyof typeof ROUTES; label: string; templates?: LoadTemplate[]; task?: (i: number) => Promise<void> }> = [
      { key: 'health', label: 'GET /health/live', templates: [{ path: '/health/live' }] },
      {
        key: 'check',
        label: 'GET /authorizations/check',
        // Session i % 8 asks for application i % 4 (8 templates cover every pair the load makes).
        templates: Array.from({ length: 8 }, (_v, i) => {
          const s = sessions[i % sessions.length]!;
          const app = APPS[i % APPS.length]!;
          return { path: api1(`/authorizations/check?application=${app}&enterpriseNumber=${s.en}&quality=employer`), headers: bearer(s.token), bodyContains: `"allowed":${s.apps.includes(app)}` };
        }),
      },
      { key: 'me', label: 'GET /me', templates: sessions.map((s) => ({ path: api1('/me'), headers: bearer(s.token) })) },
      {
        key: 'getUser',
        label: 'GET …/qualities/employer/users/{personId}',
        templates: firstEnterpriseMembers.map((id) => ({ path: api1(`/enterprises/${en0}/qualities/employer/users/${id}`), headers: bearer(rae.token) })),
      },
      {
        key: 'searchQuality',
        label: 'GET …/qualities/employer/users?lastName= (page of 20)',
        templates: LAST.map((last) => ({ path: api1(`/enterprises/${en0}/qualities/employer/users?lastName=${last}&pageSize=20`), headers: bearer(rae.token) })),
      },
      {
        key: 'searchEnterprise',
        label: 'GET /enterprises/{en}/users?lastName= (page of 20)',
        templates: LAST.map((last) => ({ path: api1(`/enterprises/${en0}/users?lastName=${last}&pageSize=20`), headers: bearer(rae.token) })),
      },
      {
        key: 'login',
        label: 'POST /auth/login (argon2id)',
        // A different person each time, from an address of their own (through the gateway's trusted
        // proxy, as behind a load balancer): the throttle keeps its per-username and per-address records.
        task: async (i) => {
          const k = (i * 7_919 + 11) % total;
          const body = { username: `bench${String(k).padStart(7, '0')}`, password: PASSWORD };
          expect('login', await request('POST', '/api/v1/auth/login', { body, headers: { 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` } }), 200);
        },
      },
      {
        key: 'register',
        label: 'POST …/qualities/employer/users (new person, argon2id)',
        task: async () => {
          const n = registered++;
          const body = {
            niss: syntheticNiss(7_000_000 + registerSeed + n),
            firstName: 'New',
            lastName: `Member${[...String(n)].map((d) => 'abcdefghij'[Number(d)]).join('')}`,
            language: 'fr',
            username: `benchnew${registerSeed}x${n}`,
            password: PASSWORD,
            applications: ['dimona'],
          };
          expect('register', await request('POST', `/api/v1/enterprises/${en0}/qualities/employer/users`, { token: rae.token, body }), 201);
        },
      },
    ];

    const conditions = `store ${infra.store}; ${os.cpus().length} cores shared by every process, the load generator and other work on the machine; one process per service; loopback HTTP keep-alive; LOG_LEVEL=warn`;
    report(`conditions: ${conditions}`);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    // One run of a route: by tools/loadgen when it has templates, else by the Node client.
    const flatOut = async (route: (typeof routes)[number], total: number, inFlight: number) => {
      if (route.templates) return loadgen(system.baseUrl, { mode: 'flat', total, inFlight }, route.templates);
      let done = 0;
      const result = await load(total, inFlight, async (i) => {
        await route.task!(i);
        if (++done % 100 === 0) progress(`${route.label}, flat out`, done, total);
      });
      return { ...result, wrong: 0, shed: 0 };
    };
    const offered = async (route: (typeof routes)[number], rate: number, total: number) =>
      route.templates ? loadgen(system.baseUrl, { mode: 'rate', rate, total }, route.templates) : { ...(await atRate(rate, total, route.task!)), wrong: 0 };
    const wrongText = (route: (typeof routes)[number], wrong: number) => (route.templates?.some((t) => t.bodyContains) ? `; wrong answers ${wrong}` : '');
    // Warm-up on the cheap routes.
    for (const key of ['health', 'check', 'me', 'getUser'] as const) await flatOut(routes.find((r) => r.key === key)!, WARM_UP, 16);
    let baseline: { perSecond: number; cpuUs: number } | undefined;
    for (const route of routes) {
      if (ONLY && route.key !== 'health' && !ONLY.includes(route.key)) continue;
      const plan = ROUTES[route.key];
      progress(`${route.label}`, 0, 1);
      let cpuBefore = cpuSnapshot();
      const flat = await flatOut(route, plan.flat, plan.inFlight);
      const flatCpu = cpuPerUnit(cpuBefore, cpuSnapshot(), plan.flat);
      const perSecond = plan.flat / flat.seconds;
      baseline ??= { perSecond, cpuUs: flatCpu.totalUs };
      const ratio = route.key === 'health' ? 'the baseline' : `${((perSecond / baseline.perSecond) * 100).toFixed(1)} % of /health/live's rate, ${(flatCpu.totalUs / baseline.cpuUs).toFixed(1)}× its CPU per request`;
      report(
        `${route.label}, flat out (${plan.inFlight} in flight, ${plan.flat} requests): ${perSecond.toFixed(0)} req/s, p50 ${ms(percentile(flat.latencies, 50))}, ` +
          `p95 ${ms(percentile(flat.latencies, 95))}, p99 ${ms(percentile(flat.latencies, 99))}, errors ${flat.errors}${flat.firstError ? ` (first: ${flat.firstError})` : ''}; ${ratio}; CPU per request ${flatCpu.text}${wrongText(route, flat.wrong)}`,
      );
      cpuBefore = cpuSnapshot();
      const fixed = await offered(route, plan.rate, plan.total);
      const fixedCpu = cpuPerUnit(cpuBefore, cpuSnapshot(), plan.total - fixed.shed);
      report(
        `${route.label}, ${plan.rate}/s offered (${plan.total} requests): ${((plan.total - fixed.shed) / fixed.seconds).toFixed(0)} req/s done, p50 ${ms(percentile(fixed.latencies, 50))}, ` +
          `p95 ${ms(percentile(fixed.latencies, 95))}, p99 ${ms(percentile(fixed.latencies, 99))}, errors ${fixed.errors}${fixed.firstError ? ` (first: ${fixed.firstError})` : ''}, shed ${fixed.shed}; CPU per request ${fixedCpu.text}${wrongText(route, fixed.wrong)}`,
      );
      // UM_BENCH_TAIL=1: when the slowest requests were scheduled, to tell a spread tail from a stall.
      if (process.env.UM_BENCH_TAIL && 'slowest' in fixed && fixed.slowest) {
        report(`  slowest (scheduled at ms: latency ms): ${fixed.slowest.slice(0, 30).map((s) => `${s.at.toFixed(0)}: ${s.ms.toFixed(1)}`).join(', ')}`);
      }
    }
  },
};
