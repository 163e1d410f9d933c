/**
 * The web console in a real Chromium (Debian's `chromium`, driven by playwright-core) against the
 * real system: every flow of the manual through the screens, axe-core on every screen (no serious
 * or critical violation), and no console error, failed request or unexpected error answer.
 * Screenshots of every screen (French) and of the role choice and home in each language go to
 * docs/screens/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { CATALOGUES } from '@um/contracts';
import { issueCertificate } from '../support/certificates';
import { GOOD_PASSWORD, onboardingBody, personBody, uniqueEnterpriseNumber, uniqueNiss, uniqueUsername } from '../support/fixtures';
import { expectOk, OPERATOR, startTestSystem, type TestSystem } from '../support/system';
import { batchSend } from '../../libs/devkit/src/cli/batch-send';
import { natsUrlOf } from './structured-messages.helpers';

const CHROMIUM = process.env.UM_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENS = path.resolve(__dirname, '../../docs/screens');

interface Expected {
  method: string;
  path: RegExp;
  status: number;
}

/** One browser tab with its watchers: console errors, failed requests, error answers. */
interface Tab {
  page: Page;
  context: BrowserContext;
  /** Error answers this step expects (a 404 look-up of an unknown NISS, a 400 for bad input, …). */
  expect(method: string, path: RegExp, status: number): void;
  close(): Promise<void>;
}

let sys: TestSystem;
let browser: Browser;
let baseUrl: string;
const A = onboardingBody({ name: 'Boulangerie Dupont', eligibleQualities: ['employer', 'mandatary', 'hospital-care-provider'] }, { language: 'fr', firstName: 'Marie', lastName: 'Dupont' });
const M = onboardingBody({ name: 'Mandaco Secrétariat', eligibleQualities: ['approved-social-secretariat', 'mandatary'] }, { language: 'fr', firstName: 'Luc', lastName: 'Janssens' });
const GERMAN = personBody({ language: 'de', firstName: 'Jonas', lastName: 'Schmitz' });
/** A's employer GL, who routes a declaration type to the mandatary M. */
const A_GL = personBody({ language: 'fr', firstName: 'Camille', lastName: 'Roche' });
/** Co-RAE of A whose names A's managers may change, and one who is also co-RAE of M (outside A's scope). */
const CO_RAE = personBody({ language: 'fr', firstName: 'Paul', lastName: 'Renard' });
const SHARED = personBody({ language: 'fr', firstName: 'Lea', lastName: 'Vermeulen' });
/** Co-GLs of A's employer quality: one edited, one found by every search criterion at once. */
const CO_GL = personBody({ language: 'fr', firstName: 'Omar', lastName: 'Benali' });
const SEARCHED = personBody({ language: 'de', firstName: 'Greta', lastName: 'Keller', title: 'Ir', email: 'greta.keller@example.be' });
/** B gave M a mandate for work accidents and routes them to M: the contact centre ends it. */
const B = onboardingBody({ name: 'Garage Bertrand', eligibleQualities: ['employer'] }, { language: 'fr', firstName: 'Yves', lastName: 'Bertrand' });
/** The technical user of A's employer quality, designated through the quality screen: it sends the structured messages. */
const TECHNICAL_USERNAME = uniqueUsername('tech');
let raePassword = GOOD_PASSWORD;
let mRaePassword = GOOD_PASSWORD;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set UM_CHROMIUM`);
  fs.mkdirSync(SCREENS, { recursive: true });
  [sys, browser] = await Promise.all([
    startTestSystem(),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
  ]);
  baseUrl = sys.baseUrl;
  const cc = (await sys.api.operator()).token;
  await expectOk('onboard A', sys.api.post('/admin/enterprises', A, cc));
  await expectOk('onboard M', sys.api.post('/admin/enterprises', M, cc));
  await expectOk('mandate A → M', sys.api.post(`/admin/enterprises/${A.enterpriseNumber}/mandates`, { mandataryEnterpriseNumber: M.enterpriseNumber, declarationTypes: ['drs-unemployment'], validFrom: '2026-01-01' }, cc));
  const mRae = await sys.api.loginAs(M.accessManager.username, GOOD_PASSWORD);
  await expectOk('M mandatary quality', sys.api.post(`/enterprises/${M.enterpriseNumber}/qualities`, { type: 'mandatary', localManager: personBody() }, mRae.token));
  // A person whose language is German, GL of A's mandatary quality (activated for the test).
  const aRae = await sys.api.loginAs(A.accessManager.username, GOOD_PASSWORD);
  await expectOk('A employer quality', sys.api.post(`/enterprises/${A.enterpriseNumber}/qualities`, { type: 'employer', data: { employerRegistrationNumber: '123456789' }, localManager: A_GL }, aRae.token));
  await expectOk('A mandatary quality', sys.api.post(`/enterprises/${A.enterpriseNumber}/qualities`, { type: 'mandatary', localManager: GERMAN }, aRae.token));
  await expectOk('A co-RAE', sys.api.post(`/enterprises/${A.enterpriseNumber}/co-access-managers`, CO_RAE, aRae.token));
  await expectOk('A co-RAE also of M', sys.api.post(`/enterprises/${A.enterpriseNumber}/co-access-managers`, SHARED, aRae.token));
  await expectOk('M co-RAE (the same person)', sys.api.post(`/enterprises/${M.enterpriseNumber}/co-access-managers`, { niss: SHARED.niss, firstName: SHARED.firstName, lastName: SHARED.lastName, language: 'fr' }, mRae.token));
  await expectOk('A co-GL', sys.api.post(`/enterprises/${A.enterpriseNumber}/qualities/employer/co-local-managers`, CO_GL, aRae.token));
  await expectOk('A co-GL to search', sys.api.post(`/enterprises/${A.enterpriseNumber}/qualities/employer/co-local-managers`, SEARCHED, aRae.token));
  await expectOk('onboard B', sys.api.post('/admin/enterprises', B, cc));
  await expectOk('mandate B → M', sys.api.post(`/admin/enterprises/${B.enterpriseNumber}/mandates`, { mandataryEnterpriseNumber: M.enterpriseNumber, declarationTypes: ['drs-work-accident'], validFrom: '2026-01-01' }, cc));
  const bRae = await sys.api.loginAs(B.accessManager.username, GOOD_PASSWORD);
  await expectOk('B employer quality', sys.api.post(`/enterprises/${B.enterpriseNumber}/qualities`, { type: 'employer', data: { employerRegistrationNumber: '987654321' }, localManager: personBody() }, bRae.token));
  await expectOk('B routes work accidents to M', sys.api.request('PUT', `/enterprises/${B.enterpriseNumber}/qualities/employer/routing/drs-work-accident`, { token: bRae.token, body: { recipient: M.enterpriseNumber } }));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await sys?.shutdown();
});

async function openTab(locale = 'fr-BE'): Promise<Tab> {
  const context = await browser.newContext({ baseURL: baseUrl, locale, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const failed: string[] = [];
  const answers: Array<{ method: string; path: string; status: number }> = [];
  const expected: Expected[] = [];
  page.on('console', (m) => {
    // Chromium logs every error answer as "Failed to load resource"; those are judged below, by route.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource: the server responded with a status of')) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => failed.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) answers.push({ method: r.request().method(), path: new URL(r.url()).pathname, status: r.status() });
  });
  return {
    page,
    context,
    expect: (method, p, status) => expected.push({ method, path: p, status }),
    async close() {
      await page.waitForLoadState('networkidle');
      await context.close();
      const unexpected = answers.filter((a) => !expected.some((e) => e.method === a.method && e.status === a.status && e.path.test(a.path)));
      expect({ errors, failed, unexpected }).toEqual({ errors: [], failed: [], unexpected: [] });
    },
  };
}

/** axe-core on the screen as it is (no serious or critical violation), then its screenshot. */
async function screen(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect({ screen: name, serious }).toEqual({ screen: name, serious: [] });
  await page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true });
}

/** A field by its label (required fields' labels end with "(obligatoire)" or its translation). */
const field = (page: Page, label: string) => page.locator('main').getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(.+\\))?$`));

