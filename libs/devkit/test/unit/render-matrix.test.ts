import { CAPABILITIES, ROUTE_RULES, routeRule } from '@um/domain';
import { END, START, renderMatrix, replaceBlock } from '../../src/cli/render-matrix';

describe('permission matrix rendering', () => {
  const table = renderMatrix(ROUTE_RULES, CAPABILITIES);

  test('when rendered, then every route of the matrix is one row with its capability', () => {
    const rows = table.split('\n').slice(2);
    expect(rows).toHaveLength(ROUTE_RULES.length);
    expect(rows).toContain('| `GET /enterprises/{enterpriseNumber}/users` | `users.search.enterprise` | ✔ own enterprise | ✔ own enterprise |  |  |  |  |');
    expect(rows).toContain('| `POST /enterprises/{enterpriseNumber}/qualities/{type}/users` | `users.manage` | ✔ own enterprise | ✔ own enterprise | ✔ own quality | ✔ own quality |  |  |');
  });

  test('when a route needs only a session or nothing, then every role column says so', () => {
    expect(table).toContain('| `GET /authorizations/check` | session | ✔ (session) | ✔ (session) | ✔ (session) | ✔ (session) | ✔ (session) | ✔ (session) |');
    expect(table).toContain('| `POST /auth/login` | none (public) | anyone | anyone | anyone | anyone | anyone | anyone |');
  });

  test('when the block of the page is replaced, then only what lies between the markers changes', () => {
    const doc = `intro\n${START}\nold table\n${END}\noutro\n`;
    const out = replaceBlock(doc, 'NEW');
    expect(out).toBe(`intro\n${START}\nNEW\n${END}\noutro\n`);
    expect(replaceBlock(out, 'NEW')).toBe(out);
    expect(() => replaceBlock('no markers', 'x')).toThrow(/matrix:start/);
  });

  test('when a route is looked up with other parameter names, then its rule is found', () => {
    expect(routeRule('get', '/enterprises/{en}/qualities/{t}/users/{id}')?.capability).toBe('users.search.quality');
    expect(routeRule('GET', '/enterprises/{enterpriseNumber}/nothing')).toBeUndefined();
  });
});
