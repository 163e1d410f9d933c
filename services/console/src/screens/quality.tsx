/** Quality details (manual Ill. 19), routing module (5.4) with mandates and channels, structured messages, audit. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditRecord, BatchChannelView, Mandate, QualityView, RoutingRuleView, StructuredMessageView } from '@um/contracts';
import { api, type Page as ResultPage, type PersonBody, type Problem } from '../api.js';
import { useCatalogue } from '../catalogue.js';
import { useSession } from '../session.js';
import { ConfirmButton, Field, Notice, Page, Pager, ProblemAlert, Select, Table, usePersonEntry, useQualityChoice } from '../ui.js';

export function QualityScreen() {
  const { t } = useTranslation();
  const { role, can } = useSession();
  const { label, fieldLabel } = useCatalogue();
  const en = role?.enterpriseNumber ?? '';
  const { quality, picker } = useQualityChoice();
  const [view, setView] = useState<QualityView>();
  const [reloads, setReloads] = useState(0);
  const [contactEmail, setContactEmail] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    if (!quality) return;
    void api.quality(en, quality).then((r) => {
      if (!r.ok) return setProblem(r.problem);
      setView(r.data);
      setContactEmail(r.data.contactEmail ?? '');
    });
  }, [en, quality, reloads]);
  async function save(e: FormEvent) {
    e.preventDefault();
    const r = await api.updateQuality(en, quality ?? '', { contactEmail: contactEmail.trim() || null });
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setView(r.data);
    setNotice(t('common.saved'));
  }
  const person = (p: QualityView['localManager']) => (p ? `${p.firstName} ${p.lastName}${p.username ? ` (${p.username})` : ''}` : '—');
  return (
    <Page title={t('quality.title')}>
      {picker}
      <Notice message={notice} />
      <ProblemAlert problem={problem} />
      {view ? (
        <>
          <dl className="details">
            <dt>{t('quality.type')}</dt>
            <dd>{label('qualities', view.type)}</dd>
            {Object.entries(view.data)
              .filter(([k]) => k !== 'contactEmail')
              .map(([k, v]) => (
                <div key={k}>
                  <dt>{fieldLabel(k)}</dt>
                  <dd>{String(v)}</dd>
                </div>
              ))}
            <dt>{t('quality.gl')}</dt>
            <dd>{person(view.localManager)}</dd>
            <dt>{t('quality.technicalUser')}</dt>
            <dd>{person(view.technicalUser)}</dd>
            <dt>{t('quality.applications')}</dt>
            <dd>{view.applications.map((a) => label('applications', a)).join(', ')}</dd>
            <dt>{t('quality.activatedAt')}</dt>
            <dd>{new Date(view.activatedAt).toLocaleDateString()}</dd>
          </dl>
          <form onSubmit={(e) => void save(e)} noValidate>
            <Field label={fieldLabel('contactEmail')} name="contactEmail" type="email" value={contactEmail} onChange={setContactEmail} problem={problem} />
            <button type="submit">{t('common.save')}</button>
          </form>
          {can('quality.local-manager.designate') ? (
            <DesignatePerson heading={t('quality.changeGl')} submit={t('quality.changeGlSubmit')} done={t('quality.glChanged')} send={(p) => api.designateLocalManager(en, view.type, p)} onDone={() => setReloads((n) => n + 1)} />
          ) : null}
          {can('technical-user.designate') ? (
            <DesignatePerson heading={t('quality.designateTechnical')} submit={t('quality.technicalSubmit')} done={t('quality.technicalDesignated')} send={(p) => api.designateTechnicalUser(en, view.type, p)} onDone={() => setReloads((n) => n + 1)} />
          ) : null}
        </>
      ) : null}
    </Page>
  );
}

/** Designating someone by NISS for a quality (its GL, its technical user). */
function DesignatePerson({ heading, submit, done, send, onDone }: { heading: string; submit: string; done: string; send(p: PersonBody): Promise<{ ok: boolean; problem?: Problem }>; onDone(): void }) {
  const { role } = useSession();
  const entry = usePersonEntry(role?.enterpriseNumber);
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  async function go(e: FormEvent) {
    e.preventDefault();
    const r = await send(entry.payload());
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setNotice(done);
    entry.reset();
    onDone();
  }
  return (
    <section aria-label={heading}>
      <h2>{heading}</h2>
      <Notice message={notice} />
      <form onSubmit={(e) => void go(e)} noValidate>
        {entry.fields(problem)}
        <ProblemAlert problem={problem} />
        <button type="submit" disabled={!entry.ready}>
          {submit}
        </button>
      </form>
    </section>
  );
}

