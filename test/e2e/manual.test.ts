/**
 * Issue 14: the manual, complete (PRODUCT.md §7.2). One test per place where a person following
 * the manual would otherwise get stuck, named after the manual's section.
 */
import { startTestSystem, type TestSystem } from '../support/system';
import { buildWorld, type World } from '../support/world';

let sys: TestSystem;
let w: World;

beforeAll(async () => {
  sys = await startTestSystem();
  w = await buildWorld(sys.api);
});
afterAll(async () => {
  await sys?.shutdown();
});

const _A = () => w.enterpriseA;
const req = (method: string, url: string, token: string | undefined, body?: unknown, headers?: Record<string, string>) =>
  sys.api.request(method, url, { token, body, ...(headers ? { headers } : {}) });

describe('manual 3 and 4.1.1: the drop-downs read the catalogue, in four languages', () => {
  test('manual 4.1.1: the catalogue lists the qualities with the manual\'s names, their applications and data fields, without login', async () => {
    const res = await req('GET', '/catalogue', undefined);
    expect(res.status).toBe(200);
    const fss = res.body.qualities.find((q: any) => q.code === 'full-service-secretariat');
    expect(fss.labels).toEqual({ fr: 'Secrétariat Full Service', nl: 'Full Service Secretariaat', de: 'Full-Service-Sekretariat', en: 'Full Service Secretariat' });
    const hospital = res.body.qualities.find((q: any) => q.code === 'hospital-care-provider');
    expect(hospital.labels.fr).toBe('Prestataire de soins : hôpital');
    expect(hospital.applications).toEqual(['mycarenet']);
    expect(hospital.dataFields).toEqual([
      expect.objectContaining({ name: 'contactEmail', required: false }),
      expect.objectContaining({ name: 'inamiNumber', required: true, labels: expect.objectContaining({ fr: 'Numéro INAMI', nl: 'RIZIV-nummer' }) }),
    ]);
    expect(res.body.roleKinds.find((r: any) => r.code === 'local-manager').labels).toEqual({ fr: 'Gestionnaire Local', nl: 'Lokale Beheerder', de: 'Lokaler Verwalter', en: 'Local Manager' });
    expect(res.body.applications.map((a: any) => a.code)).toEqual(expect.arrayContaining(['user-management', 'dimona', 'mycarenet']));
    expect(res.body.declarationTypes).toHaveLength(4);
    for (const section of ['qualities', 'applications', 'declarationTypes', 'roleKinds']) {
      for (const item of res.body[section]) expect(Object.keys(item.labels).sort()).toEqual(['de', 'en', 'fr', 'nl']);
    }
  });
});
