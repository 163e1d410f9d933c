/** What an integration needs, as screens: a file of users imported (docs/import.md), a quality's SCIM tokens (docs/scim.md), the enterprise's webhooks (docs/events.md). */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ImportJobView, ImportReportItem, WebhookDeliveryView, WebhookView } from '@um/contracts';
import { ADMIN_EVENT_KINDS } from '@um/contracts/event-kinds';
import { IMPORT_COLUMNS, IMPORT_MAX_ROWS } from '@um/domain';
import { api, type Page as ResultPage, type Problem, type ScimTokenView } from '../api.js';
import { useSession } from '../session.js';
import { Checkboxes, ConfirmButton, Field, Notice, Page, Pager, ProblemAlert, Table, useQualityChoice } from '../ui.js';

/** Rows of an import's report shown at once. */
const REPORT_PAGE_SIZE = 100;

/** A value shown once (a token, a secret): read-only, to copy, with what to do with it. */
function ShownOnce({ label, value, hint }: { label: string; value: string; hint: string }) {
  return <Field label={label} value={value} onChange={() => undefined} readOnly hint={hint} />;
}

function ImportReport({ job, quality, page, onPage }: { job: ImportJobView; quality: string; page: number; onPage(page: number): void }) {
  const { t } = useTranslation();
  const mode = job.dryRun ? 'check' : 'run';
  const items: ImportReportItem[] = job.report?.items ?? [];
  return (
    <>
      <Table caption={t('import.report', { count: job.counts.total })} columns={[t('import.row'), t('import.result'), t('import.detail')]}>
        {items.map((item) => (
          <tr key={item.row}>
            <td>{item.row}</td>
            <td>{t(`import.status.${mode}.${item.status}`)}</td>
            <td>
              {item.detail ? (
                <>
                  {item.detail} <span className="code">({item.code})</span>
                </>
              ) : null}
              {item.errors?.length ? (
                <ul>
                  {item.errors.map((e, i) => (
                    <li key={i}>{`${e.field} — ${e.message}`}</li>
                  ))}
                </ul>
              ) : null}
              {!item.detail && item.personId && !job.dryRun ? <Link to={`/users/${quality}/${item.personId}`}>{t('import.openUser')}</Link> : null}
            </td>
          </tr>
        ))}
      </Table>
      <Pager page={page} pageSize={REPORT_PAGE_SIZE} total={job.counts.total} onPage={onPage} />
    </>
  );
}

