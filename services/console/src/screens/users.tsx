/** User search (manual Ill. 13, 18), registering a user with applications, a user's page, co-GLs. */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { UserView } from '@um/contracts';
import { api, type ApplicationGrant, type Page as ResultPage, type Problem } from '../api.js';
import { useCatalogue } from '../catalogue.js';
import { LANGUAGES, useSession } from '../session.js';
import { Checkboxes, Field, Notice, Page, Pager, ProblemAlert, Select, Table, usePersonEntry, useQualityChoice } from '../ui.js';
import { ManagerActions, ManagersPanel, type ManagerRoutes } from './managers.js';
import { fromInput, toInput, type WindowInput } from '../validity.js';

const CRITERIA = ['lastName', 'firstName', 'username', 'niss', 'email', 'title'] as const;

/** Applications a quality offers: the quality's own list when it is known, else the catalogue's. */
function useApplications(quality: string | undefined): string[] {
  const { role } = useSession();
  const { applicationsOf } = useCatalogue();
  const [apps, setApps] = useState<string[]>([]);
  useEffect(() => {
    if (!quality || !role?.enterpriseNumber) return;
    void api.quality(role.enterpriseNumber, quality).then((r) => setApps(r.ok ? r.data.applications : (applicationsOf(quality) ?? [])));
  }, [quality, role?.enterpriseNumber]);
  return apps;
}

export function UsersScreen() {
  const { t } = useTranslation();
  const { role, can } = useSession();
  const { label } = useCatalogue();
  const en = role?.enterpriseNumber ?? '';
  const enterpriseWide = can('users.search.enterprise');
  const { quality, picker } = useQualityChoice();
  const [scope, setScope] = useState<'quality' | 'all'>('quality');
  const [criteria, setCriteria] = useState<Record<string, string>>({});
  const [result, setResult] = useState<ResultPage<UserView>>();
  const [problem, setProblem] = useState<Problem>();
  const apps = useApplications(quality);
  const set = (k: string) => (v: string) => setCriteria((c) => ({ ...c, [k]: v }));
  async function search(e?: FormEvent, page = 1) {
    e?.preventDefault();
    const all = enterpriseWide && scope === 'all';
    const query = { ...criteria, page, ...(all && criteria.application ? { quality } : {}) };
    const r = all ? await api.searchEnterpriseUsers(en, query) : await api.searchQualityUsers(en, quality ?? '', query);
    if (!r.ok) {
      setResult(undefined);
      return setProblem(r.problem);
    }
    setProblem(undefined);
    setResult(r.data);
  }
  return (
    <Page title={t('users.title')}>
      {picker}
      {can('users.manage') && quality ? (
        <p>
          <Link to="/users/new">{t('users.register')}</Link> · <Link to="/users/import">{t('users.import')}</Link>
        </p>
      ) : null}
      <form onSubmit={(e) => void search(e)} noValidate aria-labelledby="search-heading">
        <h2 id="search-heading">{t('users.search')}</h2>
        {enterpriseWide ? (
          <Select label={t('users.scope')} value={scope} onChange={(v) => setScope(v as 'quality' | 'all')} options={[{ value: 'quality', label: t('users.scopeQuality') }, { value: 'all', label: t('users.scopeAll') }]} />
        ) : null}
        <div className="grid">
          {CRITERIA.map((c) => (
            <Field key={c} label={t(`person.${c}`)} name={c} value={criteria[c] ?? ''} onChange={set(c)} problem={problem} />
          ))}
          <Select label={t('person.language')} name="language" value={criteria.language ?? ''} onChange={set('language')} problem={problem} options={[{ value: '', label: t('common.any') }, ...LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))]} />
          <Select label={t('common.status')} name="status" value={criteria.status ?? ''} onChange={set('status')} problem={problem} options={[{ value: '', label: t('common.any') }, { value: 'active', label: t('status.active') }, { value: 'blocked', label: t('status.blocked') }]} />
          <Select label={t('users.kind')} name="kind" value={criteria.kind ?? ''} onChange={set('kind')} problem={problem} options={[{ value: '', label: t('users.kindAll') }, { value: 'user', label: label('roleKinds', 'user') }, { value: 'co-local-manager', label: label('roleKinds', 'co-local-manager') }]} />
          <Select label={t('users.application')} name="application" value={criteria.application ?? ''} onChange={set('application')} problem={problem} options={[{ value: '', label: t('common.any') }, ...apps.map((a) => ({ value: a, label: label('applications', a) }))]} />
        </div>
        <button type="submit">{t('users.searchButton')}</button>
      </form>
      <ProblemAlert problem={problem} />
      {result ? (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">{t('users.results', { count: result.total })}</h2>
          {result.items.length ? (
            <Table caption={t('users.results', { count: result.total })} hideCaption columns={[t('person.name'), t('person.username'), t('person.niss'), t('quality.type'), t('users.kind'), t('common.status'), t('quality.applications')]}>
              {result.items.map((u) => (
                <tr key={`${u.personId}-${u.quality}-${u.kind}`}>
                  <td>
                    <Link to={`/users/${u.quality}/${u.personId}`}>{`${u.firstName} ${u.lastName}`}</Link>
                  </td>
                  <td>{u.username ?? '—'}</td>
                  <td>{u.niss ?? '—'}</td>
                  <td>{label('qualities', u.quality)}</td>
                  <td>{label('roleKinds', u.kind)}</td>
                  <td>{t(`status.${u.status}`)}</td>
                  <td>{u.applications.map((a) => label('applications', a)).join(', ') || '—'}</td>
                </tr>
              ))}
            </Table>
          ) : null}
          <Pager page={result.page} pageSize={result.pageSize} total={result.total} onPage={(n) => void search(undefined, n)} />
        </section>
      ) : null}
    </Page>
  );
}

