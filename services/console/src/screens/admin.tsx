/** Contact-centre back office (manual ch. 7, PRODUCT.md §7.2): onboard, replace the RAE, mandates, find/unlock/reset. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DECLARATION_TYPES, QUALITY_TYPES } from '@um/domain';
import { api, type AdminPerson, type PersonBody, type Problem } from '../api.js';
import { useCatalogue } from '../catalogue.js';
import { useSession } from '../session.js';
import { Checkboxes, emptyPerson, Field, Notice, Page, PasswordField, PersonFields, personPayload, ProblemAlert } from '../ui.js';


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
        </ul>
      </nav>
      <FindSection onNotice={setNotice} />
      {can('admin.enterprises.onboard') ? <OnboardSection onNotice={setNotice} /> : null}
      {can('admin.access-manager.replace') ? <ReplaceSection onNotice={setNotice} /> : null}
      {can('admin.mandates.register') ? <MandateSection onNotice={setNotice} /> : null}
    </Page>
  );
}

function FindSection({ onNotice }: { onNotice(m: string): void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [enterprises, setEnterprises] = useState<Array<{ enterpriseNumber: string; name: string }>>();
  const [niss, setNiss] = useState('');
  const [username, setUsername] = useState('');
  const [persons, setPersons] = useState<AdminPerson[]>();
  const [problem, setProblem] = useState<Problem>();
  const [passwords, setPasswords] = useState<Record<string, string>>({});
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
          <table>
            <caption className="sr-only">{t('admin.findPersons')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('person.name')}</th>
                <th scope="col">{t('person.username')}</th>
                <th scope="col">{t('person.niss')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {persons.map((p) => (
                <tr key={p.personId}>
                  <td>{`${p.firstName} ${p.lastName}`}</td>
                  <td>{p.username ?? '—'}</td>
                  <td>{p.niss ?? '—'}</td>
                  <td>
                    <button type="button" onClick={() => void act(api.unlockPerson(p.personId), t('admin.unlocked'))}>{t('admin.unlock')}</button>
                    <form onSubmit={(e) => { e.preventDefault(); void act(api.resetPersonPassword(p.personId, passwords[p.personId] ?? ''), t('actions.done.reset')); }}>
                      <PasswordField label={t('admin.temporaryPassword')} value={passwords[p.personId] ?? ''} onChange={(v) => setPasswords((s) => ({ ...s, [p.personId]: v }))} />
                      <button type="submit">{t('actions.resetPassword')}</button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t('admin.noResult')}</p>
        )
      ) : null}
    </section>
  );
}

function OnboardSection({ onNotice }: { onNotice(m: string): void }) {
  const { t } = useTranslation();
  const { language } = useSession();
  const { label } = useCatalogue();
  const [number, setNumber] = useState('');
  const [name, setName] = useState('');
  const [legalForm, setLegalForm] = useState('');
  const [eligible, setEligible] = useState<string[]>(['employer']);
  const [person, setPerson] = useState<PersonBody>(emptyPerson(language));
  const [known, setKnown] = useState<boolean>();
  const [problem, setProblem] = useState<Problem>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await api.onboard({ enterpriseNumber: number.trim(), name: name.trim(), ...(legalForm.trim() ? { legalForm: legalForm.trim() } : {}), eligibleQualities: eligible, accessManager: personPayload(person, known === true) });
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    onNotice(t('admin.onboarded', { name }));
    setNumber('');
    setName('');
    setPerson(emptyPerson(language));
    setKnown(undefined);
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
        <PersonFields value={person} onChange={setPerson} problem={problem} known={known} setKnown={setKnown} />
        <ProblemAlert problem={problem} />
        <button type="submit" disabled={known === undefined}>{t('admin.onboardSubmit')}</button>
      </form>
    </section>
  );
}

function ReplaceSection({ onNotice }: { onNotice(m: string): void }) {
  const { t } = useTranslation();
  const { language } = useSession();
  const [number, setNumber] = useState('');
  const [person, setPerson] = useState<PersonBody>(emptyPerson(language));
  const [known, setKnown] = useState<boolean>();
  const [problem, setProblem] = useState<Problem>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await api.replaceAccessManager(number.trim(), personPayload(person, known === true));
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    onNotice(t('admin.replaced', { number }));
  }
  return (
    <section aria-labelledby="replace">
      <h2 id="replace">{t('admin.replace')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t('enterprise.number')} name="enterpriseNumber" value={number} onChange={setNumber} problem={problem} required inputMode="numeric" />
        <PersonFields enterpriseNumber={number.trim() || undefined} value={person} onChange={setPerson} problem={problem} known={known} setKnown={setKnown} />
        <ProblemAlert problem={problem} />
        <button type="submit" disabled={known === undefined}>{t('admin.replaceSubmit')}</button>
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
