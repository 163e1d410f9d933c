/** Enterprise details and qualities (manual Ill. 7–9), adding a quality with its GL, co-RAEs (Ill. 10–12). */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { EnterpriseView, ManagerView } from '@um/contracts';
import { api, type PersonBody, type Problem, type QualitySummary } from '../api.js';
import { useCatalogue } from '../catalogue.js';
import { useSession } from '../session.js';
import { ConfirmButton, emptyPerson, Field, Notice, Page, PasswordField, PersonFields, personPayload, ProblemAlert, Select } from '../ui.js';

export function EnterpriseScreen() {
  const { t } = useTranslation();
  const { role, can } = useSession();
  const { label } = useCatalogue();
  const [enterprise, setEnterprise] = useState<EnterpriseView>();
  const [qualities, setQualities] = useState<QualitySummary[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const en = role?.enterpriseNumber ?? '';
  useEffect(() => {
    void api.enterprise(en).then((r) => (r.ok ? setEnterprise(r.data) : setProblem(r.problem)));
    void api.qualities(en).then((r) => (r.ok ? setQualities(r.data.items) : setProblem(r.problem)));
  }, [en]);
  const rae = enterprise?.accessManager;
  return (
    <Page title={t('enterprise.title')}>
      <ProblemAlert problem={problem} />
      {enterprise ? (
        <dl className="details">
          <dt>{t('enterprise.name')}</dt>
          <dd>{enterprise.name}</dd>
          <dt>{t('enterprise.number')}</dt>
          <dd>{enterprise.enterpriseNumber}</dd>
          <dt>{t('enterprise.legalForm')}</dt>
          <dd>{enterprise.legalForm ?? '—'}</dd>
          <dt>{t('enterprise.address')}</dt>
          <dd>{enterprise.address ? [enterprise.address.street, enterprise.address.postalCode, enterprise.address.city, enterprise.address.country].filter(Boolean).join(', ') : '—'}</dd>
          <dt>{t('enterprise.rae')}</dt>
          <dd>{rae ? `${rae.firstName} ${rae.lastName}${rae.email ? ` <${rae.email}>` : ''}` : '—'}</dd>
          <dt>{t('enterprise.eligible')}</dt>
          <dd>{enterprise.eligibleQualities.map((q) => label('qualities', q)).join(', ')}</dd>
        </dl>
      ) : null}
      <h2>{t('enterprise.qualities')}</h2>
      {qualities.length ? (
        <table>
          <caption className="sr-only">{t('enterprise.qualities')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('quality.type')}</th>
              <th scope="col">{t('quality.applications')}</th>
              <th scope="col">{t('quality.activatedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {qualities.map((q) => (
              <tr key={q.type}>
                <td>{label('qualities', q.type)}</td>
                <td>{q.applications.map((a) => label('applications', a)).join(', ')}</td>
                <td>{new Date(q.activatedAt).toLocaleDateString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t('quality.none')}</p>
      )}
      {can('quality.activate') ? (
        <p>
          <Link to="/enterprise/qualities/new">{t('enterprise.addQuality')}</Link>
        </p>
      ) : null}
    </Page>
  );
}

export function AddQualityScreen() {
  const { t } = useTranslation();
  const { role, language } = useSession();
  const { label } = useCatalogue();
  const navigate = useNavigate();
  const en = role?.enterpriseNumber ?? '';
  const [eligible, setEligible] = useState<string[]>([]);
  const [type, setType] = useState('');
  const [contactEmail, setContactEmail] = useState('');
  const [registry, setRegistry] = useState('');
  const [person, setPerson] = useState<PersonBody>(emptyPerson(language));
  const [known, setKnown] = useState<boolean>();
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    void api.eligibleQualities(en).then((r) => {
      if (!r.ok) return setProblem(r.problem);
      const free = r.data.items.filter((i) => !i.active).map((i) => i.type);
      setEligible(free);
      setType((current) => current || free[0] || '');
    });
  }, [en]);
  const registryField = type === 'employer' ? 'employerRegistrationNumber' : type === 'hospital-care-provider' ? 'inamiNumber' : undefined;
  async function submit(e: FormEvent) {
    e.preventDefault();
    const data: Record<string, string> = {};
    if (contactEmail.trim()) data.contactEmail = contactEmail.trim();
    if (registryField) data[registryField] = registry.trim();
    const r = await api.activateQuality(en, { type, data, localManager: personPayload(person, known === true) });
    if (!r.ok) return setProblem(r.problem);
    navigate('/enterprise');
  }
  return (
    <Page title={t('addQuality.title')}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {eligible.length ? (
          <Select label={t('quality.type')} name="type" value={type} onChange={setType} problem={problem} options={eligible.map((q) => ({ value: q, label: label('qualities', q) }))} />
        ) : (
          <p>{t('addQuality.noneEligible')}</p>
        )}
        {registryField ? <Field label={t(`quality.${registryField}`)} name={registryField} value={registry} onChange={setRegistry} problem={problem} required inputMode="numeric" /> : null}
        <Field label={t('quality.contactEmail')} name="contactEmail" type="email" value={contactEmail} onChange={setContactEmail} problem={problem} />
        <h2>{t('addQuality.gl')}</h2>
        <PersonFields enterpriseNumber={en} value={person} onChange={setPerson} problem={problem} known={known} setKnown={setKnown} />
        <ProblemAlert problem={problem} />
        <button type="submit" disabled={!type || known === undefined}>
          {t('addQuality.submit')}
        </button>
      </form>
    </Page>
  );
}

/** One row's actions on a manager or a user: block/unblock, delete, reset password. */
export function ManagerActions({ status, onAction, onDelete, onReset }: {
  status: string;
  onAction(action: 'block' | 'unblock'): void;
  onDelete(): void;
  onReset?(password: string): void;
}) {
  const { t } = useTranslation();
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState('');
  return (
    <div className="actions">
      {status === 'blocked' ? (
        <button type="button" onClick={() => onAction('unblock')}>{t('actions.unblock')}</button>
      ) : (
        <button type="button" onClick={() => onAction('block')}>{t('actions.block')}</button>
      )}{' '}
      <ConfirmButton label={t('actions.delete')} confirmLabel={t('actions.confirmDelete')} onConfirm={onDelete} />{' '}
      {onReset ? (
        resetting ? (
          <form onSubmit={(e) => { e.preventDefault(); onReset(password); setResetting(false); setPassword(''); }}>
            <PasswordField label={t('actions.newPassword')} value={password} onChange={setPassword} />
            <button type="submit">{t('actions.resetPassword')}</button>
          </form>
        ) : (
          <button type="button" onClick={() => setResetting(true)}>{t('actions.resetPassword')}</button>
        )
      ) : null}
    </div>
  );
}

export function ManagerTable({ items, caption, onAction, onDelete, onReset }: {
  items: ManagerView[];
  caption: string;
  onAction(personId: string, action: 'block' | 'unblock'): void;
  onDelete(personId: string): void;
  onReset?(personId: string, password: string): void;
}) {
  const { t } = useTranslation();
  if (!items.length) return <p>{t('common.noneYet')}</p>;
  return (
    <table>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('person.name')}</th>
          <th scope="col">{t('person.username')}</th>
          <th scope="col">{t('person.niss')}</th>
          <th scope="col">{t('common.status')}</th>
          <th scope="col">{t('common.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((m) => (
          <tr key={m.personId}>
            <td>{`${m.firstName} ${m.lastName}`}</td>
            <td>{m.username ?? '—'}</td>
            <td>{m.niss ?? '—'}</td>
            <td>{t(`status.${m.status}`)}</td>
            <td>
              <ManagerActions status={m.status} onAction={(a) => onAction(m.personId, a)} onDelete={() => onDelete(m.personId)} onReset={onReset ? (p) => onReset(m.personId, p) : undefined} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CoAccessManagersScreen() {
  const { t } = useTranslation();
  const { role, language } = useSession();
  const en = role?.enterpriseNumber ?? '';
  const [items, setItems] = useState<ManagerView[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [formProblem, setFormProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [person, setPerson] = useState<PersonBody>(emptyPerson(language));
  const [known, setKnown] = useState<boolean>();
  const reload = useCallback(() => void api.coAccessManagers(en).then((r) => (r.ok ? setItems(r.data.items) : setProblem(r.problem))), [en]);
  useEffect(reload, [reload]);
  async function done(p: Promise<{ ok: boolean; problem?: Problem }>, message: string) {
    const r = await p;
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setNotice(message);
    reload();
  }
  async function add(e: FormEvent) {
    e.preventDefault();
    const r = await api.addCoAccessManager(en, personPayload(person, known === true));
    if (!r.ok) return setFormProblem(r.problem);
    setFormProblem(undefined);
    setNotice(t('coRae.added', { name: `${person.firstName} ${person.lastName}` }));
    setPerson(emptyPerson(language));
    setKnown(undefined);
    reload();
  }
  return (
    <Page title={t('coRae.title')}>
      <Notice message={notice} />
      <ProblemAlert problem={problem} />
      <ManagerTable
        items={items}
        caption={t('coRae.title')}
        onAction={(id, a) => void done(api.coAccessManagerAction(en, id, a), t(`actions.done.${a}`))}
        onDelete={(id) => void done(api.deleteCoAccessManager(en, id), t('actions.done.delete'))}
        onReset={(id, p) => void done(api.resetCoAccessManagerPassword(en, id, p), t('actions.done.reset'))}
      />
      <h2>{t('coRae.add')}</h2>
      <form onSubmit={(e) => void add(e)} noValidate>
        <PersonFields enterpriseNumber={en} value={person} onChange={setPerson} problem={formProblem} known={known} setKnown={setKnown} />
        <ProblemAlert problem={formProblem} />
        <button type="submit" disabled={known === undefined}>
          {t('coRae.confirm')}
        </button>
      </form>
    </Page>
  );
}
