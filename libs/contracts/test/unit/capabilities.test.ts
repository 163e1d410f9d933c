/**
 * The action contracts are the source of what each action needs (`capability`, checked by
 * `defineAction`); the HTTP route table in libs/domain renders it for the README and the
 * permission tests. This checks the rendering.
 */
import { ROUTE_RULES, SCIM_ROUTE_RULES, type RouteRule } from '@um/domain';
import { Actions, type ActionContract } from '@um/contracts';

const rules = ROUTE_RULES as readonly RouteRule[];
const contracts = Actions as Record<string, ActionContract>;

describe('route table ⇔ action contracts', () => {
  test('when a route needs a role, then it names an action whose contract declares the same capability', () => {
    const disagreements = rules
      .filter((r) => r.auth === 'role')
      .flatMap((r) => {
        const contract = r.action ? contracts[r.action] : undefined;
        return contract?.capability === r.capability ? [] : [`${r.method} ${r.path}: table ${r.capability ?? '-'} / ${r.action ?? 'no action'} ${contract?.capability ?? '-'}`];
      });
    expect(disagreements).toEqual([]);
  });

  test('when a SCIM route forwards to an action, then its contract declares the same capability', () => {
    const disagreements = SCIM_ROUTE_RULES.filter((r) => contracts[r.action]?.capability !== r.capability).map((r) => `${r.method} ${r.path}`);
    expect(disagreements).toEqual([]);
  });

  test('when an action declares a capability, then a route of the table forwards to it (no capability the table does not show)', () => {
    const routed = new Set([...rules, ...SCIM_ROUTE_RULES].map((r) => r.action));
    const unrouted = Object.entries(contracts).filter(([name, c]) => c.capability && !routed.has(name)).map(([name]) => name);
    expect(unrouted).toEqual([]);
  });

  test('when an action acts on a person through a manager route, then only block, unblock, delete and reset refuse the caller themselves', () => {
    const notOnSelf = Object.entries(contracts).filter(([, c]) => c.notOnSelf).map(([name]) => name).sort();
    expect(notOnSelf).toEqual([
      'enterprise.removeCoAccessManager',
      'enterprise.resetCoAccessManagerPassword',
      'enterprise.setCoAccessManagerStatus',
      'quality.removeCoLocalManager',
      'quality.resetCoLocalManagerPassword',
      'quality.setCoLocalManagerStatus',
      'user-management.remove',
      'user-management.resetPassword',
      'user-management.setStatus',
    ]);
  });
});
