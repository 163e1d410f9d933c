/** Contact-centre back office (manual ch. 7, PRODUCT.md §7.2): onboard, replace the RAE, mandates, find/unlock/reset. */
import { useEffect, useState, type FormEvent } from 'react';
import type { Mandate, PersonAuditRecord } from '@um/contracts';
import { useTranslation } from 'react-i18next';
import { DECLARATION_TYPES, QUALITY_TYPES } from '@um/domain';
import { api, type AdminPerson, type Page as ResultPage, type Problem } from '../api.js';
import { useCatalogue } from '../catalogue.js';
import { useSession } from '../session.js';
import { Checkboxes, ConfirmButton, Field, Notice, Page, Pager, PasswordField, ProblemAlert, Table, usePersonEntry } from '../ui.js';


export function AdminScreen() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [notice, setNotice] = useState<string>();
  return (
    <Page title={t('admin.title')}>
      <Notice message={notice} />
      <nav aria-label={t('admin.sections')}>
        <ul className="inline-list">
          <li><a href="#find">{t('admin.find')}</a></li>
          {can('admin.enterprises.onboard') ? <li><a href="#onboard">{t('admin.onboard')}</a></li> : null}
          {can('admin.access-manager.replace') ? <li><a href="#replace">{t('admin.replace')}</a></li> : null}
          {can('admin.mandates.register') ? <li><a href="#mandates">{t('admin.mandates')}</a></li> : null}
          {can('admin.mandates.end') ? <li><a href="#mandates-of">{t('admin.mandatesOf')}</a></li> : null}
        </ul>
      </nav>
      <FindSection onNotice={setNotice} />
      {can('admin.enterprises.onboard') ? <OnboardSection onNotice={setNotice} /> : null}
      {can('admin.access-manager.replace') ? <ReplaceSection onNotice={setNotice} /> : null}
      {can('admin.mandates.register') ? <MandateSection onNotice={setNotice} /> : null}
      {can('admin.mandates.end') ? <MandatesOfSection onNotice={setNotice} /> : null}
    </Page>
  );
}

function FindSection({ onNotice }: { onNotice(m: string): void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const [query, setQuery] = useState('');
  const [enterprises, setEnterprises] = useState<Array<{ enterpriseNumber: string; name: string }>>();
  const [niss, setNiss] = useState('');
  const [username, setUsername] = useState('');
  const [persons, setPersons] = useState<AdminPerson[]>();
  const [problem, setProblem] = useState<Problem>();
  const [passwords, setPasswords] = useState<Record<string, string>>({});
  const [trail, setTrail] = useState<AdminPerson>();
  async function findEnterprises(e: FormEvent) {
    e.preventDefault();
    const r = await api.findEnterprises(query.trim());
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setEnterprises(r.data.items);
  }
  async function findPersons(e: FormEvent) {
    e.preventDefault();
    const r = await api.findPersons({ niss: niss.trim() || undefined, username: username.trim() || undefined });
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setPersons(r.data.items);
  }
  async function act(p: Promise<{ ok: boolean; problem?: Problem }>, message: string) {
    const r = await p;
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    onNotice(message);
  }
  return (
    <section aria-labelledby="find">
      <h2 id="find">{t('admin.find')}</h2>
      <form onSubmit={(e) => void findEnterprises(e)} noValidate>
        <Field label={t('admin.enterpriseQuery')} name="q" value={query} onChange={setQuery} problem={problem} />
        <button type="submit">{t('admin.findEnterprises')}</button>
      </form>
      {enterprises ? (
        <ul>
          {enterprises.length ? enterprises.map((e) => <li key={e.enterpriseNumber}>{`${e.name} — ${e.enterpriseNumber}`}</li>) : <li>{t('admin.noResult')}</li>}
        </ul>
      ) : null}
      <form onSubmit={(e) => void findPersons(e)} noValidate>
        <Field label={t('person.niss')} name="niss" value={niss} onChange={setNiss} problem={problem} inputMode="numeric" />
        <Field label={t('person.username')} name="username" value={username} onChange={setUsername} problem={problem} />
        <button type="submit">{t('admin.findPersons')}</button>
      </form>
      <ProblemAlert problem={problem} />
      {persons ? (
        persons.length ? (
          <Table caption={t('admin.findPersons')} hideCaption columns={[t('person.name'), t('person.username'), t('person.niss'), t('common.actions')]}>
            {persons.map((p) => (
              <tr key={p.personId}>
                <td>{`${p.firstName} ${p.lastName}`}</td>
                <td>{p.username ?? '—'}</td>
                <td>{p.niss ?? '—'}</td>
                <td>
                  <button type="button" onClick={() => void act(api.unlockPerson(p.personId), t('admin.unlocked'))}>{t('admin.unlock')}</button>{' '}
                  {can('admin.persons.audit') ? <button type="button" aria-pressed={trail?.personId === p.personId} onClick={() => setTrail(p)}>{t('admin.personAudit')}</button> : null}
                  <form onSubmit={(e) => { e.preventDefault(); void act(api.resetPersonPassword(p.personId, passwords[p.personId] ?? ''), t('actions.done.reset')); }}>
                    <PasswordField label={t('admin.temporaryPassword')} value={passwords[p.personId] ?? ''} onChange={(v) => setPasswords((s) => ({ ...s, [p.personId]: v }))} />
                    <button type="submit">{t('actions.resetPassword')}</button>
                  </form>
                </td>
              </tr>
            ))}
          </Table>
        ) : (
          <p>{t('admin.noResult')}</p>
        )
      ) : null}
      {trail ? <PersonTrail key={trail.personId} person={trail} /> : null}
    </section>
  );
}

/** A person's own trail (PRODUCT.md §7.1): logins with their address, lock-outs, password, certificate and data changes. */
function PersonTrail({ person }: { person: AdminPerson }) {
  const { t } = useTranslation();
  const { label } = useCatalogue();
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<ResultPage<PersonAuditRecord>>();
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    void api.personAudit(person.personId, page).then((r) => (r.ok ? (setResult(r.data), setProblem(undefined)) : setProblem(r.problem)));
  }, [person.personId, page]);
  const heading = t('admin.personAuditTitle', { name: `${person.firstName} ${person.lastName}` });
  return (
    <section aria-label={heading}>
      <h3>{heading}</h3>
      <ProblemAlert problem={problem} />
      {result?.items.length ? (
        <Table caption={t('audit.count', { count: result.total })} columns={[t('audit.when'), t('audit.what'), t('admin.who'), t('admin.address')]}>
          {result.items.map((a) => (
            <tr key={a.auditId}>
              <td>{new Date(a.at).toLocaleString()}</td>
              <td>{t(`audit.actions.${a.action}`, { defaultValue: a.action })}</td>
              <td>{a.actor?.roleKind ? label('roleKinds', a.actor.roleKind) : a.actor ? t('audit.system') : '—'}</td>
              <td>{a.sourceIp ?? '—'}</td>
            </tr>
          ))}
        </Table>
      ) : result ? (
        <p>{t('audit.none')}</p>
      ) : null}
      {result ? <Pager page={page} pageSize={result.pageSize} total={result.total} onPage={setPage} /> : null}
    </section>
  );
}

