/**
 * Support of the structured-messaging suites: outcomes watched on NATS, the technical user's
 * credentials, a client broker in the system's namespace (internal actions), the store read directly.
 */
import mongoose, { type Connection } from 'mongoose';
import { connect, type NatsConnection } from 'nats';
import { GOOD_PASSWORD } from '../support/fixtures';
import type { TestSystem } from '../support/system';
import type { World } from '../support/world';

export interface Outcome {
  subject: 'routed' | 'rejected';
  messageId: string;
  enterpriseNumber: string;
  quality: string;
  recipient?: string;
  channel?: string;
  reason?: string;
}

export const natsUrlOf = (sys: TestSystem) => sys.infra?.natsUrl ?? process.env.NATS_URL!;
export const mongoUrlOf = (sys: TestSystem) => sys.infra?.mongoUrl ?? process.env.MONGO_URL!;

/** Every outcome published on `<ns>.structured-messages.routed|rejected`, by messageId. */
export class OutcomeWatcher {
  readonly outcomes = new Map<string, Outcome[]>();
  private constructor(private readonly nc: NatsConnection) {}

  static async start(sys: TestSystem): Promise<OutcomeWatcher> {
    const nc = await connect({ servers: natsUrlOf(sys), maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    const watcher = new OutcomeWatcher(nc);
    for (const subject of ['routed', 'rejected'] as const) {
      nc.subscribe(`${sys.namespace}.structured-messages.${subject}`, {
        callback: (_err, msg) => {
          const outcome = { subject, ...(JSON.parse(new TextDecoder().decode(msg.data)) as Omit<Outcome, 'subject'>) };
          const list = watcher.outcomes.get(outcome.messageId) ?? [];
          list.push(outcome);
          watcher.outcomes.set(outcome.messageId, list);
        },
      });
    }
    await nc.flush();
    return watcher;
  }

  /** The first outcome of each id, once every id has one (or throws after `timeoutMs`). */
  async waitFor(ids: string[], timeoutMs = 30_000): Promise<Outcome[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = ids.filter((id) => !this.outcomes.has(id));
      if (missing.length === 0) return ids.map((id) => this.outcomes.get(id)![0]!);
      if (Date.now() > deadline) throw new Error(`no outcome for ${missing.length} of ${ids.length} messages (first: ${missing[0]})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stop(): Promise<void> {
    return this.nc.drain();
  }
}

/** The employer technical user of the world (userE): its username, from GET /me. */
export async function technicalUser(sys: TestSystem, w: World): Promise<{ username: string; password: string; personId: string }> {
  const me = await sys.api.get('/me', w.tokens.userE);
  if (me.status !== 200) throw new Error(`GET /me: ${me.status}`);
  return { username: me.body.username, password: GOOD_PASSWORD, personId: w.personIds.userE! };
}

export async function usernameOf(sys: TestSystem, token: string | undefined): Promise<string> {
  const me = await sys.api.get('/me', token);
  if (me.status !== 200) throw new Error(`GET /me: ${me.status}`);
  return me.body.username;
}

export { clientBroker } from '../support/system';

/** One service's database, read (or aged) directly. */
export async function storeOf(sys: TestSystem, service: string): Promise<Connection> {
  return mongoose.createConnection(mongoUrlOf(sys), { dbName: `${sys.namespace}-${service}` }).asPromise();
}
