import type { MessageStore, SimMessage } from './store.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"'`]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]!,
  );
}

function content(m: SimMessage): string {
  const r = m.request;
  const parts: string[] = [];
  if (r.subject) parts.push(`<b>${escapeHtml(r.subject)}</b>`);
  if (r.text) parts.push(escapeHtml(r.text));
  if (r.template) {
    const t = [r.template.name, r.template.id, r.template.language].filter(Boolean).join(' · ');
    parts.push(`<i>template ${escapeHtml(t)}</i>`);
  }
  if (r.variables) parts.push(`<code>${escapeHtml(JSON.stringify(r.variables))}</code>`);
  const dlt = [r.sender && `header ${r.sender}`, r.peId && `PE ${r.peId}`, r.dltTemplateId && `DLT ${r.dltTemplateId}`];
  const d = dlt.filter(Boolean).join(' · ');
  if (d) parts.push(`<small>${escapeHtml(d)}</small>`);
  return parts.join('<br>');
}

function webhooks(m: SimMessage): string {
  return m.webhooks
    .map((w) => {
      const last = w.attempts.at(-1);
      const result = last ? (last.status ?? last.error ?? '') : '';
      const cls = w.outcome === 'delivered' ? 'ok' : w.outcome === 'failed' ? 'bad' : 'wait';
      const label = `${w.event}${w.duplicate ? ' (dup)' : ''}${w.errorCode ? ` ${w.errorCode}` : ''}`;
      return `<span class="${cls}">${escapeHtml(label)} → ${escapeHtml(result)} ×${w.attempts.length}</span>`;
    })
    .join(' ');
}

/** The page at `/`: the latest messages, newest first, refreshed every 5 s. */
export function renderPage(store: MessageStore, limit = 200): string {
  const rows = store
    .list({ limit })
    .map((m) => {
      const party = m.direction === 'inbound' ? `from ${m.request.from ?? ''}` : m.request.to;
      const status = m.response.error
        ? `<span class="bad">${escapeHtml(m.response.status)} ${escapeHtml(m.response.error.code)}</span>`
        : `<span class="ok">${escapeHtml(m.response.status)}</span>`;
      return (
        `<tr><td>${escapeHtml(m.receivedAt.slice(11, 23))}</td><td>${escapeHtml(m.provider)}` +
        `${m.direction === 'inbound' ? ' ⇐' : ''}</td><td>${escapeHtml(party)}</td><td>${content(m)}</td>` +
        `<td>${status}${m.response.fault ? ` (${escapeHtml(m.response.fault)})` : ''}<br><small>` +
        `${escapeHtml(m.response.providerMessageId ?? '')}</small></td><td>${webhooks(m)}</td></tr>`
      );
    })
    .join('\n');
  const stats = Object.entries(store.stats)
    .map(([p, s]) => `${escapeHtml(p)} ${s.accepted}/${s.rejected}/${s.inbound}`)
    .join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Lekha provider simulator</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.35rem;text-align:left;vertical-align:top}
.ok{color:#176f2c}.bad{color:#b3261e}.wait{color:#8a6d00}code,small{color:#555}
</style></head><body>
<h1>Provider simulator</h1>
<p>MSG91, Gupshup, Twilio, WhatsApp Cloud API and SMTP, as they answer. Accepted/rejected/inbound: ${stats}.
JSON: <a href="/_sim/messages">/_sim/messages</a>, <a href="/_sim/stats">/_sim/stats</a>.</p>
<table><thead><tr><th>time (UTC)</th><th>provider</th><th>to</th><th>content</th><th>answer</th>
<th>webhooks (last answer × attempts)</th></tr></thead><tbody>
${rows || '<tr><td colspan="6">Nothing received yet.</td></tr>'}
</tbody></table></body></html>`;
}
