/**
 * Co-RAEs (manual Ill. 10–12) and co-GLs (5.1) are managed the same way: a table with every
 * action, editing a person's names/title/language, and adding one by NISS. One panel serves both
 * screens; each screen only says which routes to call.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ManagerView } from '@um/contracts';
import type { PersonBody, PersonEdit, Problem, Result } from '../api.js';
import { ConfirmButton, Field, LanguageSelect, Notice, PasswordField, ProblemAlert, Table, usePersonEntry } from '../ui.js';

type Outcome = Promise<{ ok: boolean; problem?: Problem }>;

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

/**
 * A person's names, title and language, as a manager may change them (PRODUCT.md §7.1: only when
 * every role the person holds lies within the manager's scope, else 403 PERSON_OUTSIDE_SCOPE,
 * which the alert below puts in words). Field errors stand under their field.
 */
export function PersonEditForm({ person, onSave, onSaved, onCancel }: { person: ManagerView; onSave(changes: PersonEdit): Outcome; onSaved(): void; onCancel(): void }) {
  const { t } = useTranslation();
  const [firstName, setFirstName] = useState(person.firstName);
  const [lastName, setLastName] = useState(person.lastName);
  const [title, setTitle] = useState(person.title ?? '');
  const [language, setLanguage] = useState<string>(person.language);
  const [problem, setProblem] = useState<Problem>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await onSave({ firstName: firstName.trim(), lastName: lastName.trim(), title: title.trim() || null, language });
    if (!r.ok) return setProblem(r.problem);
    onSaved();
  }
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={t('edit.legend', { name: `${person.firstName} ${person.lastName}` })}>
      <Field label={t('person.firstName')} name="firstName" value={firstName} onChange={setFirstName} problem={problem} required />
      <Field label={t('person.lastName')} name="lastName" value={lastName} onChange={setLastName} problem={problem} required />
      <Field label={t('person.title')} name="title" value={title} onChange={setTitle} problem={problem} />
      <LanguageSelect value={language} onChange={setLanguage} problem={problem} />
      <ProblemAlert problem={problem} />
      <button type="submit">{t('common.save')}</button>{' '}
      <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
    </form>
  );
}

/** The routes one kind of manager is handled with. */
export interface ManagerRoutes {
  list(): Promise<Result<{ items: ManagerView[] }>>;
  add(person: PersonBody): Outcome;
  action(personId: string, action: 'block' | 'unblock'): Outcome;
  remove(personId: string): Outcome;
  reset(personId: string, password: string): Outcome;
  edit(personId: string, changes: PersonEdit): Outcome;
}

/**
 * The managers of one kind: the table (block, unblock, delete, reset, edit) and the add-by-NISS
 * form. `texts` names the kind's own words (`coRae`, `coGl`): title, add, confirm, added.
 */
export function ManagersPanel({ routes, texts, enterpriseNumber, ready = true }: { routes: ManagerRoutes | undefined; texts: 'coRae' | 'coGl'; enterpriseNumber: string; ready?: boolean }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<ManagerView[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [formProblem, setFormProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [editing, setEditing] = useState<string>();
  const entry = usePersonEntry(enterpriseNumber);
  const reload = useCallback(() => {
    if (routes) void routes.list().then((r) => (r.ok ? setItems(r.data.items) : setProblem(r.problem)));
  }, [routes]);
  useEffect(reload, [reload]);
  async function done(p: Outcome, message: string) {
    const r = await p;
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setNotice(message);
    reload();
  }
  async function add(e: FormEvent) {
    e.preventDefault();
    if (!routes) return;
    const r = await routes.add(entry.payload());
    if (!r.ok) return setFormProblem(r.problem);
    setFormProblem(undefined);
    setNotice(t(`${texts}.added`, { name: `${entry.person.firstName} ${entry.person.lastName}` }));
    entry.reset();
    reload();
  }
  return (
    <>
      <Notice message={notice} />
      <ProblemAlert problem={problem} />
      {items.length ? (
        <Table caption={t(`${texts}.title`)} hideCaption columns={[t('person.name'), t('person.username'), t('person.niss'), t('person.language'), t('common.status'), t('common.actions')]}>
          {items.map((m) => (
            <tr key={m.personId}>
              <td>{[m.title, m.firstName, m.lastName].filter(Boolean).join(' ')}</td>
              <td>{m.username ?? '—'}</td>
              <td>{m.niss ?? '—'}</td>
              <td>{t(`languages.${m.language}`)}</td>
              <td>{t(`status.${m.status}`)}</td>
              <td>
                {routes ? (
                  <>
                    <ManagerActions
                      status={m.status}
                      onAction={(a) => void done(routes.action(m.personId, a), t(`actions.done.${a}`))}
                      onDelete={() => void done(routes.remove(m.personId), t('actions.done.delete'))}
                      onReset={(p) => void done(routes.reset(m.personId, p), t('actions.done.reset'))}
                    />
                    {editing === m.personId ? (
                      <PersonEditForm person={m} onSave={(c) => routes.edit(m.personId, c)} onSaved={() => { setEditing(undefined); setNotice(t('edit.saved')); reload(); }} onCancel={() => setEditing(undefined)} />
                    ) : (
                      <button type="button" onClick={() => setEditing(m.personId)}>{t('edit.button')}</button>
                    )}
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </Table>
      ) : (
        <p>{t('common.noneYet')}</p>
      )}
      <h2>{t(`${texts}.add`)}</h2>
      <form onSubmit={(e) => void add(e)} noValidate>
        {entry.fields(formProblem)}
        <ProblemAlert problem={formProblem} />
        <button type="submit" disabled={!entry.ready || !ready}>
          {t(`${texts}.confirm`)}
        </button>
      </form>
    </>
  );
}
