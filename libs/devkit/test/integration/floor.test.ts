/**
 * The bench's floor (bench/floor.ts) measures real work: over the real NATS, the `hop` server
 * answers each request only after the responder answered its NATS request, and the load generator
 * checks every answer.
 */
import type { ChildProcess } from 'node:child_process';
import { startFloorProcess } from '../../src/bench/floor';
import { loadgen } from '../../src/bench/loadgen';
import { requireServers } from '../../../../test/support/broker';

const children: ChildProcess[] = [];
const requests = [{ path: '/authorizations/check', bodyContains: '"allowed":true' }];

afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

test('when the responder answers, then the hop server answers every request, flat out and at a rate', async () => {
  const { natsUrl } = requireServers();
  const responder = startFloorProcess('responder', natsUrl);
  const hop = startFloorProcess('hop', natsUrl);
  children.push(responder.child, hop.child);
  await responder.port;
  const baseUrl = `http://127.0.0.1:${await hop.port}`;
  const flat = await loadgen(baseUrl, { mode: 'flat', total: 500, inFlight: 8 }, requests);
  expect({ errors: flat.errors, wrong: flat.wrong, answered: flat.latencies.length }).toEqual({ errors: 0, wrong: 0, answered: 500 });
  const rate = await loadgen(baseUrl, { mode: 'rate', rate: 1000, total: 300 }, requests);
  expect({ errors: rate.errors, wrong: rate.wrong, answered: rate.latencies.length }).toEqual({ errors: 0, wrong: 0, answered: 300 });
}, 60_000);

test('when no responder listens, then the hop server does not answer in its place', async () => {
  const { natsUrl } = requireServers();
  const hop = startFloorProcess('hop', natsUrl);
  children.push(hop.child);
  const baseUrl = `http://127.0.0.1:${await hop.port}`;
  // Nothing answers the NATS requests: every HTTP request is still waiting when the server stops.
  const pending = loadgen(baseUrl, { mode: 'flat', total: 4, inFlight: 4 }, requests);
  await new Promise((resolve) => setTimeout(resolve, 500));
  hop.child.kill();
  const result = await pending;
  expect(result.errors).toBe(4);
}, 60_000);
