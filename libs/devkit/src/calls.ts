/**
 * The calls and events between services, read from their sources: `call(x, 'service.action', …)`
 * and `forward(broker, 'service.action', …)` are calls; `emitEvent` / `broadcastEvent` emit,
 * `defineEvent` handles. A helper of libs/platform that calls (registerHolder, recordAudit, …) is
 * counted as the calls of each service that uses it, and a method of a libs/platform class that
 * emits (OwnedCache's `changed`) as the events of each service that makes one and calls it. docs/calls.md is rendered from this, and a
 * unit test fails when it differs, or when a call goes up the layering.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface CallGraph {
  /** caller service → callee service → actions (sorted, unique). */
  calls: Map<string, Map<string, string[]>>;
  /** event → { emitters, handlers } (service names, sorted). */
  events: Map<string, { emitters: string[]; handlers: string[] }>;
}

function sourcesOf(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesOf(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const CALL = /\b(?:call|forward)\(\s*\w+\s*,\s*'([a-z-]+)\.([A-Za-z]+)'/g;
const EMIT = /\b(?:emitEvent|broadcastEvent)\(\s*\w+\s*,\s*'([^']+)'/g;
const HANDLE = /\bdefineEvent\(\s*'([^']+)'/g;
/** An exported function of libs/platform, up to the next top-level declaration. */
const EXPORTED_FUNCTION = /^export (?:async )?function (\w+)[\s\S]*?(?=^(?:export |function |const |class |interface |type )|(?![\s\S]))/gm;
/** An exported class of libs/platform, up to the next top-level declaration. */
const EXPORTED_CLASS = /^export class (\w+)[\s\S]*?(?=^(?:export |function |const |class |interface |type )|(?![\s\S]))/gm;

function matches(text: string, pattern: RegExp): RegExpExecArray[] {
  return [...text.matchAll(new RegExp(pattern.source, pattern.flags))];
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}

export function collectCallGraph(repoRoot: string): CallGraph {
  // The platform helpers that call services, and what they call.
  const helperCalls = new Map<string, Set<string>>();
  // The platform classes' methods that emit events, and which (`Class.method` → events).
  const classEvents = new Map<string, Set<string>>();
  for (const file of sourcesOf(path.join(repoRoot, 'libs', 'platform', 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const fn of matches(text, EXPORTED_FUNCTION)) {
      for (const c of matches(fn[0], CALL)) add(helperCalls, fn[1]!, `${c[1]}.${c[2]}`);
    }
    for (const cls of matches(text, EXPORTED_CLASS)) {
      // Each member from its declaration (two spaces in) to the next.
      for (const member of cls[0].split(/^(?=  (?:(?:async|private|public|protected|readonly|static|get|set) )*\w+\s*[(<])/m).slice(1)) {
        const name = /^\s*(?:(?:async|private|public|protected|readonly|static|get|set) )*(\w+)/.exec(member)?.[1];
        if (name) for (const e of matches(member, EMIT)) add(classEvents, `${cls[1]}.${name}`, e[1]!);
      }
    }
  }
  const calls = new Map<string, Map<string, Set<string>>>();
  const emitters = new Map<string, Set<string>>();
  const handlers = new Map<string, Set<string>>();
  const servicesDir = path.join(repoRoot, 'services');
  for (const service of fs.readdirSync(servicesDir).sort()) {
    for (const file of sourcesOf(path.join(servicesDir, service, 'src'))) {
      const text = fs.readFileSync(file, 'utf8');
      const called = matches(text, CALL).map((c) => `${c[1]}.${c[2]}`);
      for (const [helper, actions] of helperCalls) {
        if (new RegExp(`\\b${helper}\\(`).test(text)) called.push(...actions);
      }
      for (const action of called) {
        const callee = action.slice(0, action.indexOf('.'));
        if (callee === service) continue;
        const byCallee = calls.get(service) ?? new Map<string, Set<string>>();
        add(byCallee, callee, action);
        calls.set(service, byCallee);
      }
      for (const e of matches(text, EMIT)) add(emitters, e[1]!, service);
      for (const e of matches(text, HANDLE)) add(handlers, e[1]!, service);
    }
    // A platform class's emitting method: made (`new`) in one file, called in another.
    const whole = sourcesOf(path.join(servicesDir, service, 'src')).map((file) => fs.readFileSync(file, 'utf8')).join('\n');
    for (const [member, events] of classEvents) {
      const [cls, method] = member.split('.');
      if (new RegExp(`\\bnew ${cls}\\b`).test(whole) && new RegExp(`\\.${method}\\(`).test(whole)) for (const event of events) add(emitters, event, service);
    }
  }
  const sorted = (set: Set<string> | undefined) => [...(set ?? [])].sort();
  return {
    calls: new Map([...calls].sort(([a], [b]) => a.localeCompare(b)).map(([caller, byCallee]) => [caller, new Map([...byCallee].sort(([a], [b]) => a.localeCompare(b)).map(([callee, actions]) => [callee, sorted(actions)]))])),
    events: new Map(
      [...new Set([...emitters.keys(), ...handlers.keys()])].sort().map((event) => [event, { emitters: sorted(emitters.get(event)), handlers: sorted(handlers.get(event)) }]),
    ),
  };
}

const short = (action: string) => action.slice(action.indexOf('.') + 1);

export function renderCallGraph(graph: CallGraph): string {
  const lines = [
    '# Calls and events between services',
    '',
    '<!-- Generated from the services\' sources by `npm run docs:calls` (libs/devkit/src/calls.ts); a unit test fails when this file differs from them. -->',
    '',
    'Solid arrows are calls (request/response over NATS), labelled with the actions called; dotted arrows are events, from the service that emits them to those that handle them. The layering: the gateway calls the services; enterprise, quality, user-management, routing-module and structured-messaging call identity and one another; identity calls no other service.',
    '',
    '```mermaid',
    'flowchart LR',
  ];
  for (const [caller, byCallee] of graph.calls) {
    for (const [callee, actions] of byCallee) lines.push(`  ${caller} -->|"${actions.map(short).join(', ')}"| ${callee}`);
  }
  for (const [event, { emitters, handlers }] of graph.events) {
    for (const from of emitters) {
      for (const to of handlers) lines.push(`  ${from} -.->|"${event}"| ${to}`);
    }
  }
  lines.push('```', '', '## Calls', '', '| caller | callee | actions |', '|---|---|---|');
  for (const [caller, byCallee] of graph.calls) {
    for (const [callee, actions] of byCallee) lines.push(`| ${caller} | ${callee} | ${actions.map((a) => `\`${a}\``).join(', ')} |`);
  }
  lines.push('', '## Events', '', '| event | emitted by | handled by |', '|---|---|---|');
  for (const [event, { emitters, handlers }] of graph.events) lines.push(`| \`${event}\` | ${emitters.join(', ') || '—'} | ${handlers.join(', ') || '—'} |`);
  return `${lines.join('\n')}\n`;
}