function OnboardSection({ onNotice }: { onNotice(m: string): void }) {
  const { t } = useTranslation();
  const { label } = useCatalogue();
  const [number, setNumber] = useState('');
  const [name, setName] = useState('');
  const [legalForm, setLegalForm] = useState('');
  const [eligible, setEligible] = useState<string[]>(['employer']);
  const entry = usePersonEntry(undefined);
  const [problem, setProblem] = useState<Problem>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await api.onboard({ enterpriseNumber: number.trim(), name: name.trim(), ...(legalForm.trim() ? { legalForm: legalForm.trim() } : {}), eligibleQualities: eligible, accessManager: entry.payload() });
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    onNotice(t('admin.onboarded', { name }));
    setNumber('');
    setName('');
    entry.reset();
  }
  return (
    <section aria-labelledby="onboard">
      <h2 id="onboard">{t('admin.onboard')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t('enterprise.number')} name="enterpriseNumber" value={number} onChange={setNumber} problem={problem} required inputMode="numeric" />
        <Field label={t('enterprise.name')} name="name" value={name} onChange={setName} problem={problem} required />
        <Field label={t('enterprise.legalForm')} name="legalForm" value={legalForm} onChange={setLegalForm} problem={problem} />
        <Checkboxes legend={t('enterprise.eligible')} name="eligibleQualities" options={QUALITY_TYPES.map((q) => ({ value: q, label: label('qualities', q) }))} selected={eligible} onChange={setEligible} problem={problem} />
        <h3>{t('admin.rae')}</h3>
        {entry.fields(problem)}
        <ProblemAlert problem={problem} />
        <button type="submit" disabled={!entry.ready}>{t('admin.onboardSubmit')}</button>
      </form>
    </section>
  );
}

function ReplaceSection({ onNotice }: { onNotice(m: string): void }) {
  const { t } = useTranslation();
  const [number, setNumber] = useState('');
  const entry = usePersonEntry(number.trim() || undefined);
  const [problem, setProblem] = useState<Problem>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await api.replaceAccessManager(number.trim(), entry.payload());
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    onNotice(t('admin.replaced', { number }));
  }
  return (
    <section aria-labelledby="replace">
      <h2 id="replace">{t('admin.replace')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t('enterprise.number')} name="enterpriseNumber" value={number} onChange={setNumber} problem={problem} required inputMode="numeric" />
        {entry.fields(problem)}
        <ProblemAlert problem={problem} />
        <button type="submit" disabled={!entry.ready}>{t('admin.replaceSubmit')}</button>
      </form>
    </section>
  );
}

