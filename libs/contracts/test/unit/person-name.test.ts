import { PersonEditBody, PersonInput } from '@um/contracts';

const person = { niss: '85073003328', firstName: 'Ann', lastName: 'Peeters', language: 'nl' };
const codeOf = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; params?: unknown }> } }) =>
  result.error?.issues.map((i) => ({ field: i.path.join('.'), code: (i.params as { code?: string } | undefined)?.code }));

describe('person names in the contracts (create and PATCH)', () => {
  test('when a name is sent with spaces around and decomposed accents, then it is parsed trimmed and NFC', () => {
    const parsed = PersonInput.parse({ ...person, firstName: '  Zoe\u0308 ', title: ' Dr. ' });
    expect(parsed.firstName).toBe('Zoë');
    expect(parsed.title).toBe('Dr.');
  });

  test.each([
    ['firstName', 'Ann\u0000'],
    ['lastName', 'Pee\nters'],
    ['firstName', '\u202Enna'],
    ['lastName', '   '],
    ['title', 'Dr\u0007'],
  ])('when %s is %j, then NAME_INVALID on that field', (field, value) => {
    expect(codeOf(PersonInput.safeParse({ ...person, [field]: value }))).toEqual([{ field, code: 'NAME_INVALID' }]);
  });

  test('when a PATCH renames with a control character, then NAME_INVALID; a clean rename passes', () => {
    expect(codeOf(PersonEditBody.safeParse({ lastName: 'X\u2066y' }))).toEqual([{ field: 'lastName', code: 'NAME_INVALID' }]);
    expect(PersonEditBody.parse({ lastName: 'D’Hondt' })).toEqual({ lastName: 'D’Hondt' });
  });
});
