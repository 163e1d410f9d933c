/** Small accessible building blocks shared by the screens: fields, problems, rules, person entry. */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { passwordViolations, usernameViolations, PASSWORD_SPECIALS } from '@um/domain';
import { api, type PersonBody, type Problem } from './api.js';
import { useCatalogue } from './catalogue.js';
import { LANGUAGES, useSession } from './session.js';

/** A screen: its title gets the focus when it opens, so keyboard and screen-reader users land on it. */
export function Page({ title, children }: { title: string; children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — User Management`;
    ref.current?.focus();
  }, [title]);
  return (
    <>
      <h1 tabIndex={-1} ref={ref}>
        {title}
      </h1>
      {children}
    </>
  );
}

/** The messages the API gave for one field (`errors[]` names fields by path, e.g. `localManager.niss`). */
export function fieldMessages(problem: Problem | undefined, field: string): string[] {
  return (problem?.errors ?? []).filter((e) => e.field === field || e.field.endsWith(`.${field}`)).map((e) => e.message);
}

/** The API's messages for one field, under it (the control names this paragraph in aria-describedby). */
function FieldErrors({ id, errors }: { id?: string; errors: string[] }) {
  if (!errors.length) return null;
  return (
    <p id={id} className="field-error">
      {errors.join(' ')}
    </p>
  );
}

interface FieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  type?: string;
  name?: string;
  required?: boolean;
  autoComplete?: string;
  problem?: Problem;
  hint?: ReactNode;
  readOnly?: boolean;
  inputMode?: 'numeric' | 'email' | 'text';
}

export function Field({ label, value, onChange, type = 'text', name, required, autoComplete, problem, hint, readOnly, inputMode }: FieldProps) {
  const id = useId();
  const { t } = useTranslation();
  const errors = name ? fieldMessages(problem, name) : [];
  const described = [hint ? `${id}-hint` : '', errors.length ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required ? <span className="required"> ({t('common.required')})</span> : null}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        value={value}
        required={required}
        readOnly={readOnly}
        inputMode={inputMode}
        autoComplete={autoComplete ?? 'off'}
        aria-invalid={errors.length ? true : undefined}
        aria-describedby={described}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint ? (
        <div id={`${id}-hint`} className="hint">
          {hint}
        </div>
      ) : null}
      <FieldErrors id={`${id}-error`} errors={errors} />
    </div>
  );
}

export function Select({ label, value, onChange, options, name, problem, required }: {
  label: string;
  value: string;
  onChange(value: string): void;
  options: Array<{ value: string; label: string }>;
  name?: string;
  problem?: Problem;
  required?: boolean;
}) {
  const id = useId();
  const errors = name ? fieldMessages(problem, name) : [];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} value={value} required={required} aria-invalid={errors.length ? true : undefined} aria-describedby={errors.length ? `${id}-error` : undefined} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldErrors id={`${id}-error`} errors={errors} />
    </div>
  );
}

export function Checkboxes({ legend, options, selected, onChange, name, problem }: {
  legend: string;
  options: Array<{ value: string; label: string }>;
  selected: string[];
  onChange(values: string[]): void;
  name?: string;
  problem?: Problem;
}) {
  const errors = name ? fieldMessages(problem, name) : [];
  return (
    <fieldset className="field">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="check">
          <input
            type="checkbox"
            name={name}
            value={o.value}
            checked={selected.includes(o.value)}
            onChange={(e) => onChange(e.target.checked ? [...selected, o.value] : selected.filter((v) => v !== o.value))}
          />{' '}
          {o.label}
        </label>
      ))}
      <FieldErrors errors={errors} />
    </fieldset>
  );
}

/** A problem in words: the API's title and detail (in the chosen language), then what it means here. */
/** `listErrors`: a screen with no field for them (a file's header, its rows) lists every `errors[]` entry here. */
export function ProblemAlert({ problem, listErrors }: { problem: Problem | undefined; listErrors?: boolean }) {
  const { t } = useTranslation();
  if (!problem) return null;
  const explanation = t(`problems.code.${problem.code}`, { defaultValue: t(`problems.status.${problem.status}`, { defaultValue: t('problems.status.other') }) });
  const unplaced = (problem.errors ?? []).filter((e) => listErrors || e.field === '(body)' || e.field === '');
  return (
    <div role="alert" className="problem">
      <p>
        <strong>{problem.status === 0 ? t('problems.network') : explanation}</strong>
      </p>
      {problem.title || problem.detail ? (
        <p>
          {[problem.title, problem.detail].filter(Boolean).join(' — ')} <span className="code">({problem.code})</span>
        </p>
      ) : null}
      {problem.errors?.length && !listErrors ? <p>{t('problems.seeFields')}</p> : null}
      {unplaced.map((e, i) => (
        <p key={i}>{listErrors && e.field ? `${e.field} — ${e.message}` : e.message}</p>
      ))}
    </div>
  );
}

export function Notice({ message }: { message: string | undefined }) {
  return (
    <div role="status" className="notice" aria-live="polite">
      {message ?? ''}
    </div>
  );
}

/** Rules ticked as the person types: each with the violation codes that break it. */
function RuleList({ title, value, broken, rules, text }: { title: string; value: string; broken: readonly string[]; rules: Array<[string, string[]]>; text(key: string): string }) {
  const { t } = useTranslation();
  const failing = new Set<string>(broken);
  return (
    <ul className="rules" aria-label={title}>
      {rules.map(([key, codes]) => {
        const ok = value.length > 0 && !codes.some((c) => failing.has(c));
        return (
          <li key={key} className={ok ? 'ok' : 'ko'}>
            <span aria-hidden="true">{ok ? '✔' : '✘'}</span> {text(key)} <span className="sr-only">{ok ? t('rules.met') : t('rules.notMet')}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** The manual's rules, from libs/domain, ticked as the person types. */
export function PasswordRules({ password }: { password: string }) {
  const { t } = useTranslation();
  const rules: Array<[string, string[]]> = [
    ['length', ['PASSWORD_TOO_SHORT', 'PASSWORD_TOO_LONG']],
    ['space', ['PASSWORD_HAS_SPACE']],
    ['nonLetters', ['PASSWORD_TOO_FEW_NON_LETTERS']],
    ['characters', ['PASSWORD_CHARACTER_NOT_ALLOWED']],
  ];
  return <RuleList title={t('rules.passwordTitle')} value={password} broken={passwordViolations(password)} rules={rules} text={(key) => t(`rules.password.${key}`, { specials: PASSWORD_SPECIALS })} />;
}

export function UsernameRules({ username }: { username: string }) {
  const { t } = useTranslation();
  const rules: Array<[string, string[]]> = [
    ['length', ['USERNAME_TOO_SHORT', 'USERNAME_TOO_LONG']],
    ['characters', ['USERNAME_CHARACTER_NOT_ALLOWED']],
  ];
  return <RuleList title={t('rules.usernameTitle')} value={username} broken={usernameViolations(username)} rules={rules} text={(key) => t(`rules.username.${key}`)} />;
}

export function PasswordField({ label, value, onChange, name = 'password', problem, autoComplete = 'new-password' }: { label: string; value: string; onChange(v: string): void; name?: string; problem?: Problem; autoComplete?: string }) {
  return <Field label={label} type="password" name={name} value={value} onChange={onChange} problem={problem} required autoComplete={autoComplete} hint={<PasswordRules password={value} />} />;
}

export const emptyPerson = (language: string): PersonBody => ({ niss: '', firstName: '', lastName: '', title: '', language, email: '', username: '', password: '' });

/** Drops empty optional fields and, for a known person, the credentials they already have. */
export function personPayload(p: PersonBody, known: boolean): PersonBody {
  const out: PersonBody = { niss: p.niss.trim(), firstName: p.firstName.trim(), lastName: p.lastName.trim(), language: p.language };
  if (p.title?.trim()) out.title = p.title.trim();
  if (p.email?.trim()) out.email = p.email.trim();
  if (!known) {
    if (p.username) out.username = p.username;
    if (p.password) out.password = p.password;
  }
  return out;
}

/**
 * A person entered by NISS (manual 4.1.3): the NISS is looked up first; a known person's names
 * come pre-filled and need no credentials, an unknown one is entered in full.
 */
export function PersonFields({ enterpriseNumber, value, onChange, problem, known, setKnown }: {
  enterpriseNumber?: string;
  value: PersonBody;
  onChange(p: PersonBody): void;
  problem?: Problem;
  known: boolean | undefined;
  setKnown(k: boolean | undefined): void;
}) {
  const { t } = useTranslation();
  const [lookupProblem, setLookupProblem] = useState<Problem>();
  const set = (k: keyof PersonBody) => (v: string) => onChange({ ...value, [k]: v });
  async function lookup() {
    setLookupProblem(undefined);
    if (!enterpriseNumber) return setKnown(false);
    const r = await api.lookupPerson(enterpriseNumber, value.niss.trim());
    if (r.ok) {
      onChange({ ...value, firstName: r.data.firstName, lastName: r.data.lastName, title: r.data.title ?? '' });
      setKnown(true);
    } else if (r.problem.status === 404) {
      setKnown(false);
    } else {
      setLookupProblem(r.problem);
    }
  }
  return (
    <fieldset className="person">
      <legend>{t('person.legend')}</legend>
      <div className="inline">
        <Field label={t('person.niss')} name="niss" value={value.niss} onChange={(v) => { set('niss')(v); setKnown(undefined); }} problem={problem} required inputMode="numeric" hint={t('person.nissHint')} />
        <button type="button" onClick={() => void lookup()}>
          {t('person.lookup')}
        </button>
      </div>
      <ProblemAlert problem={lookupProblem} />
      <p role="status" className="notice">
        {known === true ? t('person.known') : known === false ? t('person.unknown') : ''}
      </p>
      {known !== undefined ? (
        <>
          <Field label={t('person.firstName')} name="firstName" value={value.firstName} onChange={set('firstName')} problem={problem} required />
          <Field label={t('person.lastName')} name="lastName" value={value.lastName} onChange={set('lastName')} problem={problem} required />
          <Field label={t('person.title')} name="title" value={value.title ?? ''} onChange={set('title')} problem={problem} />
          <LanguageSelect value={value.language} onChange={set('language')} problem={problem} />
          <Field label={t('person.email')} name="email" type="email" value={value.email ?? ''} onChange={set('email')} problem={problem} />
          {!known ? (
            <>
              <Field label={t('person.username')} name="username" value={value.username ?? ''} onChange={set('username')} problem={problem} required hint={<UsernameRules username={value.username ?? ''} />} />
              <PasswordField label={t('person.password')} value={value.password ?? ''} onChange={set('password')} problem={problem} />
            </>
          ) : null}
        </>
      ) : null}
    </fieldset>
  );
}

/**
 * The state of one person entered by NISS: the person, whether the look-up found them, the
 * payload to send (a known person's credentials left out), a reset after success, and the fields.
 */
export function usePersonEntry(enterpriseNumber: string | undefined) {
  const { language } = useSession();
  const [person, setPerson] = useState<PersonBody>(emptyPerson(language));
  const [known, setKnown] = useState<boolean>();
  return {
    person,
    /** The NISS was looked up (known or not): the form may be sent. */
    ready: known !== undefined,
    payload: () => personPayload(person, known === true),
    reset: () => {
      setPerson(emptyPerson(language));
      setKnown(undefined);
    },
    fields: (problem: Problem | undefined) => <PersonFields enterpriseNumber={enterpriseNumber} value={person} onChange={setPerson} problem={problem} known={known} setKnown={setKnown} />,
  };
}

export function LanguageSelect({ value, onChange, problem, label }: { value: string; onChange(v: string): void; problem?: Problem; label?: string }) {
  const { t } = useTranslation();
  return <Select label={label ?? t('person.language')} name="language" value={value} onChange={onChange} problem={problem} options={LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))} />;
}

/** The quality a screen works on: a GL's own, or one the enterprise's manager picks. */
export function useQualityChoice(): { quality: string | undefined; picker: ReactNode } {
  const { role, quality, setQuality } = useSession();
  const { t } = useTranslation();
  const { label } = useCatalogue();
  const [options, setOptions] = useState<string[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const fixed = role?.quality;
  useEffect(() => {
    if (fixed || !role?.enterpriseNumber) return;
    void api.qualities(role.enterpriseNumber).then((r) => {
      if (r.ok) {
        const types = r.data.items.map((i) => i.type);
        setOptions(types);
        if (!quality && types[0]) setQuality(types[0]);
      } else setProblem(r.problem);
    });
  }, [fixed, role?.enterpriseNumber]);
  if (fixed) return { quality: fixed, picker: <p className="context">{t('quality.current', { quality: label('qualities', fixed) })}</p> };
  return {
    quality,
    picker: (
      <>
        <ProblemAlert problem={problem} />
        {options.length ? (
          <Select label={t('quality.choose')} value={quality ?? ''} onChange={(v) => setQuality(v)} options={options.map((o) => ({ value: o, label: label('qualities', o) }))} />
        ) : (
          <p>{t('quality.none')}</p>
        )}
      </>
    ),
  };
}

/** A destructive action asks for a second, explicit press. */
export function ConfirmButton({ label, confirmLabel, onConfirm }: { label: string; confirmLabel: string; onConfirm(): void }) {
  const [asking, setAsking] = useState(false);
  const { t } = useTranslation();
  if (!asking) return <button type="button" onClick={() => setAsking(true)}>{label}</button>;
  return (
    <span className="confirm">
      <button type="button" className="danger" onClick={() => { setAsking(false); onConfirm(); }}>
        {confirmLabel}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </button>
    </span>
  );
}

/** Previous/next page buttons under a paged list. */
export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage(page: number): void }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('common.pages')} className="pager">
      {page > 1 ? <button type="button" onClick={() => onPage(page - 1)}>{t('common.previous')}</button> : null}{' '}
      {page * pageSize < total ? <button type="button" onClick={() => onPage(page + 1)}>{t('common.next')}</button> : null}
    </nav>
  );
}

/** A table with a caption (hidden when the heading above already names it) and column headers. */
export function Table({ caption, hideCaption, columns, children }: { caption: ReactNode; hideCaption?: boolean; columns: string[]; children: ReactNode }) {
  return (
    <table>
      <caption className={hideCaption ? 'sr-only' : undefined}>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