export function ImportUsersScreen() {
  const { t } = useTranslation();
  const { role } = useSession();
  const en = role?.enterpriseNumber ?? '';
  const { quality, picker } = useQualityChoice();
  const [file, setFile] = useState<File>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const [job, setJob] = useState<ImportJobView>();
  const [page, setPage] = useState(1);
  /** The report page last asked for (`importId:page`), so that a finished job's page is read once. */
  const requested = useRef('');

  useEffect(() => {
    setJob(undefined);
    setProblem(undefined);
  }, [quality]);

  async function send(dryRun: boolean) {
    if (!file || !quality) return;
    setBusy(true);
    setProblem(undefined);
    setJob(undefined);
    setPage(1);
    requested.current = '';
    const r = await api.importUsers(en, quality, file, dryRun);
    setBusy(false);
    if (!r.ok) return setProblem(r.problem);
    setJob(r.data);
  }

  // A running job is read every second (its counts grow); a finished one, once per report page.
  useEffect(() => {
    if (!job || !quality) return;
    const running = job.status === 'receiving' || job.status === 'running';
    const read = () =>
      void api.importJob(en, quality, job.importId, page, REPORT_PAGE_SIZE).then((r) => {
        if (!r.ok) {
          setProblem(r.problem);
          // The network or the service failing for a moment does not stop the watch of a running job.
          if (running && (r.problem.status === 0 || r.problem.status === 503)) setJob((current) => (current?.importId === job.importId ? { ...current } : current));
          return;
        }
        setProblem(undefined);
        setJob((current) => (current?.importId === r.data.importId ? r.data : current));
      });
    if (running) {
      const timer = setTimeout(read, 1000);
      return () => clearTimeout(timer);
    }
    const key = `${job.importId}:${page}`;
    if (job.status === 'finished' && requested.current !== key) {
      requested.current = key;
      read();
    }
    return undefined;
  }, [job, page, en, quality]);

  const running = job && (job.status === 'receiving' || job.status === 'running');
  const mode = job?.dryRun ? 'check' : 'run';
  return (
    <Page title={t('import.title')}>
      {picker}
      <p>{t('import.intro', { max: IMPORT_MAX_ROWS.toLocaleString() })}</p>
      <section aria-labelledby="import-file-help">
        <h2 id="import-file-help">{t('import.fileTitle')}</h2>
        <p>{t('import.header')}</p>
        <pre className="code-block">{IMPORT_COLUMNS.join(';')}</pre>
        <p>{t('import.columns')}</p>
        <p>{t('import.passwords')}</p>
      </section>
      <form onSubmit={(e) => { e.preventDefault(); void send(true); }} noValidate>
        <div className="field">
          <label htmlFor="import-file">{t('import.file')}</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.target.files?.[0]);
              setJob(undefined);
              setProblem(undefined);
            }}
          />
        </div>
        <button type="submit" disabled={!file || !quality || busy || Boolean(running)}>
          {t('import.check')}
        </button>
        <button type="button" disabled={!file || !quality || busy || Boolean(running)} onClick={() => void send(false)}>
          {t('import.run')}
        </button>
      </form>
      <Notice message={busy ? t('import.sending') : running ? t('import.progress', { done: job.counts.done, total: job.counts.total }) : job?.status === 'finished' ? t(`import.finished.${mode}`) : undefined} />
      <ProblemAlert problem={problem} listErrors />
      {job ? (
        <section aria-labelledby="import-result">
          <h2 id="import-result">{t(`import.resultTitle.${mode}`)}</h2>
          {running ? <progress max={job.counts.total} value={job.counts.done} aria-label={t('import.progressLabel')} /> : null}
          {job.status === 'abandoned' ? (
            <p role="alert" className="problem">
              {t('import.abandoned')}
            </p>
          ) : null}
          <dl className="details">
            <dt>{t('import.counts.total')}</dt>
            <dd>{job.counts.total}</dd>
            <dt>{t('import.counts.done')}</dt>
            <dd>{job.counts.done}</dd>
            {(['created', 'reused', 'unchanged', 'error'] as const).map((s) => (
              <div key={s}>
                <dt>{t(`import.status.${mode}.${s}`)}</dt>
                <dd>{job.counts[s]}</dd>
              </div>
            ))}
          </dl>
          {job.status === 'finished' && job.report ? <ImportReport job={job} quality={job.quality} page={page} onPage={setPage} /> : null}
        </section>
      ) : null}
    </Page>
  );
}

