import { RegisterUserBody, SCIM_CORE_USER, SCIM_EXTENSION_USER, ScimUserInput, languageOfTag, registrationOf, scimUserOf, type UserView } from '@um/contracts';

/** RFC 7644 §3.3's creation example, with this product's extension and a username within its policy. */
const rfcCreate = {
  schemas: [SCIM_CORE_USER, SCIM_EXTENSION_USER],
  userName: 'BJensen2026',
  externalId: 'bjensen',
  name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
  [SCIM_EXTENSION_USER]: { niss: '85073003328', applications: ['dimona'] },
};

describe('a SCIM User to a registration', () => {
  test("when the RFC's example comes with the extension, then it maps to the registration body and externalId", () => {
    const input = ScimUserInput.parse(rfcCreate);
    const { body, externalId, active } = registrationOf(input);
    expect(body).toEqual({ niss: '85073003328', firstName: 'Barbara', lastName: 'Jensen', language: 'en', username: 'bjensen2026', applications: ['dimona'] });
    expect(externalId).toBe('bjensen');
    expect(active).toBe(true);
    expect(RegisterUserBody.safeParse(body).success).toBe(true);
  });

  test('when e-mails of several types come, then the work one is the company e-mail and another the personal one', () => {
    const input = ScimUserInput.parse({
      ...rfcCreate,
      title: 'Tour Guide',
      preferredLanguage: 'nl-BE',
      active: false,
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
      phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
    });
    const { body, active } = registrationOf(input);
    expect(body).toEqual(expect.objectContaining({ companyEmail: 'bjensen@example.com', email: 'babs@jensen.org', title: 'Tour Guide', language: 'nl' }));
    expect(active).toBe(false);
  });

  test('when the extension or the core schema is missing, then the input is refused', () => {
    const { [SCIM_EXTENSION_USER]: _ext, ...withoutExtension } = rfcCreate;
    expect(ScimUserInput.safeParse(withoutExtension).success).toBe(false);
    expect(ScimUserInput.safeParse({ ...rfcCreate, schemas: [SCIM_EXTENSION_USER] }).success).toBe(false);
  });

  test.each([
    ['fr-BE', 'fr'],
    ['de', 'de'],
    ['EN_us', 'en'],
    ['es', 'en'],
    [undefined, 'en'],
  ])('when preferredLanguage is %s, then the language is %s', (tag, language) => {
    expect(languageOfTag(tag)).toBe(language);
  });
});

describe('a user to a SCIM User', () => {
  const view: UserView = {
    personId: '5f0c9d3e8b1a2c3d4e5f6a7b',
    username: 'bjensen2026',
    firstName: 'Barbara',
    lastName: 'Jensen',
    niss: '85073003328',
    language: 'fr',
    emails: ['babs@jensen.org'],
    enterpriseNumber: '0403170701',
    quality: 'employer',
    kind: 'user',
    status: 'blocked',
    accountStatus: 'active',
    applications: ['dimona'],
    applicationGrants: [{ code: 'dimona', validity: 'current' }],
    companyEmail: 'bjensen@example.com',
    externalId: 'bjensen',
    validity: 'current',
  };

  test('when a blocked member is shown, then it is inactive, with its ids, e-mails by type and the extension', () => {
    expect(scimUserOf(view, 'https://h/scim/v2/0403170701/employer/Users/5f0c9d3e8b1a2c3d4e5f6a7b')).toEqual({
      schemas: [SCIM_CORE_USER, SCIM_EXTENSION_USER],
      id: view.personId,
      externalId: 'bjensen',
      userName: 'bjensen2026',
      name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Barbara Jensen' },
      displayName: 'Barbara Jensen',
      preferredLanguage: 'fr',
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'other' },
      ],
      active: false,
      [SCIM_EXTENSION_USER]: { niss: '85073003328', applications: ['dimona'] },
      meta: { resourceType: 'User', location: 'https://h/scim/v2/0403170701/employer/Users/5f0c9d3e8b1a2c3d4e5f6a7b' },
    });
  });
});
