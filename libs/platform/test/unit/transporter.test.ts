import { CoalescingNatsTransporter } from '../../src/transporter.js';

function transporterWithFakeClient() {
  const transporter = new CoalescingNatsTransporter({ url: 'nats://127.0.0.1:1' });
  const published: Array<{ topic: string; data: string; turn: number }> = [];
  let turn = 0;
  const warnings: unknown[] = [];
  Object.assign(transporter, {
    logger: { warn: (...args: unknown[]) => warnings.push(args) },
    client: {
      publish(topic: string, data: Buffer) {
        if (topic === 'refused') throw new Error('CONNECTION_CLOSED');
        published.push({ topic, data: data.toString(), turn });
      },
      flush: () => Promise.resolve(),
      close: () => {
        published.push({ topic: '(closed)', data: '', turn });
        return Promise.resolve();
      },
    },
  });
  return { transporter, published, warnings, nextTurn: () => (turn += 1) };
}

const afterTurn = () => new Promise((r) => setImmediate(r));

describe('CoalescingNatsTransporter', () => {
  it('publishes the packets sent in one turn together, after the turn, in the order they were sent', async () => {
    const { transporter, published } = transporterWithFakeClient();
    await transporter.send('a', Buffer.from('1'));
    await transporter.send('b', Buffer.from('2'));
    await transporter.send('a', Buffer.from('3'));
    expect(published).toHaveLength(0);
    await afterTurn();
    expect(published.map((p) => `${p.topic}:${p.data}`)).toEqual(['a:1', 'b:2', 'a:3']);
  });

  it('goes on with the other packets when the client refuses one', async () => {
    const { transporter, published, warnings } = transporterWithFakeClient();
    await transporter.send('a', Buffer.from('1'));
    await transporter.send('refused', Buffer.from('2'));
    await transporter.send('b', Buffer.from('3'));
    await afterTurn();
    expect(published.map((p) => p.topic)).toEqual(['a', 'b']);
    expect(warnings).toHaveLength(1);
  });

  it('sends a packet of a later turn in a later flush', async () => {
    const { transporter, published, nextTurn } = transporterWithFakeClient();
    await transporter.send('a', Buffer.from('1'));
    await afterTurn();
    nextTurn();
    await transporter.send('b', Buffer.from('2'));
    await afterTurn();
    expect(published.map((p) => [p.topic, p.turn])).toEqual([['a', 0], ['b', 1]]);
  });

  it('publishes what is queued before the connection closes', async () => {
    const { transporter, published } = transporterWithFakeClient();
    await transporter.send('MOL.DISCONNECT', Buffer.from('bye'));
    await transporter.disconnect();
    expect(published.map((p) => p.topic)).toEqual(['MOL.DISCONNECT', '(closed)']);
  });
});