/** Waits until the field named `name` is marked invalid (the API's `errors[]` entry for it arrived). */
const invalid = (page: Page, name: string) => page.locator(`main [name="${name}"][aria-invalid="true"]`).waitFor();

async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
}

/** The role kind's label in a language, as the catalogue (GET /api/v1/catalogue, libs/contracts) names it: a role's button starts with it. */
const roleKind = (language: keyof typeof CATALOGUES, kind: keyof (typeof CATALOGUES)['fr']['roleKinds']): RegExp =>
  new RegExp(`^${CATALOGUES[language].roleKinds[kind].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( |$)`);

async function chooseRole(page: Page, role: RegExp): Promise<void> {
  await page.getByRole('button', { name: role }).click();
  await page.getByRole('heading', { level: 1, name: /Accueil|Startpagina|Startseite|Home/ }).waitFor();
}

/** The contact centre logs in and works in French (the operator's own language may differ). */
async function loginContactCentre(page: Page): Promise<void> {
  await login(page, OPERATOR.username, OPERATOR.password);
  await page.getByRole('heading', { level: 1, name: /role|rôle|Rolle|rol/ }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('header').getByLabel(/^(Langue|Taal|Sprache|Language)$/).selectOption('fr');
  await chooseRole(page, roleKind('fr', 'contact-centre'));
}

async function menu(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: /menu|Menü|Hoofdmenu/i }).getByRole('link', { name, exact: true }).click();
}

/** The person look-up: a NISS unknown to the system answers 404 and the full form appears. */
async function enterNewPerson(tab: Tab, p: { niss: string; firstName: string; lastName: string; username: string; password: string; email?: string }): Promise<void> {
  const { page } = tab;
  tab.expect('GET', /^\/api\/v1\/enterprises\/\d+\/persons\/\d+$/, 404);
  await field(page, 'Numéro de registre national (NISS)').fill(p.niss);
  await page.getByRole('button', { name: 'Rechercher ce NISS' }).click();
  // Either the answer (unknown) or the look-up's refusal in words: a refusal fails at once, saying what it was.
  const unknown = page.getByText('Cette personne n’est pas encore connue');
  const refused = page.locator('main fieldset.person [role="alert"]');
  await unknown.or(refused).first().waitFor();
  if (!(await unknown.isVisible())) throw new Error(`the look-up of NISS ${p.niss} was refused: ${await refused.first().textContent()}`);
  await field(page, 'Prénom').fill(p.firstName);
  await field(page, 'Nom').fill(p.lastName);
  if (p.email) await field(page, 'E-mail personnel').fill(p.email);
  await field(page, 'Nom d’utilisateur').fill(p.username);
  await field(page, 'Mot de passe').fill(p.password);
}

const RAE_MENU = ['Accueil', 'Entreprise', 'Co-Responsables Accès', 'Utilisateurs', 'Importer des utilisateurs', 'Co-Gestionnaires Locaux', 'Données de la qualité', 'Jetons SCIM', 'Module de routage', 'Canaux batch', 'Messages structurés', 'Historique (audit)', 'Webhooks', 'Mes données', 'Aide'];