export function RegisterUserScreen() {
  const { t } = useTranslation();
  const { role } = useSession();
  const { label } = useCatalogue();
  const navigate = useNavigate();
  const en = role?.enterpriseNumber ?? '';
  const { quality, picker } = useQualityChoice();
  const apps = useApplications(quality);
  const entry = usePersonEntry(en);
  const [companyEmail, setCompanyEmail] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [problem, setProblem] = useState<Problem>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await api.registerUser(en, quality ?? '', { ...entry.payload(), applications: selected, ...(companyEmail.trim() ? { companyEmail: companyEmail.trim() } : {}) });
    if (!r.ok) return setProblem(r.problem);
    navigate(`/users/${quality}/${r.data.personId}`);
  }
  return (
    <Page title={t('register.title')}>
      {picker}
      <form onSubmit={(e) => void submit(e)} noValidate>
        {entry.fields(problem)}
        <Field label={t('person.companyEmail')} name="companyEmail" type="email" value={companyEmail} onChange={setCompanyEmail} problem={problem} />
        <Checkboxes legend={t('quality.applications')} name="applications" options={apps.map((a) => ({ value: a, label: label('applications', a) }))} selected={selected} onChange={setSelected} problem={problem} />
        <ProblemAlert problem={problem} />
        <button type="submit" disabled={!entry.ready || !quality}>
          {t('register.submit')}
        </button>
      </form>
    </Page>
  );
}