function MandateSection({ onNotice }: { onNotice(m: string): void }) {
  const { t } = useTranslation();
  const { label } = useCatalogue();
  const [number, setNumber] = useState('');
  const [mandatary, setMandatary] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [from, setFrom] = useState(new Date().toISOString().slice(0, 10));
  const [to, setTo] = useState('');
  const [problem, setProblem] = useState<Problem>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await api.registerMandate(number.trim(), { mandataryEnterpriseNumber: mandatary.trim(), declarationTypes: types, validFrom: from, ...(to ? { validTo: to } : {}) });
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    onNotice(t('admin.mandateRegistered'));
  }
  return (
    <section aria-labelledby="mandates">
      <h2 id="mandates">{t('admin.mandates')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t('admin.mandator')} name="enterpriseNumber" value={number} onChange={setNumber} problem={problem} required inputMode="numeric" />
        <Field label={t('admin.mandatary')} name="mandataryEnterpriseNumber" value={mandatary} onChange={setMandatary} problem={problem} required inputMode="numeric" />
        <Checkboxes legend={t('routing.declarationType')} name="declarationTypes" options={DECLARATION_TYPES.map((d) => ({ value: d, label: label('declarationTypes', d) }))} selected={types} onChange={setTypes} problem={problem} />
        <Field label={t('admin.validFrom')} name="validFrom" type="date" value={from} onChange={setFrom} problem={problem} required />
        <Field label={t('admin.validTo')} name="validTo" type="date" value={to} onChange={setTo} problem={problem} />
        <ProblemAlert problem={problem} />
        <button type="submit">{t('admin.mandateSubmit')}</button>
      </form>
    </section>
  );
}

/**
 * An enterprise's mandates, ended on a date or revoked (PRODUCT.md §7.2). The routing rules that
 * relied on one become `mandate-ended`: the mandator's routing screen shows them so.
 */
function MandatesOfSection({ onNotice }: { onNotice(m: string): void }) {
  const { t } = useTranslation();
  const { label } = useCatalogue();
  const [number, setNumber] = useState('');
  const [shown, setShown] = useState<string>();
  const [items, setItems] = useState<Mandate[]>();
  const [ends, setEnds] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Problem>();
  const today = new Date().toISOString().slice(0, 10);
  async function load(en: string) {
    const r = await api.mandates(en, 'given');
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setShown(en);
    setItems(r.data.items);
  }
  async function act(p: Promise<{ ok: boolean; problem?: Problem }>, message: string) {
    const r = await p;
    if (!r.ok) return setProblem(r.problem);
    onNotice(message);
    if (shown) await load(shown);
  }
  return (
    <section aria-labelledby="mandates-of">
      <h2 id="mandates-of">{t('admin.mandatesOf')}</h2>
      <p>{t('admin.mandatesNote')}</p>
      <form onSubmit={(e) => { e.preventDefault(); void load(number.trim()); }} noValidate>
        <Field label={t('admin.mandatesQuery')} name="enterpriseNumber" value={number} onChange={setNumber} problem={problem} required inputMode="numeric" />
        <button type="submit">{t('admin.showMandates')}</button>
      </form>
      <ProblemAlert problem={problem} />
      {items && shown ? (
        items.length ? (
          <Table caption={`${t('admin.mandatesOf')} — ${shown}`} columns={[t('admin.mandatary'), t('routing.declarationType'), t('admin.validFrom'), t('admin.validUntil'), t('admin.mandateState'), t('common.actions')]}>
            {items.map((m) => {
              const over = Boolean(m.validTo && m.validTo < today);
              return (
                <tr key={m.mandateId}>
                  <td>{m.mandataryEnterpriseNumber}</td>
                  <td>{m.declarationTypes.map((d) => label('declarationTypes', d)).join(', ')}</td>
                  <td>{m.validFrom}</td>
                  <td>{m.validTo ?? '—'}</td>
                  <td>{over ? t('admin.mandateOver') : t('admin.mandateCurrent')}</td>
                  <td>
                    <form className="inline" onSubmit={(e) => { e.preventDefault(); const d = ends[m.mandateId] ?? today; void act(api.endMandate(shown, m.mandateId, d), t('admin.mandateEnded', { date: d })); }}>
                      <Field label={t('admin.endOn')} name="validTo" type="date" value={ends[m.mandateId] ?? today} onChange={(v) => setEnds((s) => ({ ...s, [m.mandateId]: v }))} />
                      <button type="submit">{t('admin.endSubmit')}</button>
                    </form>
                    <ConfirmButton label={t('admin.revoke')} confirmLabel={t('admin.confirmRevoke')} onConfirm={() => void act(api.revokeMandate(shown, m.mandateId), t('admin.mandateRevoked'))} />
                  </td>
                </tr>
              );
            })}
          </Table>
        ) : (
          <p>{t('admin.noMandates')}</p>
        )
      ) : null}
    </section>
  );
}
