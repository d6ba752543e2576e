// The baseline: the inbox's first rows as one static HTML page (with its CSS in the page), the
// least any inbox could do to show them. The bench serves it from the same server as the inbox.
import type { TeamConversation } from '@confab/server';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,sans-serif;color:#1f2328;display:grid;grid-template-columns:220px 360px 1fr;height:100vh}
nav{background:#f6f7f9;border-right:1px solid #e3e5e8;padding:12px}nav a{display:block;padding:6px 8px;color:inherit;text-decoration:none;border-radius:6px}.me{margin:0 0 8px;font-weight:600}
ul{list-style:none;margin:0;padding:0;overflow:auto;border-right:1px solid #e3e5e8}li{display:flex;gap:10px;align-items:center;padding:10px 12px;border-bottom:1px solid #eef0f2}
.avatar{flex:none;width:28px;height:28px;border-radius:50%;background:#c2185b;color:#fff;font-size:11px;display:grid;place-items:center}.text{min-width:0;flex:1}
.top{display:flex;justify-content:space-between;gap:8px}.name{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
time{color:#656d76;font-size:12px;flex:none}.last{color:#656d76;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
main{display:grid;place-items:center;color:#656d76}`;

function row(conversation: TeamConversation): string {
  const name = conversation.contact.name ?? conversation.contact.email ?? 'Visitor';
  const last = conversation.last_message;
  const preview = last ? `${last.author === 'team' ? 'You: ' : ''}${last.body}` : '';
  const initials = name
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  const at = new Date(conversation.activity_at).toISOString().slice(0, 16).replace('T', ' ');
  return `<li><span class="avatar">${escapeHtml(initials)}</span><div class="text"><div class="top"><span class="name">${escapeHtml(name)}</span><time>${at}</time></div><div class="last">${escapeHtml(preview)}</div></div></li>`;
}

/** `teammate`: the signed-in teammate's name, in the nav as the inbox shows it. */
export function baselinePage(conversations: TeamConversation[], teammate: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Inbox (baseline)</title><link rel="icon" href="data:,">
<style>${CSS}</style></head>
<body><nav><p class="me">${escapeHtml(teammate)}</p><a href="#">Inbox</a><a href="#">Mine</a><a href="#">Unassigned</a><a href="#">All</a></nav>
<ul>${conversations.map(row).join('')}</ul>
<main>Pick a conversation</main></body></html>`;
}
