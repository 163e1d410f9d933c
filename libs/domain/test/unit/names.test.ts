import { normalisePersonName, personNameViolations } from '@um/domain';

const valid = (raw: string) => personNameViolations(normalisePersonName(raw));

describe('person names', () => {
  test.each(['Ann', 'Émile', 'Jean-Luc', "O'Brien", 'D’Hondt', 'Van der Berg', 'St. John', 'Zoë', 'Łukasz', 'Ørsted', 'Μαρία', 'Дмитрий', '李', 'Dr.'])(
    'when the name is %s, then it is accepted',
    (name) => expect(valid(name)).toEqual([]),
  );

  test('when the name carries surrounding spaces or decomposed accents, then it is stored trimmed and NFC', () => {
    expect(normalisePersonName('  Zoe\u0308  ')).toBe('Zoë');
    expect(normalisePersonName('Zoe\u0308')).toHaveLength(3);
  });

  test.each([
    ['NUL', 'Ann\u0000'],
    ['a control character', 'Ann\u0007'],
    ['a newline', 'Ann\nPeeters'],
    ['a tab', 'Ann\tPeeters'],
    ['the right-to-left override', 'Ann\u202Esretee'],
    ['a left-to-right embedding', '\u202AAnn'],
    ['a first-strong isolate', 'Ann\u2068x\u2069'],
    ['a zero-width joiner', 'An\u200Dn'],
    ['a digit', 'Ann2'],
    ['a symbol', 'Ann<script>'],
    ['a no-break space', 'Ann\u00A0Peeters'],
  ])('when the name contains %s, then NAME_CHARACTER_NOT_ALLOWED', (_label, name) => {
    expect(valid(name)).toContain('NAME_CHARACTER_NOT_ALLOWED');
  });

  test('when the name is empty, blank, punctuation only or too long, then it is refused', () => {
    expect(valid('')).toEqual(['NAME_EMPTY']);
    expect(valid('   ')).toEqual(['NAME_EMPTY']);
    expect(valid("-'.")).toEqual(['NAME_WITHOUT_LETTER']);
    expect(valid('a'.repeat(101))).toEqual(['NAME_TOO_LONG']);
    expect(valid('a'.repeat(100))).toEqual([]);
    expect(personNameViolations('Professor', 5)).toEqual(['NAME_TOO_LONG']);
  });
});
