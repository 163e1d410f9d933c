import { decide, parseEnvelope, type Facts } from '../../src/decide';

const envelope = {
  messageId: 'm-1',
  channel: 'ebox',
  enterpriseNumber: '0403170701',
  quality: 'employer',
  declarationType: 'drs-unemployment',
  sender: { username: 'technical01' },
  fileName: 'a.xml',
  sizeBytes: 10,
  sha256: 'a'.repeat(64),
  receivedAt: '2026-06-01T10:00:00.000Z',
};
/** The fallback key sources of a message: its Nats-Msg-Id header and its stream sequence. */
const ids = (headerId: string | undefined, streamSeq: number) => () => ({ headerId, streamSeq });
const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

const facts = (over: Partial<Facts> = {}): Facts => ({
  quality: { active: true, technicalUserPersonId: 'p1' },
  account: { personId: 'p1', status: 'active' },
  routing: { channels: ['ebox', 'c1'], rules: [{ declarationType: 'drs-unemployment', recipient: '0403170701', channel: 'ebox', state: 'active' }] },
  ...over,
});

describe('parseEnvelope', () => {
  test('when the body is a valid envelope on its own channel\'s subject, then it is read', () => {
    const parsed = parseEnvelope(bytes(envelope), 'ebox', ids('m-1', 7));
    expect(parsed).toEqual({ ok: true, key: 'm-1', envelope });
  });

  test('when the body is not JSON, then it is malformed and keyed by its Nats-Msg-Id, else its stream sequence', () => {
    expect(parseEnvelope(bytes('{x'), 'ebox', ids('h-1', 7))).toEqual(expect.objectContaining({ ok: false, key: 'h-1' }));
    expect(parseEnvelope(bytes('{x'), 'ebox', ids(undefined, 7))).toEqual(expect.objectContaining({ ok: false, key: 'stream-seq-7' }));
  });

  test('when fields are missing or wrong, then it is malformed, keyed by its messageId, with each problem named', () => {
    const parsed = parseEnvelope(bytes({ ...envelope, sha256: 'nope', sizeBytes: -1 }), 'ebox', ids('other', 7));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.key).toBe('m-1');
    expect(parsed.problems.join(' ')).toMatch(/sha256/);
    expect(parsed.problems.join(' ')).toMatch(/sizeBytes/);
    expect(parsed.partial).toEqual(expect.objectContaining({ enterpriseNumber: '0403170701', sender: 'technical01' }));
  });

  test('when the envelope names another channel than its subject, then it is malformed', () => {
    expect(parseEnvelope(bytes(envelope), 'c1', ids('m-1', 7)).ok).toBe(false);
  });
});

describe('decide', () => {
  const e = parseEnvelope(bytes(envelope), 'ebox', ids(undefined, 1));
  if (!e.ok) throw new Error('fixture');

  test('when every check passes, then the message is routed to the rule\'s recipient and channel', () => {
    expect(decide(e.envelope, facts())).toEqual({ status: 'routed', recipient: '0403170701', channel: 'ebox' });
  });

  test.each([
    ['the quality is not active', { quality: { active: false } }, 'QUALITY_NOT_ACTIVE'],
    ['the sender has no account', { account: null }, 'UNKNOWN_SENDER'],
    ['the sender\'s account is deleted', { account: { personId: 'p1', status: 'deleted' as const } }, 'UNKNOWN_SENDER'],
    ['the sender is blocked', { account: { personId: 'p1', status: 'blocked' as const } }, 'SENDER_BLOCKED'],
    ['the sender is not the technical user', { account: { personId: 'p2', status: 'active' as const } }, 'NOT_TECHNICAL_USER'],
    ['the quality has no technical user', { quality: { active: true } }, 'NOT_TECHNICAL_USER'],
    ['the channel is not registered', { routing: { channels: ['c1'], rules: [] } }, 'CHANNEL_NOT_REGISTERED'],
    ['no rule exists', { routing: { channels: ['ebox'], rules: [] } }, 'NO_ROUTING_RULE'],
    ['the rule\'s mandate ended', { routing: { channels: ['ebox'], rules: [{ declarationType: 'drs-unemployment' as const, recipient: 'M', channel: 'ebox', state: 'mandate-ended' as const }] } }, 'MANDATE_ENDED'],
    ['the rule\'s channel was deleted', { routing: { channels: ['ebox'], rules: [{ declarationType: 'drs-unemployment' as const, recipient: 'M', channel: 'c9', state: 'channel-deleted' as const }] } }, 'CHANNEL_DELETED'],
  ])('when %s, then it is rejected (case %#)', (_label, over, reason) => {
    expect(decide(e.envelope, facts(over))).toEqual(expect.objectContaining({ status: 'rejected', reason }));
  });
});