export function RoutingScreen() {
  const { t } = useTranslation();
  const { role } = useSession();
  const { label } = useCatalogue();
  const en = role?.enterpriseNumber ?? '';
  const { quality, picker } = useQualityChoice();
  const [rules, setRules] = useState<RoutingRuleView[]>([]);
  const [mandates, setMandates] = useState<Mandate[]>([]);
  const [received, setReceived] = useState<Array<RoutingRuleView & { enterpriseNumber: string; quality: string }>>([]);
  const [channels, setChannels] = useState<BatchChannelView[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [receivedProblem, setReceivedProblem] = useState<Problem>();
  const [mandatesProblem, setMandatesProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [choice, setChoice] = useState<Record<string, string>>({});
  const reload = useCallback(() => {
    if (!quality) return;
    void api.routing(en, quality).then((r) => (r.ok ? setRules(r.data.items) : setProblem(r.problem)));
    void api.mandates(en, 'given').then((r) => (r.ok ? setMandates(r.data.items) : setMandatesProblem(r.problem)));
    void api.receivedRouting(en).then((r) => (r.ok ? setReceived(r.data.items) : setReceivedProblem(r.problem)));
    void api.batchChannels(en).then((r) => r.ok && setChannels(r.data.items));
  }, [en, quality]);
  useEffect(reload, [reload]);
  const today = new Date().toISOString().slice(0, 10);
  const recipientsFor = (declarationType: string) => [
    en,
    ...new Set(mandates.filter((m) => m.declarationTypes.includes(declarationType as never) && m.validFrom <= today && (!m.validTo || m.validTo >= today)).map((m) => m.mandataryEnterpriseNumber)),
  ];
  const channelOptions = [{ value: 'ebox', label: t('routing.ebox') }, ...channels.map((c) => ({ value: c.channelId, label: `${c.name} (${c.type})` }))];
  async function act(p: Promise<{ ok: boolean; problem?: Problem }>) {
    const r = await p;
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setNotice(t('common.saved'));
    reload();
  }
  const channelLabel = (c: string | null) => (c === 'ebox' ? t('routing.ebox') : c ? (channels.find((x) => x.channelId === c)?.name ?? t('routing.otherChannel')) : '—');
  return (
    <Page title={t('routing.title')}>
      {picker}
      <p>{t('routing.intro')}</p>
      <Notice message={notice} />
      <ProblemAlert problem={problem} />
      <Table caption={t('routing.rules')} columns={[t('routing.declarationType'), t('routing.recipient'), t('routing.channel'), t('common.status'), t('routing.change')]}>
        {rules.map((rule) => {
          const options = recipientsFor(rule.declarationType);
          const value = choice[rule.declarationType] ?? rule.recipient ?? en;
          return (
            <tr key={rule.declarationType}>
              <td>{label('declarationTypes', rule.declarationType)}</td>
              <td>{rule.recipient === en ? t('routing.self') : rule.recipient ? t('routing.mandatary', { number: rule.recipient }) : '—'}</td>
              <td>{channelLabel(rule.channel)}</td>
              <td>{t(`routing.state.${rule.state}`)}</td>
              <td>
                <form className="inline" onSubmit={(e) => { e.preventDefault(); void act(api.setRecipient(en, quality ?? '', rule.declarationType, value)); }}>
                  <Select label={t('routing.recipientFor', { type: label('declarationTypes', rule.declarationType) })} value={value} onChange={(v) => setChoice((c) => ({ ...c, [rule.declarationType]: v }))} options={options.map((o) => ({ value: o, label: o === en ? t('routing.self') : t('routing.mandatary', { number: o }) }))} />
                  <button type="submit">{t('routing.setRecipient')}</button>
                </form>
                {rule.recipient === en ? (
                  <ChannelChooser current={rule.channel} options={channelOptions} label={t('routing.channelFor', { type: label('declarationTypes', rule.declarationType) })} onSave={(c) => void act(api.setChannel(en, quality ?? '', rule.declarationType, c))} />
                ) : null}
              </td>
            </tr>
          );
        })}
      </Table>
      <h2>{t('routing.mandates')}</h2>
      <ProblemAlert problem={mandatesProblem} />
      {mandates.length ? (
        <ul>
          {mandates.map((m) => (
            <li key={m.mandateId}>
              {t('routing.mandateLine', { number: m.mandataryEnterpriseNumber, from: m.validFrom, to: m.validTo ?? '…', types: m.declarationTypes.map((d) => label('declarationTypes', d)).join(', ') })}
            </li>
          ))}
        </ul>
      ) : mandatesProblem ? null : (
        <p>{t('routing.noMandates')}</p>
      )}
      <h2>{t('routing.received')}</h2>
      <ProblemAlert problem={receivedProblem} />
      {received.length ? (
        <ul>
          {received.map((r) => (
            <li key={`${r.enterpriseNumber}-${r.quality}-${r.declarationType}`}>
              {t('routing.receivedLine', { number: r.enterpriseNumber, type: label('declarationTypes', r.declarationType), channel: channelLabel(r.channel) })}
              {r.state === 'active' ? null : ` — ${t(`routing.state.${r.state}`)}`}
              {/* A rule whose mandate ended is the mandator's to re-route: no channel to choose here. */}
              {r.state === 'mandate-ended' ? null : <ChannelChooser current={r.channel} options={channelOptions} label={t('routing.channelFor', { type: `${r.enterpriseNumber} — ${label('declarationTypes', r.declarationType)}` })} onSave={(c) => void act(api.setChannel(r.enterpriseNumber, r.quality, r.declarationType, c))} />}
            </li>
          ))}
        </ul>
      ) : receivedProblem ? null : (
        <p>{t('routing.noneReceived')}</p>
      )}
    </Page>
  );
}

function ChannelChooser({ current, options, label, onSave }: { current: string | null; options: Array<{ value: string; label: string }>; label: string; onSave(channel: string): void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(current ?? 'ebox');
  return (
    <form className="inline" onSubmit={(e) => { e.preventDefault(); onSave(value); }}>
      <Select label={label} value={value} onChange={setValue} options={options} />
      <button type="submit">{t('routing.setChannel')}</button>
    </form>
  );
}

export function BatchChannelsScreen() {
  const { t } = useTranslation();
  const { role } = useSession();
  const en = role?.enterpriseNumber ?? '';
  const [items, setItems] = useState<BatchChannelView[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [formProblem, setFormProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [type, setType] = useState<'ftp' | 'mqlink' | 'isabel'>('ftp');
  const [name, setName] = useState('');
  const [params, setParams] = useState<Record<string, string>>({});
  const reload = useCallback(() => void api.batchChannels(en).then((r) => (r.ok ? setItems(r.data.items) : setProblem(r.problem))), [en]);
  useEffect(reload, [reload]);
  const fields: Record<typeof type, string[]> = { ftp: ['host', 'port', 'directory'], mqlink: ['queueManager', 'queue'], isabel: ['mailbox'] };
  async function add(e: FormEvent) {
    e.preventDefault();
    const parameters: Record<string, string | number> = {};
    for (const f of fields[type]) if (params[f]?.trim()) parameters[f] = f === 'port' ? Number(params[f]) : params[f]!.trim();
    const r = await api.addBatchChannel(en, { type, name: name.trim(), parameters });
    if (!r.ok) return setFormProblem(r.problem);
    setFormProblem(undefined);
    setNotice(t('channels.added', { name }));
    setName('');
    setParams({});
    reload();
  }
  async function remove(channelId: string) {
    const r = await api.deleteBatchChannel(en, channelId);
    if (!r.ok) return setProblem(r.problem);
    setProblem(undefined);
    setNotice(t('actions.done.delete'));
    reload();
  }
  return (
    <Page title={t('channels.title')}>
      <p>{t('channels.intro')}</p>
      <Notice message={notice} />
      <ProblemAlert problem={problem} />
      {items.length ? (
        <Table caption={t('channels.title')} hideCaption columns={[t('channels.name'), t('channels.type'), t('channels.parameters'), t('common.actions')]}>
          {items.map((c) => (
            <tr key={c.channelId}>
              <td>{c.name}</td>
              <td>{t(`channels.types.${c.type}`)}</td>
              <td>{Object.entries(c.parameters ?? {}).map(([k, v]) => `${t(`channels.fields.${k}`, { defaultValue: k })}: ${String(v)}`).join(', ')}</td>
              <td>
                <ConfirmButton label={t('actions.delete')} confirmLabel={t('actions.confirmDelete')} onConfirm={() => void remove(c.channelId)} />
              </td>
            </tr>
          ))}
        </Table>
      ) : (
        <p>{t('common.noneYet')}</p>
      )}
      <h2>{t('channels.add')}</h2>
      <form onSubmit={(e) => void add(e)} noValidate>
        <Select label={t('channels.type')} name="type" value={type} onChange={(v) => setType(v as typeof type)} problem={formProblem} options={(['ftp', 'mqlink', 'isabel'] as const).map((v) => ({ value: v, label: t(`channels.types.${v}`) }))} />
        <Field label={t('channels.name')} name="name" value={name} onChange={setName} problem={formProblem} required />
        {fields[type].map((f) => (
          <Field key={f} label={t(`channels.fields.${f}`)} name={f} value={params[f] ?? ''} onChange={(v) => setParams((p) => ({ ...p, [f]: v }))} problem={formProblem} inputMode={f === 'port' ? 'numeric' : undefined} />
        ))}
        <ProblemAlert problem={formProblem} />
        <button type="submit">{t('channels.submit')}</button>
      </form>
    </Page>
  );
}

export function MessagesScreen() {
  const { t } = useTranslation();
  const { role } = useSession();
  const { label } = useCatalogue();
  const en = role?.enterpriseNumber ?? '';
  const { quality, picker } = useQualityChoice();
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<ResultPage<StructuredMessageView>>();
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    if (!quality) return;
    void api.messages(en, quality, status || undefined, page).then((r) => (r.ok ? (setResult(r.data), setProblem(undefined)) : setProblem(r.problem)));
  }, [en, quality, status, page]);
  return (
    <Page title={t('messages.title')}>
      {picker}
      <Select label={t('common.status')} value={status} onChange={(v) => { setStatus(v); setPage(1); }} options={[{ value: '', label: t('common.any') }, ...(['received', 'routed', 'rejected'] as const).map((s) => ({ value: s, label: t(`messages.status.${s}`) }))]} />
      <ProblemAlert problem={problem} />
      {result?.items.length ? (
        <Table caption={t('messages.count', { count: result.total })} columns={[t('messages.file'), t('routing.declarationType'), t('messages.sender'), t('common.status'), t('routing.recipient'), t('messages.when')]}>
          {result.items.map((m) => (
            <tr key={m.messageId}>
              <td>{m.fileName ?? m.messageId}</td>
              <td>{m.declarationType ? label('declarationTypes', m.declarationType) : '—'}</td>
              <td>{m.sender ?? '—'}</td>
              <td>
                {t(`messages.status.${m.status}`)}
                {m.reason ? ` — ${t(`messages.reasons.${m.reason}`, { defaultValue: m.reason })}` : ''}
              </td>
              <td>{m.recipient ?? '—'}</td>
              <td>{new Date(m.processedAt).toLocaleString()}</td>
            </tr>
          ))}
        </Table>
      ) : (
        <p>{t('messages.none')}</p>
      )}
      {result ? <Pager page={page} pageSize={result.pageSize} total={result.total} onPage={setPage} /> : null}
    </Page>
  );
}

export function AuditScreen() {
  const { t } = useTranslation();
  const { role } = useSession();
  const { label } = useCatalogue();
  const en = role?.enterpriseNumber ?? '';
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<ResultPage<AuditRecord>>();
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    void api.audit(en, page).then((r) => (r.ok ? setResult(r.data) : setProblem(r.problem)));
  }, [en, page]);
  return (
    <Page title={t('audit.title')}>
      <ProblemAlert problem={problem} />
      {result?.items.length ? (
        <Table caption={t('audit.count', { count: result.total })} columns={[t('audit.when'), t('audit.who'), t('audit.what'), t('audit.target'), t('quality.type')]}>
          {result.items.map((a) => (
            <tr key={a.auditId}>
              <td>{new Date(a.at).toLocaleString()}</td>
              <td>{a.actor.roleKind ? label('roleKinds', a.actor.roleKind) : t('audit.system')}</td>
              <td>{t(`audit.actions.${a.action}`, { defaultValue: a.action })}</td>
              <td>{t(`audit.targets.${a.target.type}`, { defaultValue: a.target.type })}</td>
              <td>{a.quality ? label('qualities', a.quality) : '—'}</td>
            </tr>
          ))}
        </Table>
      ) : (
        <p>{t('audit.none')}</p>
      )}
      {result ? <Pager page={page} pageSize={result.pageSize} total={result.total} onPage={setPage} /> : null}
    </Page>
  );
}
