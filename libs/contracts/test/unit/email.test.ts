import { Email, PersonInput, UpdateMeBody } from '@um/contracts';

const at = (local: string, domain = 'example.be') => `${local}@${domain}`;
const codes = (value: unknown) => {
  const result = Email.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => (i as { params?: { code?: string } }).params?.code ?? i.code);
};

describe('e-mail addresses (RFC 5321 lengths)', () => {
  test('when the local part is 64 characters, then it is accepted', () => {
    expect(Email.safeParse(at('a'.repeat(64))).success).toBe(true);
  });

  test('when the local part is 65 or 103 characters, then INVALID_FORMAT', () => {
    expect(codes(at('a'.repeat(65)))).toEqual(['INVALID_FORMAT']);
    expect(codes(at('b'.repeat(103)))).toEqual(['INVALID_FORMAT']);
  });

  test('when the address is 254 characters, then it is accepted; 255, refused', () => {
    const domain = (n: number) => `${'d'.repeat(n - 3)}.be`;
    const ok = at('a'.repeat(60), domain(254 - 61));
    expect(ok).toHaveLength(254);
    expect(Email.safeParse(ok).success).toBe(true);
    const tooLong = at('a'.repeat(60), domain(255 - 61));
    expect(tooLong).toHaveLength(255);
    expect(Email.safeParse(tooLong).success).toBe(false);
  });

  test('when PATCH /me or a person body carries a local part of 103 characters, then the body is refused', () => {
    const long = at('x'.repeat(103));
    expect(UpdateMeBody.safeParse({ emails: [long] }).success).toBe(false);
    expect(PersonInput.safeParse({ niss: '85073003328', firstName: 'Ann', lastName: 'Peeters', language: 'nl', email: long }).success).toBe(false);
  });
});
