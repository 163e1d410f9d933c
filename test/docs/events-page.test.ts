/**
 * docs/events.md stays true: its JSON Schema is the one libs/contracts renders, it lists every
 * event kind, and its webhook receiver pastes as is (run here as its own process, fed a signed and
 * a forged delivery).
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN_EVENT_KINDS, adminEventJsonSchema } from '@um/contracts';
import { ROOT } from './repo-files';

const page = fs.readFileSync(path.join(ROOT, 'docs/events.md'), 'utf8');
const blocks = [...page.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, code: m[2]! }));

test('when the page is read, then its JSON Schema is the one rendered from AdminEventV1 today', () => {
  expect(blocks.map((b) => b.code.trimEnd())).toContain(adminEventJsonSchema());
});

test('when the page is read, then every event kind has its row', () => {
  const missing = Object.keys(ADMIN_EVENT_KINDS).filter((kind) => !page.includes(`| \`${kind}\` |`));
  expect(missing).toEqual([]);
});

test('when the receiver of the page runs, then it answers 204 to a signed delivery and 401 to a forged one', async () => {
  const receiver = blocks.find((b) => b.lang === 'js' && b.code.includes('signedBySender'))!;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'um-receiver-')), 'receiver.mjs');
  fs.writeFileSync(file, receiver.code);
  const secret = 'a'.repeat(64);
  const child = spawn(process.execPath, [file], { env: { ...process.env, WEBHOOK_SECRET: secret, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /listening on (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
    });
    const body = JSON.stringify({ eventId: '6935a1f2c3d4e5f601234567', schemaVersion: 1, kind: 'user.blocked', at: '2026-12-01T10:15:02.118Z', target: { type: 'person', id: 'p' } });
    const send = (signature: string) =>
      fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-um-signature': signature } }).then((r) => r.status);
    expect(await send(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`)).toBe(204);
    expect(await send(`sha256=${createHmac('sha256', 'b'.repeat(64)).update(body).digest('hex')}`)).toBe(401);
    expect(await send('')).toBe(401);
  } finally {
    child.kill();
  }
});