export function UserScreen() {
  const { t } = useTranslation();
  const { role, can } = useSession();
  const { label } = useCatalogue();
  const navigate = useNavigate();
  const { type = '', personId = '' } = useParams();
  const en = role?.enterpriseNumber ?? '';
  const [user, setUser] = useState<UserView>();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [selected, setSelected] = useState<string[]>([]);
  const [membership, setMembership] = useState<WindowInput>({ from: '', until: '' });
  const [grants, setGrants] = useState<Record<string, WindowInput>>({});
  const apps = useApplications(type);
  const reload = useCallback(
    () =>
      void api.user(en, type, personId).then((r) => {
        if (!r.ok) return setProblem(r.problem);
        setUser(r.data);
        setSelected(r.data.applications);
        setMembership({ from: toInput(r.data.validFrom), until: toInput(r.data.validUntil) });
        setGrants(Object.fromEntries(r.data.applicationGrants.map((g) => [g.code, { from: toInput(g.validFrom), until: toInput(g.validUntil) }])));
      }),
    [en, type, personId],
  );
  /** The PATCH of applications (each with its window, if any) and of the membership's window (an emptied bound is cleared). */
  function changes(current: UserView) {
    const applications: ApplicationGrant[] = selected.map((code) => {
      const original = current.applicationGrants.find((g) => g.code === code);
      const validFrom = fromInput(grants[code]?.from ?? '', original?.validFrom);
      const validUntil = fromInput(grants[code]?.until ?? '', original?.validUntil);
      return validFrom || validUntil ? { code, ...(validFrom ? { validFrom } : {}), ...(validUntil ? { validUntil } : {}) } : code;
    });
    return { applications, validFrom: fromInput(membership.from, current.validFrom) ?? null, validUntil: fromInput(membership.until, current.validUntil) ?? null };
  }
  const setGrant = (code: string, bound: keyof WindowInput) => (value: string) => setGrants((g) => ({ ...g, [code]: { ...(g[code] ?? { from: '', until: '' }), [bound]: value } }));
  const windowText = (w: { validFrom?: string; validUntil?: string; validity: string }) =>
    `${w.validFrom || w.validUntil ? t('validity.window', { from: w.validFrom ? new Date(w.validFrom).toLocaleString() : '…', until: w.validUntil ? new Date(w.validUntil).toLocaleString() : '…' }) : t('validity.open')} — ${t(`validity.state.${w.validity}`)}`;
  useEffect(reload, [reload]);
  async function done(p: Promise<{ ok: boolean; problem?: Problem }>, message: string, after?: () => void) {
    const r = await p;
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setNotice(message);
    if (after) after();
    else reload();
  }
  const manage = can('users.manage');
  return (
    <Page title={user ? t('user.title', { name: `${user.firstName} ${user.lastName}` }) : t('user.titleUnknown')}>
      <Notice message={notice} />
      <ProblemAlert problem={problem} />
      {user ? (
        <>
          <dl className="details">
            <dt>{t('person.username')}</dt>
            <dd>{user.username ?? '—'}</dd>
            <dt>{t('person.niss')}</dt>
            <dd>{user.niss ?? '—'}</dd>
            <dt>{t('person.language')}</dt>
            <dd>{t(`languages.${user.language}`)}</dd>
            <dt>{t('person.email')}</dt>
            <dd>{user.emails.join(', ') || '—'}</dd>
            <dt>{t('quality.type')}</dt>
            <dd>{label('qualities', user.quality)}</dd>
            <dt>{t('users.kind')}</dt>
            <dd>{label('roleKinds', user.kind)}</dd>
            <dt>{t('common.status')}</dt>
            <dd>{t(`status.${user.status}`)}</dd>
            <dt>{t('validity.label')}</dt>
            <dd>{windowText(user)}</dd>
            <dt>{t('quality.applications')}</dt>
            <dd>
              {user.applicationGrants.length ? (
                <ul className="plain">
                  {user.applicationGrants.map((g) => (
                    <li key={g.code}>{t('validity.grantLine', { application: label('applications', g.code), window: windowText(g) })}</li>
                  ))}
                </ul>
              ) : (
                '—'
              )}
            </dd>
          </dl>
          {manage ? (
            <>
              <form onSubmit={(e) => { e.preventDefault(); void done(api.updateUser(en, type, personId, changes(user)), t('user.saved')); }} noValidate>
                <Checkboxes legend={t('quality.applications')} name="applications" options={apps.map((a) => ({ value: a, label: label('applications', a) }))} selected={selected} onChange={setSelected} problem={problem} />
                {selected.length ? (
                  <fieldset className="field">
                    <legend>{t('validity.grantsLegend')}</legend>
                    {selected.map((code, i) => (
                      <div className="inline" key={code}>
                        <Field label={t('validity.grantFrom', { application: label('applications', code) })} type="datetime-local" name={`applications.${i}.validFrom`} value={grants[code]?.from ?? ''} onChange={setGrant(code, 'from')} problem={problem} />
                        <Field label={t('validity.grantUntil', { application: label('applications', code) })} type="datetime-local" name={`applications.${i}.validUntil`} value={grants[code]?.until ?? ''} onChange={setGrant(code, 'until')} problem={problem} />
                      </div>
                    ))}
                  </fieldset>
                ) : null}
                <fieldset className="field">
                  <legend>{t('validity.legend')}</legend>
                  <div className="inline">
                    <Field label={t('validity.from')} type="datetime-local" name="validFrom" value={membership.from} onChange={(v) => setMembership((m) => ({ ...m, from: v }))} problem={problem} />
                    <Field label={t('validity.until')} type="datetime-local" name="validUntil" value={membership.until} onChange={(v) => setMembership((m) => ({ ...m, until: v }))} problem={problem} />
                  </div>
                  <p className="hint">{t('validity.hint')}</p>
                </fieldset>
                <button type="submit">{t('common.save')}</button>
              </form>
              <h2>{t('common.actions')}</h2>
              <ManagerActions
                status={user.status}
                onAction={(a) => void done(api.userAction(en, type, personId, a), t(`actions.done.${a}`))}
                onDelete={() => void done(api.deleteUser(en, type, personId), t('actions.done.delete'), () => navigate('/users'))}
                onReset={(p) => void done(api.resetUserPassword(en, type, personId, p), t('actions.done.reset'))}
              />
            </>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}

export function CoLocalManagersScreen() {
  const { t } = useTranslation();
  const { role } = useSession();
  const en = role?.enterpriseNumber ?? '';
  const { quality, picker } = useQualityChoice();
  const routes = useMemo<ManagerRoutes | undefined>(
    () =>
      quality
        ? {
            list: () => api.coLocalManagers(en, quality),
            add: (p) => api.addCoLocalManager(en, quality, p),
            action: (id, a) => api.coLocalManagerAction(en, quality, id, a),
            remove: (id) => api.deleteCoLocalManager(en, quality, id),
            reset: (id, p) => api.resetCoLocalManagerPassword(en, quality, id, p),
            edit: (id, c) => api.editCoLocalManager(en, quality, id, c),
          }
        : undefined,
    [en, quality],
  );
  return (
    <Page title={t('coGl.title')}>
      {picker}
      <ManagersPanel routes={routes} texts="coGl" enterpriseNumber={en} ready={Boolean(quality)} />
    </Page>
  );
}
