/** My data, my password, my certificate (manual Ill. 14–16, 20–22). */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { CertificateView, MeView } from '@um/contracts';
import { api, type Problem } from '../api.js';
import { useCatalogue } from '../catalogue.js';
import { LANGUAGES, useSession, type Language } from '../session.js';
import { ConfirmButton, Field, LanguageSelect, Notice, Page, PasswordField, ProblemAlert, Table } from '../ui.js';

export function MeScreen() {
  const { t } = useTranslation();
  const { setLanguage } = useSession();
  const { label } = useCatalogue();
  const [me, setMe] = useState<MeView>();
  const [language, setLang] = useState('fr');
  const [emails, setEmails] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    void api.me().then((r) => {
      if (!r.ok) return setProblem(r.problem);
      setMe(r.data);
      setLang(r.data.language);
      setEmails(r.data.emails.join(', '));
    });
  }, []);
  async function save(e: FormEvent) {
    e.preventDefault();
    const list = emails.split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean);
    const r = await api.updateMe({ language, emails: list });
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setMe(r.data);
    if ((LANGUAGES as readonly string[]).includes(language)) setLanguage(language as Language);
    setNotice(t('common.saved'));
  }
  return (
    <Page title={t('me.title')}>
      <p>
        <Link to="/me/password">{t('me.password')}</Link> · <Link to="/me/certificate">{t('me.certificate')}</Link>
      </p>
      <Notice message={notice} />
      <ProblemAlert problem={problem} />
      {me ? (
        <>
          <dl className="details">
            <dt>{t('person.name')}</dt>
            <dd>{[me.title, me.firstName, me.lastName].filter(Boolean).join(' ')}</dd>
            <dt>{t('person.username')}</dt>
            <dd>{me.username ?? '—'}</dd>
            <dt>{t('person.niss')}</dt>
            <dd>{me.niss ?? '—'}</dd>
          </dl>
          <form onSubmit={(e) => void save(e)} noValidate>
            <LanguageSelect value={language} onChange={setLang} problem={problem} />
            <Field label={t('me.emails')} name="emails" value={emails} onChange={setEmails} problem={problem} hint={t('me.emailsHint')} />
            <button type="submit">{t('common.save')}</button>
          </form>
          <h2>{t('me.memberships')}</h2>
          <Table caption={t('me.memberships')} hideCaption columns={[t('roles.role'), t('enterprise.number'), t('quality.type'), t('common.status'), t('person.companyEmail'), t('quality.applications')]}>
            {me.memberships.map((m) => (
              <tr key={m.role.id}>
                <td>{label('roleKinds', m.role.kind)}</td>
                <td>{m.role.enterpriseNumber ?? '—'}</td>
                <td>{m.role.quality ? label('qualities', m.role.quality) : '—'}</td>
                <td>{t(`status.${m.status}`)}</td>
                <td>{m.companyEmail ?? '—'}</td>
                <td>{m.applications.map((a) => label('applications', a)).join(', ') || '—'}</td>
              </tr>
            ))}
          </Table>
        </>
      ) : null}
    </Page>
  );
}

export function PasswordScreen() {
  const { t } = useTranslation();
  const { passwordChangeRequired, expire } = useSession();
  const navigate = useNavigate();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [problem, setProblem] = useState<Problem>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await api.changePassword(current, next);
    if (!r.ok) return setProblem(r.problem);
    // A new password ends every session of the person: they log in again with it.
    expire('password-changed');
    navigate('/login');
  }
  return (
    <Page title={t('password.title')}>
      {passwordChangeRequired ? <p className="context">{t('password.required')}</p> : null}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t('password.current')} name="currentPassword" type="password" value={current} onChange={setCurrent} problem={problem} autoComplete="current-password" required />
        <PasswordField label={t('password.new')} name="newPassword" value={next} onChange={setNext} problem={problem} />
        <ProblemAlert problem={problem} />
        <button type="submit">{t('password.submit')}</button>
      </form>
    </Page>
  );
}

export function CertificateScreen() {
  const { t } = useTranslation();
  const [cert, setCert] = useState<CertificateView | null>();
  const [pem, setPem] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    void api.certificate().then((r) => (r.ok ? setCert(r.data) : r.problem.status === 404 ? setCert(null) : setProblem(r.problem)));
  }, []);
  async function upload(e: FormEvent) {
    e.preventDefault();
    const r = await api.setCertificate(pem);
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setCert(r.data);
    setPem('');
    setNotice(t('certificate.saved'));
  }
  async function remove() {
    const r = await api.deleteCertificate();
    if (!r.ok) return setProblem(r.problem);
    setCert(null);
    setNotice(t('certificate.removed'));
  }
  async function readFile(file: File | undefined) {
    if (file) setPem(await file.text());
  }
  return (
    <Page title={t('certificate.title')}>
      <p>{t('certificate.intro')}</p>
      <Notice message={notice} />
      <ProblemAlert problem={problem} />
      {cert ? (
        <>
          <dl className="details">
            <dt>{t('certificate.subject')}</dt>
            <dd>{cert.subject}</dd>
            <dt>{t('certificate.issuer')}</dt>
            <dd>{cert.issuer}</dd>
            <dt>{t('certificate.validity')}</dt>
            <dd>{`${new Date(cert.notBefore).toLocaleDateString()} – ${new Date(cert.notAfter).toLocaleDateString()}`}</dd>
            <dt>{t('certificate.fingerprint')}</dt>
            <dd className="code">{cert.fingerprintSha256}</dd>
          </dl>
          <ConfirmButton label={t('certificate.remove')} confirmLabel={t('certificate.confirmRemove')} onConfirm={() => void remove()} />
        </>
      ) : cert === null ? (
        <p>{t('certificate.none')}</p>
      ) : null}
      <h2>{t('certificate.upload')}</h2>
      <form onSubmit={(e) => void upload(e)} noValidate>
        <div className="field">
          <label htmlFor="certificate-file">{t('certificate.file')}</label>
          <input id="certificate-file" type="file" accept=".pem,.crt,.cer" onChange={(e) => void readFile(e.target.files?.[0])} />
        </div>
        <div className="field">
          <label htmlFor="certificate-pem">{t('certificate.pem')}</label>
          <textarea id="certificate-pem" rows={6} value={pem} onChange={(e) => setPem(e.target.value)} />
        </div>
        <button type="submit" disabled={!pem.trim()}>
          {t('certificate.submit')}
        </button>
      </form>
    </Page>
  );
}
