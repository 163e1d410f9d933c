/** The menu shows each integration screen to exactly the roles whose capabilities the screen's routes need. */
import { capabilitiesOf, ROUTE_RULES, type RoleKind } from '@um/domain';
import { MENU, visibleMenu } from '../../src/menu';

const keysOf = (kind: RoleKind) => visibleMenu(capabilitiesOf(kind), true).map((m) => m.key);
const managers: RoleKind[] = ['access-manager', 'co-access-manager', 'local-manager', 'co-local-manager'];

describe('the console menu', () => {
  test('when a manager of any kind chooses their role, then the import of users is offered, and to a user it is not', () => {
    for (const kind of managers) expect({ kind, offered: keysOf(kind).includes('importUsers') }).toEqual({ kind, offered: true });
    expect(keysOf('user')).not.toContain('importUsers');
  });

  test('when the menu offers SCIM tokens, then it is to the RAE, co-RAE and GL, not to a co-GL', () => {
    expect(managers.filter((kind) => keysOf(kind).includes('scimTokens'))).toEqual(['access-manager', 'co-access-manager', 'local-manager']);
  });

  test('when the menu offers webhooks, then it is to the enterprise’s managers only', () => {
    expect(managers.filter((kind) => keysOf(kind).includes('webhooks'))).toEqual(['access-manager', 'co-access-manager']);
  });

  test.each([
    ['importUsers', /\/users\/imports?(\/|$)/, 2],
    ['scimTokens', /\/scim-tokens(\/|$)/, 3],
    ['webhooks', /\/webhooks(\/|$)/, 4],
  ] as const)('when the %s screen calls its routes, then the menu entry asks the capability those routes require', (key, routes, count) => {
    const entry = MENU.find((m) => m.key === key)!;
    const rules = ROUTE_RULES.filter((r) => routes.test(r.path));
    expect(rules).toHaveLength(count);
    for (const rule of rules) expect(entry.capabilities).toEqual(['capability' in rule ? rule.capability : undefined]);
  });
});