export function ScimTokensScreen() {
  const { t } = useTranslation();
  const { role } = useSession();
  const en = role?.enterpriseNumber ?? '';
  const { quality, picker } = useQualityChoice();
  const [items, setItems] = useState<ScimTokenView[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [formProblem, setFormProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<{ token: string; quality: string }>();
  const reload = useCallback(() => {
    if (!quality) return;
    void api.scimTokens(en, quality).then((r) => (r.ok ? (setItems(r.data.items), setProblem(undefined)) : setProblem(r.problem)));
  }, [en, quality]);
  useEffect(reload, [reload]);
  useEffect(() => setCreated(undefined), [quality]);
  async function create(e: FormEvent) {
    e.preventDefault();
    if (!quality) return;
    const r = await api.createScimToken(en, quality, label.trim() || undefined);
    if (!r.ok) return setFormProblem(r.problem);
    setFormProblem(undefined);
    setCreated({ token: r.data.token, quality });
    setNotice(t('scim.created'));
    setLabel('');
    reload();
  }
  async function revoke(tokenId: string) {
    const r = await api.revokeScimToken(en, quality ?? '', tokenId);
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setNotice(t('scim.revoked'));
    reload();
  }
  const baseUrl = quality ? `${window.location.origin}/scim/v2/${en}/${quality}` : '';
  return (
    <Page title={t('scim.title')}>
      {picker}
      <p>{t('scim.intro')}</p>
      <Notice message={notice} />
      <ProblemAlert problem={problem} />
      {created ? (
        <section aria-labelledby="scim-created" className="once">
          <h2 id="scim-created">{t('scim.newToken')}</h2>
          <ShownOnce label={t('scim.token')} value={created.token} hint={t('scim.copyHint')} />
          <ShownOnce label={t('scim.baseUrl')} value={`${window.location.origin}/scim/v2/${en}/${created.quality}`} hint={t('scim.baseUrlHint')} />
        </section>
      ) : null}
      {items.length ? (
        <Table caption={t('scim.list')} columns={[t('scim.label'), t('scim.createdAt'), t('common.actions')]}>
          {items.map((item) => (
            <tr key={item.tokenId}>
              <td>{item.label ?? t('scim.noLabel')}</td>
              <td>{new Date(item.createdAt).toLocaleString()}</td>
              <td>
                <ConfirmButton label={t('scim.revoke')} confirmLabel={t('scim.confirmRevoke')} onConfirm={() => void revoke(item.tokenId)} />
              </td>
            </tr>
          ))}
        </Table>
      ) : problem ? null : (
        <p>{t('scim.none')}</p>
      )}
      {quality ? <p>{t('scim.where', { url: baseUrl })}</p> : null}
      <h2>{t('scim.create')}</h2>
      <form onSubmit={(e) => void create(e)} noValidate>
        <Field label={t('scim.label')} name="label" value={label} onChange={setLabel} problem={formProblem} hint={t('scim.labelHint')} />
        <ProblemAlert problem={formProblem} />
        <button type="submit" disabled={!quality}>
          {t('scim.submit')}
        </button>
      </form>
    </Page>
  );
}

/** Every administrative event kind, in the order of the contract. */
const EVENT_KINDS = Object.keys(ADMIN_EVENT_KINDS);

function Deliveries({ webhook }: { webhook: WebhookView }) {
  const { t } = useTranslation();
  const { role } = useSession();
  const en = role?.enterpriseNumber ?? '';
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<ResultPage<WebhookDeliveryView>>();
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    void api.webhookDeliveries(en, webhook.webhookId, page).then((r) => (r.ok ? (setResult(r.data), setProblem(undefined)) : setProblem(r.problem)));
  }, [en, webhook.webhookId, page]);
  const when = (at: string | undefined) => (at ? new Date(at).toLocaleString() : '—');
  return (
    <section aria-labelledby="webhook-deliveries">
      <h2 id="webhook-deliveries">{t('webhooks.deliveriesOf', { url: webhook.url })}</h2>
      <ProblemAlert problem={problem} />
      {result?.items.length ? (
        <Table caption={t('webhooks.deliveryCount', { count: result.total })} columns={[t('webhooks.event'), t('common.status'), t('webhooks.attempts'), t('webhooks.lastAnswer'), t('webhooks.lastAttempt'), t('webhooks.next')]}>
          {result.items.map((d) => (
            <tr key={d.eventId}>
              <td>{t(`audit.actions.${d.kind}`, { defaultValue: d.kind })}</td>
              <td>{t(`webhooks.status.${d.status}`)}</td>
              <td>{d.attempts}</td>
              <td>{d.lastStatus ? `HTTP ${d.lastStatus}` : (d.lastError ?? '—')}</td>
              <td>{when(d.lastAttemptAt)}</td>
              <td>{d.status === 'delivered' ? t('webhooks.deliveredAt', { at: when(d.deliveredAt) }) : when(d.nextAttemptAt)}</td>
            </tr>
          ))}
        </Table>
      ) : result ? (
        <p>{t('webhooks.noDeliveries')}</p>
      ) : null}
      {result ? <Pager page={page} pageSize={result.pageSize} total={result.total} onPage={setPage} /> : null}
    </section>
  );
}

