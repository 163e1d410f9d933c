/**
 * Password logins through the gateway at the configured argon2id cost: logins per second and
 * latency percentiles. Every login succeeds (the per-address throttle counts failures only, and a
 * success clears the account's), so what is measured is the hash plus the session write.
 */
import os from 'node:os';
import { syntheticEnterpriseNumber, syntheticNiss } from '@um/domain';
import { load, percentile, type BenchScenario } from './types.js';

const ACCOUNTS = 4;
const TOTAL = 500;
const CONCURRENCY = 8;
const PASSWORD = 'Bench#2026pw';


export const scenario: BenchScenario = {
  name: 'identity-login',
  description: `POST /auth/login with the right password: ${TOTAL} logins over ${ACCOUNTS} accounts, ${CONCURRENCY} in flight`,
  async run({ api, report, progress }) {
    const operator = await api.operator();
    const seed = Math.floor(Math.random() * 9_000_000);
    const usernames: string[] = [];
    for (let i = 0; i < ACCOUNTS; i += 1) {
      const username = `benchlogin${seed}${i}`;
      const res = await api.post(
        '/admin/enterprises',
        {
          enterpriseNumber: syntheticEnterpriseNumber(seed + i),
          name: `Bench ${i}`,
          eligibleQualities: ['employer'],
          accessManager: { niss: syntheticNiss(100 + i), firstName: 'Bench', lastName: `Person${i}`, language: 'en', username, password: PASSWORD },
        },
        operator.token,
      );
      if (res.status !== 201) throw new Error(`seeding account ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      usernames.push(username);
      progress('seeding accounts', i + 1, ACCOUNTS);
    }

    const login = async (i: number) => {
      const res = await api.post('/auth/login', { username: usernames[i % ACCOUNTS], password: PASSWORD });
      if (res.status !== 200) throw new Error(`login: ${res.status}`);
    };

    // One at a time first: the cost of one login with nothing else running.
    const alone = await load(20, 1, login);
    let done = 0;
    const loaded = await load(TOTAL, CONCURRENCY, async (i) => {
      await login(i);
      done += 1;
      progress('logins', done, TOTAL);
    });

    const memory = process.env.UM_ARGON2_MEMORY_KIB ?? '19456';
    const passes = process.env.UM_ARGON2_PASSES ?? '2';
    const conditions = `argon2id m=${memory} KiB t=${passes} p=1, one identity process, libuv pool ${process.env.UV_THREADPOOL_SIZE ?? 4} threads, ${os.cpus().length} cores`;
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    report(`one at a time: p50 ${ms(percentile(alone.latencies, 50))}, p99 ${ms(percentile(alone.latencies, 99))} (20 logins, ${conditions})`);
    report(`logins per second: ${(TOTAL / loaded.seconds).toFixed(1)} (${TOTAL} logins, concurrency ${CONCURRENCY}, ${conditions})`);
    report(`latency under load: p50 ${ms(percentile(loaded.latencies, 50))}, p99 ${ms(percentile(loaded.latencies, 99))}, max ${ms(loaded.latencies.at(-1) ?? NaN)}`);
    report(`errors: ${loaded.errors + alone.errors}`);
  },
};
