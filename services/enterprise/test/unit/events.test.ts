/** The administrative event built from an audit record, its schema and its subject. */
import { Types } from 'mongoose';
import { ADMIN_EVENT_KINDS, AdminEventKind, AdminEventV1, adminEventSubjects } from '@um/contracts';
import { eventOf } from '../../src/outbox';
import { webhookSignature } from '../../src/webhook-dispatch';

const record = {
  _id: new Types.ObjectId('665f1c2e9b1d4a0012345678'),
  enterpriseNumber: '0403170701',
  at: new Date('2026-12-01T10:00:00.000Z'),
  action: 'user.registered',
  actor: { personId: '665f1c2e9b1d4a0000000001', roleKind: 'access-manager', roleId: '665f1c2e9b1d4a0000000002' },
  target: { type: 'person', id: '665f1c2e9b1d4a0000000003' },
  quality: 'employer',
  after: { applications: ['dimona'] },
  requestId: 'req-1',
};

describe('eventOf', () => {
  test('when an audit record is turned into an event, then it holds to the version 1 schema with the record id as event id', () => {
    const event = eventOf(record);
    expect(AdminEventV1.parse(event)).toEqual(event);
    expect(event).toEqual({
      eventId: '665f1c2e9b1d4a0012345678',
      schemaVersion: 1,
      kind: 'user.registered',
      enterpriseNumber: '0403170701',
      at: '2026-12-01T10:00:00.000Z',
      actor: { personId: '665f1c2e9b1d4a0000000001', roleKind: 'access-manager', roleId: '665f1c2e9b1d4a0000000002' },
      target: { type: 'person', id: '665f1c2e9b1d4a0000000003' },
      quality: 'employer',
      after: { applications: ['dimona'] },
      requestId: 'req-1',
    });
  });

  test('when the record has no actor role, no quality and null before/after (a system change), then the event leaves them out', () => {
    const event = eventOf({ ...record, actor: { personId: null }, quality: null, before: null, after: null, requestId: null, qualities: [] });
    expect(AdminEventV1.parse(event)).toEqual(event);
    expect(event.actor).toEqual({ personId: 'system' });
    for (const field of ['quality', 'qualities', 'before', 'after', 'requestId']) expect(event).not.toHaveProperty(field);
  });

  test("when a person's own change is copied into several qualities' part of the trail, then the event carries those qualities", () => {
    const event = eventOf({ ...record, action: 'person.updated', quality: null, qualities: ['employer', 'mandatary'] });
    expect(AdminEventV1.parse(event).qualities).toEqual(['employer', 'mandatary']);
  });
});

describe('the schema', () => {
  test('when an event lacks its version, has another version or a malformed id, then it is refused', () => {
    const event = eventOf(record);
    const { schemaVersion: _v, ...unversioned } = event;
    expect(AdminEventV1.safeParse(unversioned).success).toBe(false);
    expect(AdminEventV1.safeParse({ ...event, schemaVersion: 2 }).success).toBe(false);
    expect(AdminEventV1.safeParse({ ...event, eventId: 'x' }).success).toBe(false);
    expect(AdminEventV1.safeParse({ ...event, kind: 'user registered' }).success).toBe(false);
  });

  test('when the catalogue of kinds is read, then every kind is a valid subject suffix', () => {
    for (const kind of Object.keys(ADMIN_EVENT_KINDS)) expect(AdminEventKind.safeParse(kind).success).toBe(true);
    expect(Object.keys(ADMIN_EVENT_KINDS).length).toBeGreaterThan(30);
  });
});

describe('subjects', () => {
  test('when there is no namespace, then the stream and subjects are the contract ones', () => {
    const s = adminEventSubjects();
    expect(s.stream).toBe('UM_EVENTS');
    expect(s.subject('0403170701', 'user.registered')).toBe('um.events.0403170701.user.registered');
    expect(s.ofEnterprise('0403170701')).toBe('um.events.0403170701.>');
  });

  test('when there is a namespace, then the stream and subjects carry it', () => {
    const s = adminEventSubjects('t1a-b');
    expect(s.stream).toBe('UM_EVENTS_T1A_B');
    expect(s.subject('0403170701', 'mandate.ended')).toBe('t1a-b.um.events.0403170701.mandate.ended');
  });
});

describe('webhookSignature', () => {
  test('when a body is signed, then the header is sha256= and the hex HMAC-SHA256 of the body with the secret (RFC 4231-style known vector)', () => {
    expect(webhookSignature('key', 'The quick brown fox jumps over the lazy dog')).toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });
  test('when one byte of the body or the secret differs, then the signature differs', () => {
    const body = JSON.stringify(eventOf(record));
    const signed = webhookSignature('a'.repeat(64), body);
    expect(webhookSignature('a'.repeat(63) + 'b', body)).not.toBe(signed);
    expect(webhookSignature('a'.repeat(64), body.replace('0403170701', '0403170702'))).not.toBe(signed);
  });
});