export function WebhooksScreen() {
  const { t } = useTranslation();
  const { role } = useSession();
  const en = role?.enterpriseNumber ?? '';
  const [items, setItems] = useState<WebhookView[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [formProblem, setFormProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [url, setUrl] = useState('');
  const [kinds, setKinds] = useState<string[]>([]);
  const [secret, setSecret] = useState<{ url: string; secret: string }>();
  const [log, setLog] = useState<WebhookView>();
  const reload = useCallback(() => void api.webhooks(en).then((r) => (r.ok ? (setItems(r.data.items), setProblem(undefined)) : setProblem(r.problem))), [en]);
  useEffect(reload, [reload]);
  const kindLabel = (kind: string) => t(`audit.actions.${kind}`, { defaultValue: kind });
  async function create(e: FormEvent) {
    e.preventDefault();
    const r = await api.createWebhook(en, { url: url.trim(), ...(kinds.length ? { kinds } : {}) });
    if (!r.ok) return setFormProblem(r.problem);
    setFormProblem(undefined);
    setSecret({ url: r.data.url, secret: r.data.secret });
    setNotice(t('webhooks.created'));
    setUrl('');
    setKinds([]);
    reload();
  }
  async function remove(webhookId: string) {
    const r = await api.deleteWebhook(en, webhookId);
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setNotice(t('webhooks.removed'));
    if (log?.webhookId === webhookId) setLog(undefined);
    reload();
  }
  return (
    <Page title={t('webhooks.title')}>
      <p>{t('webhooks.intro')}</p>
      <Notice message={notice} />
      <ProblemAlert problem={problem} />
      {secret ? (
        <section aria-labelledby="webhook-created" className="once">
          <h2 id="webhook-created">{t('webhooks.secretTitle', { url: secret.url })}</h2>
          <ShownOnce label={t('webhooks.secret')} value={secret.secret} hint={t('webhooks.secretHint')} />
        </section>
      ) : null}
      {items.length ? (
        <Table caption={t('webhooks.list')} columns={[t('webhooks.url'), t('webhooks.kinds'), t('webhooks.createdAt'), t('common.actions')]}>
          {items.map((w) => (
            <tr key={w.webhookId}>
              <td className="code">{w.url}</td>
              <td>{w.kinds?.length ? w.kinds.map(kindLabel).join(', ') : t('webhooks.allKinds')}</td>
              <td>{new Date(w.createdAt).toLocaleString()}</td>
              <td>
                <button type="button" aria-pressed={log?.webhookId === w.webhookId} onClick={() => setLog(log?.webhookId === w.webhookId ? undefined : w)}>
                  {t('webhooks.showLog')}
                </button>{' '}
                <ConfirmButton label={t('actions.delete')} confirmLabel={t('actions.confirmDelete')} onConfirm={() => void remove(w.webhookId)} />
              </td>
            </tr>
          ))}
        </Table>
      ) : problem ? null : (
        <p>{t('webhooks.none')}</p>
      )}
      {log ? <Deliveries key={log.webhookId} webhook={log} /> : null}
      <h2>{t('webhooks.add')}</h2>
      <form onSubmit={(e) => void create(e)} noValidate>
        <Field label={t('webhooks.url')} name="url" type="url" value={url} onChange={setUrl} problem={formProblem} required hint={t('webhooks.urlHint')} />
        <div className="kinds">
          <Checkboxes legend={t('webhooks.kindsLegend')} name="kinds" options={EVENT_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))} selected={kinds} onChange={setKinds} problem={formProblem} />
        </div>
        <ProblemAlert problem={formProblem} />
        <button type="submit">{t('webhooks.submit')}</button>
      </form>
    </Page>
  );
}
