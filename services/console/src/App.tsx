/** The console's frame: skip link, banner with language and role, the role's menu, the screen. */
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { ADMIN_CAPABILITIES, visibleMenu } from './menu.js';
import { LANGUAGES, useSession, type Language } from './session.js';
import { useRoleLabel, HelpScreen, HomeScreen, LoginScreen, RolesScreen } from './screens/auth.js';
import { AddQualityScreen, CoAccessManagersScreen, EnterpriseScreen } from './screens/enterprise.js';
import { CoLocalManagersScreen, RegisterUserScreen, UserScreen, UsersScreen } from './screens/users.js';
import { AuditScreen, BatchChannelsScreen, MessagesScreen, QualityScreen, RoutingScreen } from './screens/quality.js';
import { CertificateScreen, MeScreen, PasswordScreen } from './screens/me.js';
import { AdminScreen } from './screens/admin.js';
import { ImportUsersScreen, ScimTokensScreen, WebhooksScreen } from './screens/integrations.js';
import type { ReactElement } from 'react';

export function App() {
  const { t } = useTranslation();
  const session = useSession();
  const { token, role, capabilities, language, setLanguage, signOut, passwordChangeRequired } = session;
  const roleLabel = useRoleLabel();
  const navigate = useNavigate();
  const location = useLocation();
  const menu = role ? visibleMenu(capabilities, Boolean(role.enterpriseNumber)) : [];
  // The entry of the screen shown: the longest path that holds it (/users/import is not /users).
  const current = menu.filter((m) => location.pathname === m.path || location.pathname.startsWith(`${m.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];

  /** A screen is reachable only with a session, a chosen role and one of its capabilities. */
  const guard = (element: ReactElement, ...caps: string[]) => {
    if (!token) return <Navigate to="/login" replace />;
    if (passwordChangeRequired && location.pathname !== '/me/password') return <Navigate to="/me/password" replace />;
    if (!role) return <Navigate to="/roles" replace />;
    if (caps.length && !session.can(...caps)) return <Navigate to="/home" replace />;
    return element;
  };

  return (
    <>
      <a className="skip" href="#main">
        {t('frame.skip')}
      </a>
      <header className="banner">
        <p className="brand">{t('frame.brand')}</p>
        <div className="tools">
          <label htmlFor="language-switch">{t('frame.language')}</label>{' '}
          <select id="language-switch" value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {t(`languages.${l}`, { lng: l })}
              </option>
            ))}
          </select>
          {role ? <span className="role">{roleLabel(role)}</span> : null}
          {token && role ? (
            <button type="button" onClick={() => navigate('/roles')}>
              {t('frame.changeRole')}
            </button>
          ) : null}
          {token ? (
            <button type="button" onClick={() => void signOut().then(() => navigate('/login'))}>
              {t('frame.logout')}
            </button>
          ) : null}
        </div>
      </header>
      {menu.length ? (
        <nav aria-label={t('frame.menu')} className="menu">
          <ul>
            {menu.map((m) => (
              <li key={m.key}>
                <Link to={m.path} className={m === current ? 'active' : undefined} aria-current={m === current ? 'page' : undefined}>
                  {t(`menu.${m.key}`)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<Navigate to={token ? (role ? '/home' : '/roles') : '/login'} replace />} />
          <Route path="/login" element={<LoginScreen />} />
          <Route path="/roles" element={token ? <RolesScreen /> : <Navigate to="/login" replace />} />
          <Route path="/home" element={guard(<HomeScreen />)} />
          <Route path="/help" element={<HelpScreen />} />
          <Route path="/enterprise" element={guard(<EnterpriseScreen />, 'enterprise.read')} />
          <Route path="/enterprise/qualities/new" element={guard(<AddQualityScreen />, 'quality.activate')} />
          <Route path="/co-access-managers" element={guard(<CoAccessManagersScreen />, 'co-access-managers.manage')} />
          <Route path="/users" element={guard(<UsersScreen />, 'users.search.quality', 'users.search.enterprise')} />
          <Route path="/users/new" element={guard(<RegisterUserScreen />, 'users.manage')} />
          <Route path="/users/import" element={guard(<ImportUsersScreen />, 'users.manage')} />
          <Route path="/scim-tokens" element={guard(<ScimTokensScreen />, 'scim.tokens.manage')} />
          <Route path="/webhooks" element={guard(<WebhooksScreen />, 'webhooks.manage')} />
          <Route path="/users/:type/:personId" element={guard(<UserScreen />, 'users.search.quality', 'users.search.enterprise')} />
          <Route path="/co-local-managers" element={guard(<CoLocalManagersScreen />, 'co-local-managers.manage')} />
          <Route path="/quality" element={guard(<QualityScreen />, 'quality.details')} />
          <Route path="/routing" element={guard(<RoutingScreen />, 'routing.manage')} />
          <Route path="/batch-channels" element={guard(<BatchChannelsScreen />, 'batch-channels.manage')} />
          <Route path="/messages" element={guard(<MessagesScreen />, 'routing.manage')} />
          <Route path="/audit" element={guard(<AuditScreen />, 'audit.read')} />
          <Route path="/admin" element={guard(<AdminScreen />, ...ADMIN_CAPABILITIES)} />
          <Route path="/me" element={guard(<MeScreen />, 'self.manage')} />
          <Route path="/me/password" element={token ? <PasswordScreen /> : <Navigate to="/login" replace />} />
          <Route path="/me/certificate" element={guard(<CertificateScreen />, 'self.manage')} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </main>
      <footer className="footer">
        <p>{t('frame.footer')}</p>
      </footer>
    </>
  );
}