describe('web console (Chromium)', () => {
  test('when the access manager logs in, then the role choice names the role and company, and the home shows exactly the menu of its capabilities', async () => {
    const tab = await openTab();
    const { page } = tab;
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Connexion');
    await page.locator('html[lang="fr"]').waitFor({ state: 'attached' });
    await screen(page, 'login');
    await login(page, A.accessManager.username, GOOD_PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Choisissez un rôle' }).waitFor();
    const role = page.getByRole('button', { name: new RegExp(`Responsable Accès Entreprise.*${A.enterpriseNumber}`) });
    await expect(role.count()).resolves.toBe(1);
    // The company's name (PRODUCT.md §7.2: roles carry `enterpriseName`).
    await expect(role.textContent()).resolves.toContain(A.name);
    await screen(page, 'roles');
    await chooseRole(page, /Responsable Accès Entreprise/);
    const items = await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link').allTextContents();
    expect(items).toEqual(RAE_MENU);
    await screen(page, 'home');
    await tab.close();
  });

  test('when the access manager adds a quality with its GL, then the rules tick as they type, a bad field is named next to it, and the quality is listed', async () => {
    const tab = await openTab();
    const { page } = tab;
    await login(page, A.accessManager.username, GOOD_PASSWORD);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Entreprise');
    await page.getByRole('heading', { level: 1, name: 'Entreprise' }).waitFor();
    await page.getByRole('definition').getByText(A.name, { exact: true }).waitFor();
    await screen(page, 'enterprise');
    await page.getByRole('link', { name: 'Ajouter une qualité' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ajouter une qualité' }).waitFor();
    await field(page, 'Qualité').selectOption('hospital-care-provider');
    await field(page, 'Numéro INAMI').fill('12');
    await enterNewPerson(tab, { niss: uniqueNiss(), firstName: 'Sophie', lastName: 'Lambert', username: 'Sophie L', password: 'abc' });
    // The manual's rules, from libs/domain, as the person types.
    await expect(page.getByRole('list', { name: 'Règles du mot de passe' }).getByRole('listitem').first().textContent()).resolves.toContain('(non respectée)');
    await expect(page.getByRole('list', { name: 'Règles du nom d’utilisateur' }).getByRole('listitem').last().textContent()).resolves.toContain('(non respectée)');
    await field(page, 'Nom d’utilisateur').fill(uniqueUsername('sophie'));
    await field(page, 'Mot de passe').fill(GOOD_PASSWORD);
    const ticks = await page.getByRole('list', { name: 'Règles du mot de passe' }).getByRole('listitem').allTextContents();
    expect(ticks.every((t) => t.includes('(respectée)'))).toBe(true);
    await screen(page, 'add-quality');
    // The INAMI number is too short: the API's message stands next to that field.
    tab.expect('POST', /^\/api\/v1\/enterprises\/\d+\/qualities$/, 400);
    await page.getByRole('button', { name: 'Ajouter la qualité' }).click();
    await page.getByRole('alert').first().waitFor();
    await invalid(page, 'inamiNumber');
    const describedBy = (await field(page, 'Numéro INAMI').getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-error'))!;
    await expect(page.locator(`[id="${describedBy}"]`).textContent()).resolves.toMatch(/\S/);
    await screen(page, 'add-quality-problem');
    await field(page, 'Numéro INAMI').fill('12345678');
    await page.getByRole('button', { name: 'Ajouter la qualité' }).click();
    await page.getByRole('heading', { level: 1, name: 'Entreprise' }).waitFor();
    await page.getByRole('cell', { name: 'Prestataire de soins : hôpital' }).waitFor();
    await tab.close();
  });

  test('when the access manager adds a co-RAE by NISS and confirms, then it is listed and can be blocked, unblocked, given a new password and deleted', async () => {
    const tab = await openTab();
    const { page } = tab;
    await login(page, A.accessManager.username, GOOD_PASSWORD);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Co-Responsables Accès');
    await enterNewPerson(tab, { niss: uniqueNiss(), firstName: 'Pierre', lastName: 'Martin', username: uniqueUsername('pierre'), password: GOOD_PASSWORD });
    await page.getByRole('button', { name: 'Confirmer le Co-Responsable Accès' }).click();
    await page.getByText('Pierre Martin est maintenant Co-Responsable Accès.').waitFor();
    const row = page.getByRole('row', { name: /Pierre Martin/ });
    await row.getByRole('button', { name: 'Bloquer' }).click();
    await row.getByRole('cell', { name: 'Bloqué', exact: true }).waitFor();
    await screen(page, 'co-access-managers');
    await row.getByRole('button', { name: 'Débloquer' }).click();
    await row.getByRole('cell', { name: 'Actif', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Réinitialiser le mot de passe' }).click();
    await row.getByLabel(/^Nouveau mot de passe/).fill('Nouveau#2026');
    await row.getByRole('button', { name: 'Réinitialiser le mot de passe' }).click();
    await page.getByRole('status').getByText('Mot de passe réinitialisé.').waitFor();
    await row.getByRole('button', { name: 'Supprimer' }).click();
    await row.getByRole('button', { name: 'Oui, supprimer' }).click();
    await page.getByRole('status').getByText('Supprimé.').waitFor();
    await page.getByRole('row', { name: /Pierre Martin/ }).waitFor({ state: 'detached' });
    await tab.close();
  });

  test('when the access manager registers a user with applications, then the search finds them and the user page blocks, unblocks, resets and deletes; a bad e-mail is named next to its field', async () => {
    const tab = await openTab();
    const { page } = tab;
    await login(page, A.accessManager.username, GOOD_PASSWORD);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Utilisateurs');
    await field(page, 'Qualité sur laquelle travailler').selectOption('employer');
    await page.getByRole('link', { name: 'Enregistrer un utilisateur' }).click();
    await page.getByRole('heading', { level: 1, name: 'Enregistrer un utilisateur' }).waitFor();
    await enterNewPerson(tab, { niss: uniqueNiss(), firstName: 'Élise', lastName: 'Claes', username: uniqueUsername('elise'), password: GOOD_PASSWORD, email: 'not-an-email' });
    await page.getByRole('checkbox', { name: 'Dimona' }).check();
    await page.getByRole('checkbox', { name: 'DmfA' }).check();
    await screen(page, 'register-user');
    tab.expect('POST', /^\/api\/v1\/enterprises\/\d+\/qualities\/employer\/users$/, 400);
    await page.getByRole('button', { name: 'Enregistrer l’utilisateur' }).click();
    await invalid(page, 'email');
    await expect(page.locator('main .field-error').count()).resolves.toBe(1);
    await field(page, 'E-mail personnel').fill('elise.claes@example.be');
    await page.getByRole('button', { name: 'Enregistrer l’utilisateur' }).click();
    await page.getByRole('heading', { level: 1, name: 'Utilisateur Élise Claes' }).waitFor();
    await expect(page.getByRole('checkbox', { name: 'Dimona' }).isChecked()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Bloquer' }).click();
    await page.getByRole('definition').getByText('Bloqué', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Débloquer' }).click();
    await page.getByRole('definition').getByText('Actif', { exact: true }).waitFor();
    await screen(page, 'user');
    // Search by last name, across the enterprise.
    await menu(page, 'Utilisateurs');
    await field(page, 'Rechercher dans').selectOption('all');
    await field(page, 'Nom').fill('Claes');
    await field(page, 'A accès à').selectOption('dimona');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.getByRole('link', { name: 'Élise Claes' }).waitFor();
    await screen(page, 'users');
    await page.getByRole('link', { name: 'Élise Claes' }).click();
    await page.getByRole('button', { name: 'Réinitialiser le mot de passe' }).click();
    await page.getByLabel(/^Nouveau mot de passe/).fill('Reset#2026ab');
    await page.getByRole('button', { name: 'Réinitialiser le mot de passe' }).click();
    await page.getByRole('status').getByText('Mot de passe réinitialisé.').waitFor();
    await page.getByRole('button', { name: 'Supprimer' }).click();
    await page.getByRole('button', { name: 'Oui, supprimer' }).click();
    await page.getByRole('heading', { level: 1, name: 'Utilisateurs' }).waitFor();
    await tab.close();
  });

  test('when the access manager designates a co-GL and edits the quality, then both show', async () => {
    const tab = await openTab();
    const { page } = tab;
    await login(page, A.accessManager.username, GOOD_PASSWORD);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Co-Gestionnaires Locaux');
    await field(page, 'Qualité sur laquelle travailler').selectOption('employer');
    await enterNewPerson(tab, { niss: uniqueNiss(), firstName: 'Nina', lastName: 'Wouters', username: uniqueUsername('nina'), password: GOOD_PASSWORD });
    await page.getByRole('button', { name: 'Confirmer le Co-Gestionnaire Local' }).click();
    await page.getByRole('row', { name: /Nina Wouters/ }).waitFor();
    await screen(page, 'co-local-managers');
    await menu(page, 'Données de la qualité');
    await field(page, 'Qualité sur laquelle travailler').selectOption('employer');
    await field(page, 'Adresse e-mail de contact').fill('rh@dupont.example.be');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('status').getByText('Enregistré.').waitFor();
    const technical = page.getByRole('region', { name: 'Désigner l’utilisateur technique' });
    tab.expect('GET', /^\/api\/v1\/enterprises\/\d+\/persons\/\d+$/, 404);
    await technical.getByLabel(/^Numéro de registre national/).fill(uniqueNiss());
    await technical.getByRole('button', { name: 'Rechercher ce NISS' }).click();
    await technical.getByLabel(/^Prénom/).fill('Tom');
    await technical.getByLabel(/^Nom( \(obligatoire\))?$/).fill('Technicus');
    await technical.getByLabel(/^Nom d’utilisateur/).fill(TECHNICAL_USERNAME);
    await technical.getByLabel(/^Mot de passe/).fill(GOOD_PASSWORD);
    await technical.getByRole('button', { name: 'Désigner cet utilisateur technique' }).click();
    await technical.getByRole('status').getByText('L’utilisateur technique est désigné.').waitFor();
    await page.getByRole('definition').getByText(/Tom Technicus/).waitFor();
    await screen(page, 'quality');
    await tab.close();
  });

  test('when the access manager adds a batch channel and routes, then the mandatary is offered as recipient within its mandate and the channel is chosen among the enterprise’s own', async () => {
    const tab = await openTab();
    const { page } = tab;
    await login(page, A.accessManager.username, GOOD_PASSWORD);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Canaux batch');
    await field(page, 'Type').selectOption('ftp');
    await field(page, 'Nom').fill('FTP Dupont');
    await field(page, 'Hôte').fill('ftp.dupont.example.be');
    await page.getByRole('button', { name: 'Ajouter le canal' }).click();
    await page.getByRole('cell', { name: 'FTP Dupont' }).waitFor();
    await screen(page, 'batch-channels');
    await menu(page, 'Module de routage');
    await field(page, 'Qualité sur laquelle travailler').selectOption('employer');
    const unemployment = page.getByRole('row', { name: /DRS chômage/ });
    await unemployment.waitFor();
    await page.getByText(`À ${M.enterpriseNumber} pour DRS chômage`).waitFor();
    const recipient = unemployment.getByLabel('Destinataire pour DRS chômage');
    await expect(recipient.locator('option').allTextContents()).resolves.toEqual(['L’entreprise elle-même', `Mandataire ${M.enterpriseNumber}`]);
    // No mandate covers sickness: only the enterprise itself is offered.
    await expect(page.getByLabel('Destinataire pour DRS maladie-invalidité').locator('option').allTextContents()).resolves.toEqual(['L’entreprise elle-même']);
    await recipient.selectOption(M.enterpriseNumber);
    await unemployment.getByRole('button', { name: 'Choisir le destinataire' }).click();
    await unemployment.getByRole('cell', { name: `Mandataire ${M.enterpriseNumber}`, exact: true }).waitFor();
    const sickness = page.getByRole('row', { name: /DRS maladie-invalidité/ });
    await sickness.getByRole('button', { name: 'Choisir le destinataire' }).click();
    await sickness.getByLabel('Canal pour DRS maladie-invalidité').waitFor();
    await sickness.getByLabel('Canal pour DRS maladie-invalidité').selectOption({ label: 'FTP Dupont (ftp)' });
    await sickness.getByRole('button', { name: 'Choisir le canal' }).click();
    await sickness.getByRole('cell', { name: 'FTP Dupont', exact: true }).waitFor();
    await screen(page, 'routing');
    // The technical user sends two sickness declarations over the eBox; once the API lists them routed, the screen shows them.
    const sent = await batchSend({ gatewayUrl: sys.baseUrl, natsUrl: natsUrlOf(sys), namespace: sys.namespace, enterpriseNumber: A.enterpriseNumber, quality: 'employer', declarationType: 'drs-sickness-invalidity', channel: 'ebox', count: 2, username: TECHNICAL_USERNAME, password: GOOD_PASSWORD });
    const rae = await sys.api.loginAs(A.accessManager.username, raePassword);
    for (let attempt = 0; ; attempt++) {
      const listed = await expectOk<any>('messages', sys.api.get(`/enterprises/${A.enterpriseNumber}/qualities/employer/structured-messages?status=routed`, rae.token));
      if (sent.messageIds.every((id) => listed.items.some((m: any) => m.messageId === id))) break;
      if (attempt === 300) throw new Error(`the messages ${sent.messageIds.join(', ')} were never listed as routed: ${JSON.stringify(listed.items)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await menu(page, 'Messages structurés');
    await field(page, 'Qualité sur laquelle travailler').selectOption('employer');
    await page.getByRole('table', { name: '2 message(s)' }).waitFor();
    await expect(page.locator('main table tbody tr td:nth-child(4)').allTextContents()).resolves.toEqual(['Routé', 'Routé']);
    await screen(page, 'messages');
    await menu(page, 'Historique (audit)');
    await page.getByRole('cell', { name: 'Canal batch ajouté' }).first().waitFor();
    await screen(page, 'audit');
    await menu(page, 'Aide');
    await page.getByRole('heading', { level: 2, name: 'Module de routage' }).waitFor();
    await screen(page, 'help');
    await tab.close();
  });

  test('when the access manager changes their language, password and certificate, then the console follows at once', async () => {
    const tab = await openTab();
    const { page } = tab;
    await login(page, A.accessManager.username, raePassword);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Mes données');
    await page.getByRole('definition').getByText(A.accessManager.username).waitFor();
    await screen(page, 'me');
    await field(page, 'E-mails personnels').fill('marie.dupont@example.be, m.dupont@example.be');
    await field(page, 'Langue').selectOption('nl');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Mijn gegevens' }).waitFor();
    await page.locator('html[lang="nl"]').waitFor({ state: 'attached' });
    await field(page, 'Taal').selectOption('fr');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByRole('navigation', { name: 'Menu principal' }).waitFor();
    await expect(field(page, 'E-mails personnels').inputValue()).resolves.toBe('marie.dupont@example.be, m.dupont@example.be');
    await page.getByRole('link', { name: 'Mon mot de passe' }).click();
    await field(page, 'Mot de passe actuel').fill(raePassword);
    await field(page, 'Nouveau mot de passe').fill('court');
    await screen(page, 'password');
    tab.expect('PUT', /^\/api\/v1\/me\/password$/, 400);
    await page.getByRole('button', { name: 'Modifier le mot de passe' }).click();
    await invalid(page, 'newPassword');
    await field(page, 'Nouveau mot de passe').fill('Change#2026z');
    await page.getByRole('button', { name: 'Modifier le mot de passe' }).click();
    // A new password ends every session: the console says so on the login screen.
    await page.getByRole('status').getByText('Votre mot de passe a été modifié : connectez-vous avec le nouveau.').waitFor();
    raePassword = 'Change#2026z';
    await login(page, A.accessManager.username, raePassword);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Mes données');
    await page.getByRole('link', { name: 'Mon certificat' }).click();
    tab.expect('GET', /^\/api\/v1\/me\/certificate$/, 404);
    await page.getByText('Aucun certificat enregistré.').waitFor();
    await page.getByLabel('Ou collez le certificat (PEM)').fill(issueCertificate({ commonName: 'Marie Dupont' }).pem);
    await page.getByRole('button', { name: 'Enregistrer le certificat' }).click();
    await page.getByText('Certificat enregistré.').waitFor();
    await page.getByRole('definition').getByText(/Marie Dupont/).first().waitFor();
    await screen(page, 'certificate');
    // A bound personal certificate is a second factor: the password alone is refused, and the login screen says why.
    const other = await openTab();
    other.expect('POST', /^\/api\/v1\/auth\/login$/, 401);
    await login(other.page, A.accessManager.username, raePassword);
    await other.page.getByRole('alert').getByText(/certificat personnel/).waitFor();
    await screen(other.page, 'login-refused');
    await other.close();
    // Removed again through the screen: the password alone logs in again.
    await page.getByRole('button', { name: 'Supprimer le certificat' }).click();
    await page.getByRole('button', { name: 'Oui, le supprimer' }).click();
    await page.getByRole('status').getByText('Certificat supprimé.').waitFor();
    await page.getByText('Aucun certificat enregistré.').waitFor();
    await tab.close();
    const rae = await sys.api.loginAs(A.accessManager.username, raePassword);
    const me = await expectOk<any>('me', sys.api.get('/me', rae.token));
    expect(me).toMatchObject({ language: 'fr', emails: ['marie.dupont@example.be', 'm.dupont@example.be'] });
  });

  test('when the contact centre logs in, then only the back office and their own data are offered, and they onboard an enterprise, register a mandate and replace an access manager', async () => {
    const cc = await openTab();
    const p = cc.page;
    await loginContactCentre(p);
    const items = await p.getByRole('navigation', { name: 'Menu principal' }).getByRole('link').allTextContents();
    expect(items).toEqual(['Accueil', 'Back office', 'Mes données', 'Aide']);
    await screen(p, 'home-contact-centre');
    await menu(p, 'Back office');
    const number = uniqueEnterpriseNumber();
    const onboard = p.getByRole('region', { name: 'Inscrire une entreprise' });
    await onboard.getByLabel(/^Numéro d’entreprise/).fill(number);
    await onboard.getByLabel(/^Nom de l’entreprise/).fill('Brasserie Nouvelle');
    await onboard.getByRole('checkbox', { name: 'Mandataire' }).check();
    cc.expect('GET', /^\/api\/v1\/enterprises\/\d+\/persons\/\d+$/, 404);
    await onboard.getByLabel(/^Numéro de registre national/).fill(uniqueNiss());
    await onboard.getByRole('button', { name: 'Rechercher ce NISS' }).click();
    await onboard.getByLabel(/^Prénom/).fill('Hugo');
    await onboard.getByLabel(/^Nom( \(obligatoire\))?$/).fill('Leroy');
    await onboard.getByLabel(/^Nom d’utilisateur/).fill(uniqueUsername('hugo'));
    await onboard.getByLabel(/^Mot de passe/).fill(GOOD_PASSWORD);
    await onboard.getByRole('button', { name: 'Inscrire l’entreprise' }).click();
    await p.getByRole('status').getByText('Brasserie Nouvelle est inscrite.').waitFor();
    const mandates = p.getByRole('region', { name: 'Enregistrer un mandat' });
    await mandates.getByLabel(/^Entreprise qui donne le mandat/).fill(number);
    await mandates.getByLabel(/^Entreprise mandataire/).fill(M.enterpriseNumber);
    await mandates.getByRole('checkbox', { name: 'DRS accident du travail' }).check();
    await mandates.getByRole('button', { name: 'Enregistrer le mandat' }).click();
    await p.getByRole('status').getByText('Mandat enregistré.').waitFor();
    const replace = p.getByRole('region', { name: 'Remplacer un Responsable Accès' });
    await replace.getByLabel(/^Numéro d’entreprise/).fill(number);
    await replace.getByLabel(/^Numéro de registre national/).fill(uniqueNiss());
    await replace.getByRole('button', { name: 'Rechercher ce NISS' }).click();
    await replace.getByLabel(/^Prénom/).fill('Iris');
    await replace.getByLabel(/^Nom( \(obligatoire\))?$/).fill('Dubois');
    await replace.getByLabel(/^Nom d’utilisateur/).fill(uniqueUsername('iris'));
    await replace.getByLabel(/^Mot de passe/).fill(GOOD_PASSWORD);
    await replace.getByRole('button', { name: 'Remplacer le Responsable Accès' }).click();
    await p.getByRole('status').getByText(`Le Responsable Accès de ${number} est remplacé.`).waitFor();
    await screen(p, 'admin');
    await cc.close();
  });

  test('when a person whose language is German logs in from an English browser, then the console speaks German; role choice and home are shown in each language', async () => {
    const tab = await openTab('en-GB');
    const { page } = tab;
    await login(page, GERMAN.username, GOOD_PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Rolle wählen' }).waitFor();
    await page.locator('html[lang="de"]').waitFor({ state: 'attached' });
    const titles = { fr: ['Choisissez un rôle', 'Accueil'], nl: ['Kies een rol', 'Startpagina'], de: ['Rolle wählen', 'Startseite'], en: ['Choose a role', 'Home'] } as const;
    for (const [language, [roles, home]] of Object.entries(titles) as Array<[keyof typeof titles, readonly [string, string]]>) {
      const role = roleKind(language, 'local-manager');
      await page.locator('header').getByLabel(/^(Langue|Taal|Sprache|Language)$/).selectOption(language);
      await page.locator(`html[lang="${language}"]`).waitFor({ state: 'attached' });
      if (!(await page.getByRole('heading', { level: 1, name: roles }).isVisible())) await page.getByRole('button', { name: /Changer de rôle|Andere rol|Rolle wechseln|Change role/ }).click();
      await page.getByRole('heading', { level: 1, name: roles }).waitFor();
      await screen(page, `roles-${language}`);
      await page.getByRole('button', { name: role }).click();
      await page.getByRole('heading', { level: 1, name: home }).waitFor();
      await screen(page, `home-${language}`);
    }
    await tab.close();
  });

  test('when a manager adds a co-GL whose NISS is known, then the names come pre-filled and no credentials are asked', async () => {
    const tab = await openTab();
    const { page } = tab;
    await login(page, A.accessManager.username, raePassword);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Co-Gestionnaires Locaux');
    await field(page, 'Qualité sur laquelle travailler').selectOption('employer');
    await field(page, 'Numéro de registre national (NISS)').fill(GERMAN.niss);
    await page.getByRole('button', { name: 'Rechercher ce NISS' }).click();
    await page.getByText('Cette personne est connue : vérifiez les noms et confirmez.').waitFor();
    await expect(field(page, 'Prénom').inputValue()).resolves.toBe(GERMAN.firstName);
    await expect(field(page, 'Nom').inputValue()).resolves.toBe(GERMAN.lastName);
    await expect(field(page, 'Nom d’utilisateur').count()).resolves.toBe(0);
    await screen(page, 'co-local-managers-known-person');
    await page.getByRole('button', { name: 'Confirmer le Co-Gestionnaire Local' }).click();
    await page.getByRole('row', { name: new RegExp(`${GERMAN.firstName} ${GERMAN.lastName}`) }).waitFor();
    await tab.close();
  });

  test('when a manager filters the search on co-GLs, then only co-GLs are listed, and every criterion at once finds the one person', async () => {
    const tab = await openTab();
    const { page } = tab;
    await login(page, A.accessManager.username, raePassword);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Utilisateurs');
    await field(page, 'Qualité sur laquelle travailler').selectOption('employer');
    await field(page, 'Type').selectOption('co-local-manager');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.getByRole('link', { name: 'Nina Wouters' }).waitFor();
    const kinds = await page.locator('main table tbody tr td:nth-child(5)').allTextContents();
    expect(new Set(kinds)).toEqual(new Set(['Co-Gestionnaire Local']));
    const criteria: Array<[string, string]> = [['Nom', SEARCHED.lastName], ['Prénom', SEARCHED.firstName], ['Nom d’utilisateur', SEARCHED.username], ['Numéro de registre national (NISS)', SEARCHED.niss], ['E-mail personnel', SEARCHED.email], ['Titre', 'Ir']];
    for (const [label, value] of criteria) await field(page, label).fill(value);
    await field(page, 'Langue').selectOption('de');
    await field(page, 'Statut').selectOption('active');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: '1 résultat(s)' }).waitFor();
    await expect(page.locator('main table tbody tr').allTextContents()).resolves.toEqual([expect.stringContaining('Greta Keller')]);
    await tab.close();
  });

  test('when a local manager works with the keyboard alone, then every step is reachable, focus is visible, and the menu holds only the quality’s screens', async () => {
    const tab = await openTab();
    const { page } = tab;
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    // Tab from the top of the page: skip link, language, then the form.
    const focusTo = async (accessibleName: RegExp, max = 12) => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        // Evaluated in the page (a string: this file is compiled without the DOM's types).
        const name = await page.evaluate<string>(
          `(() => { const el = document.activeElement; if (!el) return ''; const label = el.id ? document.querySelector('label[for="' + el.id + '"]') : null; return el.getAttribute('aria-label') || (label ? label.textContent : '') || el.textContent || ''; })()`,
        );
        if (accessibleName.test(name ?? '')) return;
      }
      throw new Error(`no focusable element named ${accessibleName} within ${max} Tab presses`);
    };
    await focusTo(/^Nom d’utilisateur/);
    const outline = await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).not.toBe('none');
    await page.keyboard.type(GERMAN.username);
    await focusTo(/^Mot de passe/);
    await page.keyboard.type(GOOD_PASSWORD);
    await page.keyboard.press('Enter');
    // The person's own language (German) and the catalogue's labels first, so nothing re-renders under the focus.
    await page.getByRole('heading', { level: 1, name: 'Rolle wählen' }).waitFor();
    await page.locator('html[lang="de"]').waitFor({ state: 'attached' });
    await page.waitForLoadState('networkidle');
    await focusTo(roleKind('de', 'local-manager'), 20);
    await page.keyboard.press('Enter');
    // The home, or the refusal of the role in words: a refusal fails at once, saying what it was.
    const home = page.getByRole('heading', { level: 1, name: 'Startseite' });
    const refused = page.locator('main [role="alert"]');
    await home.or(refused).first().waitFor();
    if (!(await home.isVisible())) throw new Error(`choosing the role was refused: ${await refused.first().textContent()}`);
    const items = await page.getByRole('navigation').first().getByRole('link').count();
    const names = await page.getByRole('navigation').first().getByRole('link').allTextContents();
    expect(names).not.toContain('Entreprise');
    expect(names).not.toContain('Unternehmen');
    expect(items).toBeGreaterThan(3);
    await focusTo(/^(Benutzer|Utilisateurs)$/, 20);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: /^(Benutzer|Utilisateurs)$/ }).waitFor();
    await tab.close();
  });

  test('when the contact centre finds a person, then it unlocks them and gives a temporary password that must be changed at the next login', async () => {
    const tab = await openTab();
    const { page } = tab;
    await loginContactCentre(page);
    await menu(page, 'Back office');
    const find = page.getByRole('region', { name: 'Rechercher' });
    await find.getByLabel(/^Nom d’utilisateur/).fill(M.accessManager.username);
    await find.getByRole('button', { name: 'Rechercher des personnes' }).click();
    const row = find.getByRole('row', { name: new RegExp(M.accessManager.lastName) });
    await row.getByRole('button', { name: 'Déverrouiller' }).click();
    await page.getByRole('status').getByText('Compte déverrouillé.').waitFor();
    await row.getByLabel(/^Mot de passe provisoire/).fill('Provisoire#26');
    await row.getByRole('button', { name: 'Réinitialiser le mot de passe' }).click();
    await page.getByRole('status').getByText('Mot de passe réinitialisé.').waitFor();
    await screen(page, 'admin-find');
    await tab.close();
    // The person logs in with it and is taken to the password screen first.
    const person = await openTab();
    await login(person.page, M.accessManager.username, 'Provisoire#26');
    await person.page.getByText('Votre mot de passe a été réinitialisé : choisissez-en un nouveau avant de continuer.').waitFor();
    await field(person.page, 'Mot de passe actuel').fill('Provisoire#26');
    await field(person.page, 'Nouveau mot de passe').fill('Definitif#2026');
    await person.page.getByRole('button', { name: 'Modifier le mot de passe' }).click();
    await person.page.getByRole('status').getByText('Votre mot de passe a été modifié : connectez-vous avec le nouveau.').waitFor();
    mRaePassword = 'Definitif#2026';
    await login(person.page, M.accessManager.username, 'Definitif#2026');
    await chooseRole(person.page, /Responsable Accès Entreprise/);
    await person.close();
  });

  test('when the access manager edits a co-RAE and a co-GL, then a bad name is named next to its field, the change shows, and a person with roles outside the enterprise is refused in words', async () => {
    const tab = await openTab();
    const { page } = tab;
    await login(page, A.accessManager.username, raePassword);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Co-Responsables Accès');
    const row = page.getByRole('row', { name: /Paul Renard/ });
    await row.getByRole('button', { name: 'Modifier les données' }).click();
    const form = row.getByRole('form', { name: 'Données de Paul Renard' });
    await form.getByLabel(/^Prénom/).fill('');
    tab.expect('PATCH', /^\/api\/v1\/enterprises\/\d+\/co-access-managers\/[0-9a-f]+$/, 400);
    await form.getByRole('button', { name: 'Enregistrer' }).click();
    await invalid(page, 'firstName');
    await expect(form.locator('.field-error').count()).resolves.toBe(1);
    await screen(page, 'co-access-manager-edit');
    await form.getByLabel(/^Prénom/).fill('Paulo');
    await form.getByLabel(/^Titre/).fill('Dr');
    await form.getByLabel(/^Langue/).selectOption('nl');
    await form.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('status').getByText('Données enregistrées.').waitFor();
    const edited = page.getByRole('row', { name: /Dr Paulo Renard/ });
    await edited.getByRole('cell', { name: 'Nederlands', exact: true }).waitFor();
    // Lea Vermeulen is also co-RAE of M: her person-level data is not A's to change (403 PERSON_OUTSIDE_SCOPE), said in words.
    const shared = page.getByRole('row', { name: /Lea Vermeulen/ });
    await shared.getByRole('button', { name: 'Modifier les données' }).click();
    await shared.getByLabel(/^Nom( \(obligatoire\))?$/).fill('Autre');
    tab.expect('PATCH', /^\/api\/v1\/enterprises\/\d+\/co-access-managers\/[0-9a-f]+$/, 403);
    await shared.getByRole('button', { name: 'Enregistrer' }).click();
    await shared.getByRole('alert').getByText('Cette personne a aussi des rôles en dehors de votre périmètre.').waitFor();
    await expect(shared.getByRole('alert').textContent()).resolves.toContain('(PERSON_OUTSIDE_SCOPE)');
    await screen(page, 'co-access-manager-outside-scope');
    // The co-GL's language, in the quality's co-GL screen.
    await menu(page, 'Co-Gestionnaires Locaux');
    await field(page, 'Qualité sur laquelle travailler').selectOption('employer');
    const coGl = page.getByRole('row', { name: /Omar Benali/ });
    await coGl.getByRole('button', { name: 'Modifier les données' }).click();
    await coGl.getByLabel(/^Langue/).selectOption('de');
    await coGl.getByRole('button', { name: 'Enregistrer' }).click();
    await coGl.getByRole('cell', { name: 'Deutsch', exact: true }).waitFor();
    await tab.close();
    // What the API holds: the edits, and nothing of the refused one.
    const rae = await sys.api.loginAs(A.accessManager.username, raePassword);
    const coRaes = (await expectOk<any>('co-RAEs', sys.api.get(`/enterprises/${A.enterpriseNumber}/co-access-managers`, rae.token))).items;
    expect(coRaes.find((m: any) => m.niss === CO_RAE.niss)).toMatchObject({ firstName: 'Paulo', lastName: 'Renard', title: 'Dr', language: 'nl' });
    expect(coRaes.find((m: any) => m.niss === SHARED.niss)).toMatchObject({ firstName: 'Lea', lastName: 'Vermeulen' });
    const coGls = (await expectOk<any>('co-GLs', sys.api.get(`/enterprises/${A.enterpriseNumber}/qualities/employer/co-local-managers`, rae.token))).items;
    expect(coGls.find((m: any) => m.niss === CO_GL.niss)).toMatchObject({ firstName: 'Omar', language: 'de' });
  });

  test('when the contact centre reads a person’s trail and ends then revokes a mandate, then the mandator’s routing shows its rule as mandate-ended', async () => {
    const cc = await openTab();
    const p = cc.page;
    await loginContactCentre(p);
    await menu(p, 'Back office');
    // From the person search to the person's own trail: their logins, with the address.
    const find = p.getByRole('region', { name: 'Rechercher' });
    await find.getByLabel(/^Nom d’utilisateur/).fill(B.accessManager.username);
    await find.getByRole('button', { name: 'Rechercher des personnes' }).click();
    await find.getByRole('row', { name: /Yves Bertrand/ }).getByRole('button', { name: 'Historique' }).click();
    const trail = p.getByRole('region', { name: 'Historique de Yves Bertrand' });
    await trail.getByRole('cell', { name: 'Connexion réussie' }).first().waitFor();
    const address = await trail.getByRole('row', { name: /Connexion réussie/ }).first().getByRole('cell').nth(3).textContent();
    expect(address).toMatch(/\d|:/);
    await screen(p, 'admin-person-audit');
    // B's mandates: end the one to M on a date in the past (it no longer covers today), then revoke it.
    const mandates = p.getByRole('region', { name: 'Mandats d’une entreprise' });
    await mandates.getByLabel(/^Numéro de l’entreprise qui donne les mandats/).fill(B.enterpriseNumber);
    await mandates.getByRole('button', { name: 'Afficher les mandats' }).click();
    const row = mandates.getByRole('row', { name: new RegExp(M.enterpriseNumber) });
    await row.getByRole('cell', { name: 'en cours' }).waitFor();
    await row.getByLabel(/^Terminer le/).fill('2026-02-01');
    await row.getByRole('button', { name: 'Terminer à cette date' }).click();
    await p.getByRole('status').getByText('Mandat terminé au 2026-02-01.').waitFor();
    await row.getByRole('cell', { name: 'terminé', exact: true }).waitFor();
    await screen(p, 'admin-mandates');
    await row.getByRole('button', { name: 'Révoquer' }).click();
    await row.getByRole('button', { name: 'Oui, révoquer' }).click();
    await p.getByRole('status').getByText('Mandat révoqué.').waitFor();
    await mandates.getByText('Aucun mandat.').waitFor();
    await cc.close();
    // B's access manager sees the work-accident rule as mandate-ended.
    const tab = await openTab();
    const { page } = tab;
    await login(page, B.accessManager.username, GOOD_PASSWORD);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Module de routage');
    await page.getByRole('row', { name: /DRS accident du travail/ }).getByRole('cell', { name: 'Mandat terminé', exact: true }).waitFor();
    await screen(page, 'routing-mandate-ended');
    await tab.close();
    const bRae = await sys.api.loginAs(B.accessManager.username, GOOD_PASSWORD);
    const rules = (await expectOk<any>('B rules', sys.api.get(`/enterprises/${B.enterpriseNumber}/qualities/employer/routing`, bRae.token))).items;
    expect(rules.find((r: any) => r.declarationType === 'drs-work-accident')).toMatchObject({ state: 'mandate-ended' });
  });

  test('when A’s local manager routes to the mandatary within its mandate, then the mandatary’s access manager picks the channel from “rules received” and the API holds it', async () => {
    const mRaeApi = await sys.api.loginAs(M.accessManager.username, mRaePassword);
    const { channelId } = await expectOk<any>('M channel', sys.api.post(`/enterprises/${M.enterpriseNumber}/batch-channels`, { type: 'ftp', name: 'FTP Mandaco', parameters: { host: 'ftp.mandaco.example.be' } }, mRaeApi.token));
    const gl = await openTab();
    await login(gl.page, A_GL.username, GOOD_PASSWORD);
    await chooseRole(gl.page, roleKind('fr', 'local-manager'));
    await menu(gl.page, 'Module de routage');
    const unemployment = gl.page.getByRole('row', { name: /DRS chômage/ });
    await unemployment.getByLabel('Destinataire pour DRS chômage').selectOption(M.enterpriseNumber);
    await unemployment.getByRole('button', { name: 'Choisir le destinataire' }).click();
    await unemployment.getByRole('cell', { name: `Mandataire ${M.enterpriseNumber}`, exact: true }).waitFor();
    await gl.close();
    const tab = await openTab();
    const { page } = tab;
    await login(page, M.accessManager.username, mRaePassword);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Module de routage');
    const received = page.getByRole('listitem').filter({ hasText: `${A.enterpriseNumber}, DRS chômage` });
    await received.getByLabel(`Canal pour ${A.enterpriseNumber} — DRS chômage`).selectOption({ label: 'FTP Mandaco (ftp)' });
    await received.getByRole('button', { name: 'Choisir le canal' }).click();
    await page.getByRole('status').getByText('Enregistré.').waitFor();
    await page.getByText(`${A.enterpriseNumber}, DRS chômage : canal FTP Mandaco`).waitFor();
    // B's rule, whose mandate the contact centre ended in the test before, is shown as such, with no channel to choose.
    const ended = page.getByRole('listitem').filter({ hasText: `${B.enterpriseNumber}, DRS accident du travail` });
    await expect(ended.textContent()).resolves.toContain('Mandat terminé');
    await expect(ended.getByRole('button').count()).resolves.toBe(0);
    await screen(page, 'routing-received');
    await tab.close();
    const rae = await sys.api.loginAs(A.accessManager.username, raePassword);
    const rules = (await expectOk<any>('A rules', sys.api.get(`/enterprises/${A.enterpriseNumber}/qualities/employer/routing`, rae.token))).items;
    expect(rules.find((r: any) => r.declarationType === 'drs-unemployment')).toMatchObject({ recipient: M.enterpriseNumber, channel: channelId, state: 'active' });
  });

  test('when the access manager checks then imports a CSV file of users with one bad row, then the check names exactly that row’s error in words, and the import creates the others, found by the users search', async () => {
    const tab = await openTab();
    const { page } = tab;
    const good = [
      { niss: uniqueNiss(), firstName: 'Anna', username: uniqueUsername('anna') },
      { niss: uniqueNiss(), firstName: 'Bruno', username: uniqueUsername('bruno') },
    ];
    const csv = [
      'niss;firstName;lastName;language;username;applications',
      `${good[0]!.niss};Anna;Importé;fr;${good[0]!.username};dimona|dmfa`,
      `123;Carl;Importé;fr;${uniqueUsername('carl')};`,
      `${good[1]!.niss};Bruno;Importé;nl;${good[1]!.username};`,
    ].join('\n');
    await login(page, A.accessManager.username, raePassword);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Importer des utilisateurs');
    await page.getByRole('heading', { level: 1, name: 'Importer des utilisateurs' }).waitFor();
    await field(page, 'Qualité sur laquelle travailler').selectOption('employer');
    await page.getByText('niss;firstName;lastName;title;language;email;companyEmail;username;applications', { exact: true }).waitFor();
    await page.locator('main input[type="file"]').setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await page.getByRole('status').getByText('Vérification terminée : rien n’a été enregistré.').waitFor();
    const report = page.getByRole('table', { name: 'Rapport ligne par ligne (3 lignes)' });
    await report.waitFor();
    const rows = async () => (await report.locator('tbody tr').all()).map(async (r) => (await r.locator('td').allTextContents()).map((c) => c.trim()));
    const checked = await Promise.all(await rows());
    expect(checked.map(([row, result]) => [row, result])).toEqual([['1', 'À créer (nouvelle personne)'], ['2', 'Erreur'], ['3', 'À créer (nouvelle personne)']]);
    // The bad row's error in the console's language (Accept-Language: fr), with its code.
    expect(checked[1]![2]).toContain('Un NISS compte 11 chiffres');
    expect(checked[1]![2]).toContain('(NISS_INVALID)');
    expect(checked[0]![2]).toBe('');
    await screen(page, 'import-users-check');
    // A check writes nothing.
    const rae = await sys.api.loginAs(A.accessManager.username, raePassword);
    const before = await expectOk<any>('search', sys.api.get(`/enterprises/${A.enterpriseNumber}/qualities/employer/users?lastName=${encodeURIComponent('Importé')}`, rae.token));
    expect(before.total).toBe(0);
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    await page.getByRole('status').getByText('Import terminé.').waitFor();
    const imported = await Promise.all(await rows());
    expect(imported.map(([row, result]) => [row, result])).toEqual([['1', 'Créé (nouvelle personne)'], ['2', 'Erreur'], ['3', 'Créé (nouvelle personne)']]);
    await expect(report.getByRole('link', { name: 'Ouvrir l’utilisateur' }).count()).resolves.toBe(2);
    await screen(page, 'import-users');
    // The users search finds the two created users, with the applications of their row.
    await menu(page, 'Utilisateurs');
    await field(page, 'Qualité sur laquelle travailler').selectOption('employer');
    await field(page, 'Nom').fill('Importé');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: '2 résultat(s)' }).waitFor();
    await page.getByRole('row', { name: /Anna Importé/ }).getByRole('cell', { name: 'Dimona, DmfA' }).waitFor();
    await page.getByRole('link', { name: 'Bruno Importé' }).waitFor();
    await tab.close();
  });

  test('when the access manager creates a SCIM token, then it is shown once with the SCIM base URL, works against the SCIM Users route, and once revoked no longer does', async () => {
    const tab = await openTab();
    const { page } = tab;
    await login(page, A.accessManager.username, raePassword);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Jetons SCIM');
    await page.getByRole('heading', { level: 1, name: 'Jetons SCIM' }).waitFor();
    await field(page, 'Qualité sur laquelle travailler').selectOption('employer');
    await page.getByText('Aucun jeton.').waitFor();
    await field(page, 'Usage').fill('Paie Acme');
    await page.getByRole('button', { name: 'Créer le jeton' }).click();
    const shown = page.getByRole('region', { name: 'Le nouveau jeton' });
    await shown.waitFor();
    const token = await shown.getByLabel('Jeton').inputValue();
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const scimBase = `${baseUrl}/scim/v2/${A.enterpriseNumber}/employer`;
    await expect(shown.getByLabel('Adresse de base SCIM').inputValue()).resolves.toBe(scimBase);
    await expect(shown.textContent()).resolves.toContain('il n’est affiché qu’une fois');
    await page.getByRole('row', { name: /Paie Acme/ }).waitFor();
    await screen(page, 'scim-tokens');
    const scimUsers = () => fetch(`${scimBase}/Users`, { headers: { authorization: `Bearer ${token}`, accept: 'application/scim+json' } });
    const answer = await scimUsers();
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { schemas: string[] }).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    // Shown once: back on the screen, the token is listed without its secret.
    await menu(page, 'Accueil');
    await menu(page, 'Jetons SCIM');
    await field(page, 'Qualité sur laquelle travailler').selectOption('employer');
    const row = page.getByRole('row', { name: /Paie Acme/ });
    await row.waitFor();
    await expect(page.locator('main').textContent()).resolves.not.toContain(token);
    await expect(page.getByRole('region', { name: 'Le nouveau jeton' }).count()).resolves.toBe(0);
    await row.getByRole('button', { name: 'Révoquer' }).click();
    await row.getByRole('button', { name: 'Oui, révoquer' }).click();
    await page.getByRole('status').getByText('Jeton révoqué : le système RH ne peut plus l’utiliser.').waitFor();
    await page.getByText('Aucun jeton.').waitFor();
    expect((await scimUsers()).status).toBe(401);
    await tab.close();
  });

  test('when the access manager registers a webhook, then an http address on the loopback is refused in words, an https one is listed with its kinds and its secret shown once, its delivery log opens, and it can be removed', async () => {
    const tab = await openTab();
    const { page } = tab;
    await login(page, A.accessManager.username, raePassword);
    await chooseRole(page, /Responsable Accès Entreprise/);
    await menu(page, 'Webhooks');
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByText('Aucun webhook.').waitFor();
    await field(page, 'Adresse du récepteur (URL)').fill('http://localhost:8080/events');
    tab.expect('POST', /^\/api\/v1\/enterprises\/\d+\/webhooks$/, 400);
    await page.getByRole('button', { name: 'Enregistrer le webhook' }).click();
    await invalid(page, 'url');
    await page.getByRole('alert').getByText('Le destinataire d’un webhook doit être une adresse https sur l’internet public.', { exact: false }).first().waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('(WEBHOOK_URL_REFUSED)');
    await screen(page, 'webhooks-refused');
    // A receiver under a name that never resolves (RFC 2606 .invalid): nothing leaves the machine.
    const url = 'https://receiver.example.invalid/um-events';
    await field(page, 'Adresse du récepteur (URL)').fill(url);
    await page.getByRole('checkbox', { name: 'Utilisateur enregistré' }).check();
    await page.getByRole('checkbox', { name: 'Utilisateur bloqué' }).check();
    await page.getByRole('button', { name: 'Enregistrer le webhook' }).click();
    await page.getByRole('status').getByText('Webhook enregistré.').waitFor();
    const secret = await page.getByRole('region', { name: `Secret de signature de ${url}` }).getByLabel('Secret de signature').inputValue();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const row = page.getByRole('row', { name: new RegExp(url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
    await row.getByRole('cell', { name: 'Utilisateur enregistré, Utilisateur bloqué' }).waitFor();
    await row.getByRole('button', { name: 'Journal des envois' }).click();
    const log = page.getByRole('region', { name: `Journal des envois de ${url}` });
    await log.getByRole('table').or(log.getByText('Rien n’a encore été envoyé.')).first().waitFor();
    await screen(page, 'webhooks');
    const rae = await sys.api.loginAs(A.accessManager.username, raePassword);
    const listed = (await expectOk<any>('webhooks', sys.api.get(`/enterprises/${A.enterpriseNumber}/webhooks`, rae.token))).items;
    expect(listed).toEqual([expect.objectContaining({ url, kinds: ['user.registered', 'user.blocked'] })]);
    expect(JSON.stringify(listed)).not.toContain(secret);
    await row.getByRole('button', { name: 'Supprimer' }).click();
    await row.getByRole('button', { name: 'Oui, supprimer' }).click();
    await page.getByRole('status').getByText('Webhook supprimé.').waitFor();
    await page.getByText('Aucun webhook.').waitFor();
    await tab.close();
  });

  test('when the access manager gives a user’s membership and one application a window, then the user page shows them and the API holds them; a window that ends before it starts is named next to its field; the page, opened by a deep link and reloaded, stays signed in', async () => {
    const aRae = await sys.api.loginAs(A.accessManager.username, raePassword);
    const person = personBody({ language: 'fr', firstName: 'Hugo', lastName: 'Tempo' });
    const { personId } = await expectOk<any>('register Hugo', sys.api.post(`/enterprises/${A.enterpriseNumber}/qualities/employer/users`, { ...person, applications: ['dimona', 'dmfa'] }, aRae.token));
    const tab = await openTab();
    const { page } = tab;
    await login(page, A.accessManager.username, raePassword);
    await chooseRole(page, /Responsable Accès Entreprise/);
    // A deep link, loaded afresh in the signed-in tab: the session carries on.
    await page.goto(`/users/employer/${personId}`);
    await page.getByRole('heading', { level: 1, name: 'Utilisateur Hugo Tempo' }).waitFor();
    await page.getByRole('definition').getByText('sans limite — en cours', { exact: true }).waitFor();
    await field(page, 'Valable à partir du').fill('2032-01-01T00:00');
    await field(page, 'Valable jusqu’au').fill('2031-06-30T12:00');
    tab.expect('PATCH', /^\/api\/v1\/enterprises\/\d+\/qualities\/employer\/users\/[0-9a-f]+$/, 400);
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.locator('main [name="validFrom"][aria-invalid="true"], main [name="validUntil"][aria-invalid="true"]').first().waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('(VALIDITY_WINDOW_INVALID)');
    await field(page, 'Valable à partir du').fill('');
    await field(page, 'DmfA : jusqu’au').fill('2030-01-01T00:00');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByRole('status').getByText('Applications et validité enregistrées.').waitFor();
    await page.getByRole('definition').getByText(/^DmfA : du … au .+ — en cours$/).waitFor();
    await page.getByRole('definition').getByText(/^du … au .+ — en cours$/).waitFor();
    await screen(page, 'user-validity');
    // Reloaded, the page shows the same windows.
    await page.reload();
    await page.getByRole('definition').getByText(/^du … au .+ — en cours$/).waitFor();
    await tab.close();
    const user = await expectOk<any>('Hugo', sys.api.get(`/enterprises/${A.enterpriseNumber}/qualities/employer/users/${personId}`, aRae.token));
    expect(user).toMatchObject({ validUntil: new Date('2031-06-30T12:00').toISOString(), validity: 'current' });
    expect(user.validFrom).toBeUndefined();
    expect(user.applicationGrants).toEqual([{ code: 'dimona', validity: 'current' }, { code: 'dmfa', validUntil: new Date('2030-01-01T00:00').toISOString(), validity: 'current' }]);
  });
});
