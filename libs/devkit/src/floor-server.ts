/**
 * The bench's floor (bench/floor.ts): the least a route can be on this machine, without the
 * product's code. Run as `node floor-server.js <role> <natsUrl>`:
 * - `http`: a bare Node HTTP server answering `{"allowed":true}`;
 * - `hop`: the same, after one NATS request/reply per request, as the gateway asks an owning service;
 * - `responder`: answers the `hop` server's NATS requests at once.
 * Each prints a line on stdout when ready: the HTTP roles their port, the responder 0.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'nats';

/** The subject of the floor's requests; out of every service's way. */
const SUBJECT = 'um-bench-floor.check';
/** About the size and shape of the check's packet between the gateway and user-management. */
const PACKET = JSON.stringify({
  ver: '4',
  sender: 'gateway-node',
  action: 'user-management.authorizations.check',
  params: { personId: '65f0c0ffee0000000000abcd', enterpriseNumber: '0123456789', application: 'dimona', qualities: ['employer'] },
  meta: { requestId: 'req-0001', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  timeout: 10000,
  level: 1,
}).slice(1);
const ANSWER = '{"allowed":true}';

async function main(): Promise<void> {
  const [role, natsUrl] = process.argv.slice(2);
  if (role === 'responder') {
    // As a service answers: parse the packet, publish the answer to its reply subject.
    const nc = await connect({ servers: natsUrl! });
    nc.subscribe(SUBJECT, {
      callback: (_err, message) => {
        const { id } = JSON.parse(Buffer.from(message.data).toString()) as { id: number };
        if (message.reply) nc.publish(message.reply, Buffer.from(JSON.stringify({ id, success: true, data: { allowed: true } })));
      },
    });
    await nc.flush();
    process.stdout.write('0\n'); // subscribed
    return;
  }
  if (role !== 'http' && role !== 'hop') throw new Error(`unknown role ${role}`);
  const server = http.createServer((_req, res) => {
    const answer = () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': ANSWER.length }).end(ANSWER);
    if (role === 'http') return answer();
    // As the gateway calls a service: one publish with a reply subject of this process's own, the
    // answer matched by its id (no timer, no inbox per request: less than a service call does).
    const id = nextId++;
    pending.set(id, answer);
    nc!.publish(SUBJECT, Buffer.from(`{"id":${id},${PACKET}`), { reply: replies });
  });
  const pending = new Map<number, () => void>();
  let nextId = 1;
  const replies = `um-bench-floor.reply.${process.pid}`;
  const nc = role === 'hop' ? await connect({ servers: natsUrl! }) : undefined;
  nc?.subscribe(replies, {
    callback: (_err, message) => {
      const { id } = JSON.parse(Buffer.from(message.data).toString()) as { id: number };
      pending.get(id)?.();
      pending.delete(id);
    },
  });
  await nc?.flush();
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
