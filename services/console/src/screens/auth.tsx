/** Login, role choice (manual Ill. 1), the home of each role (Ill. 2–4) and help (ch. 7). */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, type Problem, type Role } from '../api.js';
import { useCatalogue } from '../catalogue.js';
import { visibleMenu } from '../menu.js';
import { useSession } from '../session.js';
import { Field, Page, ProblemAlert } from '../ui.js';

export function LoginScreen() {
  const { t } = useTranslation();
  const { signIn, ended } = useSession();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    const r = await api.login(username, password);
    setBusy(false);
    if (!r.ok) return setProblem(r.problem);
    signIn(r.data.token, r.data.roles, r.data.passwordChangeRequired);
    navigate(r.data.passwordChangeRequired ? '/me/password' : '/roles');
  }
  return (
    <Page title={t('login.title')}>
      {ended ? (
        <p role="status" className="notice">
          {t(ended === 'password-changed' ? 'password.changed' : 'login.ended')}
        </p>
      ) : null}
      <p>{t('login.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t('login.username')} name="username" value={username} onChange={setUsername} autoComplete="username" required problem={problem} />
        <Field label={t('login.password')} name="password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required problem={problem} />
        <ProblemAlert problem={problem} />
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </Page>
  );
}

export function useRoleLabel(): (role: Role) => string {
  const { t } = useTranslation();
  const { label } = useCatalogue();
  return (role) =>
    [
      label('roleKinds', role.kind),
      role.enterpriseName ? role.enterpriseName : undefined,
      role.enterpriseNumber ? t('roles.number', { number: role.enterpriseNumber }) : undefined,
      role.quality ? label('qualities', role.quality) : undefined,
    ]
      .filter(Boolean)
      .join(' — ');
}

export function RolesScreen() {
  const { t } = useTranslation();
  const { roles, choose } = useSession();
  const roleLabel = useRoleLabel();
  const navigate = useNavigate();
  const [problem, setProblem] = useState<Problem>();
  async function pick(role: Role) {
    const r = await api.chooseRole(role.id);
    if (!r.ok) return setProblem(r.problem);
    choose(r.data.token, { ...role, ...r.data.role }, r.data.capabilities);
    navigate('/home');
  }
  return (
    <Page title={t('roles.title')}>
      <p>{t('roles.intro')}</p>
      <ProblemAlert problem={problem} />
      {roles.length === 0 ? <p>{t('roles.none')}</p> : null}
      <ul className="role-list">
        {roles.map((role) => (
          <li key={role.id}>
            <button type="button" onClick={() => void pick(role)}>
              {roleLabel(role)}
            </button>
          </li>
        ))}
      </ul>
    </Page>
  );
}

export function HomeScreen() {
  const { t } = useTranslation();
  const { role, capabilities } = useSession();
  const roleLabel = useRoleLabel();
  const entries = visibleMenu(capabilities, Boolean(role?.enterpriseNumber)).filter((m) => m.key !== 'home');
  return (
    <Page title={t('home.title')}>
      {role ? <p className="context">{t('home.actingAs', { role: roleLabel(role) })}</p> : null}
      <p>{role ? t(`home.intro.${role.kind}`) : ''}</p>
      <ul className="cards">
        {entries.map((m) => (
          <li key={m.key}>
            <Link to={m.path}>{t(`menu.${m.key}`)}</Link>
            <p>{t(`home.describe.${m.key}`)}</p>
          </li>
        ))}
      </ul>
    </Page>
  );
}

export function HelpScreen() {
  const { t } = useTranslation();
  const topics = ['roles', 'rae', 'gl', 'users', 'passwords', 'integrations', 'routing', 'contact'] as const;
  return (
    <Page title={t('help.title')}>
      {topics.map((k) => (
        <section key={k} aria-labelledby={`help-${k}`}>
          <h2 id={`help-${k}`}>{t(`help.${k}.title`)}</h2>
          <p>{t(`help.${k}.text`)}</p>
        </section>
      ))}
    </Page>
  );
}
