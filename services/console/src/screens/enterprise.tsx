/** Enterprise details and qualities (manual Ill. 7–9), adding a quality with its GL, co-RAEs (Ill. 10–12). */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { EnterpriseView } from '@um/contracts';
import { api, type Problem, type QualitySummary } from '../api.js';
import { useCatalogue } from '../catalogue.js';
import { useSession } from '../session.js';
import { Field, Page, ProblemAlert, Select, Table, usePersonEntry } from '../ui.js';
import { ManagersPanel, type ManagerRoutes } from './managers.js';

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
        <Table caption={t('enterprise.qualities')} hideCaption columns={[t('quality.type'), t('quality.applications'), t('quality.activatedAt')]}>
          {qualities.map((q) => (
            <tr key={q.type}>
              <td>{label('qualities', q.type)}</td>
              <td>{q.applications.map((a) => label('applications', a)).join(', ')}</td>
              <td>{new Date(q.activatedAt).toLocaleDateString()}</td>
            </tr>
          ))}
        </Table>
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
  const { role } = useSession();
  const { label, fieldLabel } = useCatalogue();
  const navigate = useNavigate();
  const en = role?.enterpriseNumber ?? '';
  const [eligible, setEligible] = useState<string[]>([]);
  const [type, setType] = useState('');
  const [contactEmail, setContactEmail] = useState('');
  const [registry, setRegistry] = useState('');
  const entry = usePersonEntry(en);
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
    const r = await api.activateQuality(en, { type, data, localManager: entry.payload() });
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
        {registryField ? <Field label={fieldLabel(registryField)} name={registryField} value={registry} onChange={setRegistry} problem={problem} required inputMode="numeric" /> : null}
        <Field label={fieldLabel('contactEmail')} name="contactEmail" type="email" value={contactEmail} onChange={setContactEmail} problem={problem} />
        <h2>{t('addQuality.gl')}</h2>
        {entry.fields(problem)}
        <ProblemAlert problem={problem} />
        <button type="submit" disabled={!type || !entry.ready}>
          {t('addQuality.submit')}
        </button>
      </form>
    </Page>
  );
}

export function CoAccessManagersScreen() {
  const { t } = useTranslation();
  const { role } = useSession();
  const en = role?.enterpriseNumber ?? '';
  const routes = useMemo<ManagerRoutes>(
    () => ({
      list: () => api.coAccessManagers(en),
      add: (p) => api.addCoAccessManager(en, p),
      action: (id, a) => api.coAccessManagerAction(en, id, a),
      remove: (id) => api.deleteCoAccessManager(en, id),
      reset: (id, p) => api.resetCoAccessManagerPassword(en, id, p),
      edit: (id, c) => api.editCoAccessManager(en, id, c),
    }),
    [en],
  );
  return (
    <Page title={t('coRae.title')}>
      <ManagersPanel routes={routes} texts="coRae" enterpriseNumber={en} />
    </Page>
  );
}
