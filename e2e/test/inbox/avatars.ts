// Teammates' avatars live at https URLs (the inbox's CSP allows images from `https:` and itself,
// not from another http origin). The browser contexts answer that host themselves with a small
// SVG of the name's initials: no network, and the screenshots show real pictures.
import type { BrowserContext } from 'playwright-core';

const AVATAR_HOST = 'https://avatars.confab.test';

export function avatarUrl(name: string): string {
  return `${AVATAR_HOST}/${encodeURIComponent(name)}.svg`;
}

function avatarSvg(name: string): string {
  const initials = name
    .split(/\s+/)
    .map((word) => word[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
  let hue = 0;
  for (const char of name) hue = (hue * 31 + char.charCodeAt(0)) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><circle cx="32" cy="32" r="32" fill="hsl(${hue},55%,45%)"/><text x="32" y="41" font-family="sans-serif" font-size="26" fill="#fff" text-anchor="middle">${initials}</text></svg>`;
}

export async function serveAvatars(context: BrowserContext): Promise<void> {
  await context.route(`${AVATAR_HOST}/**`, (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.slice(1).replace(/\.svg$/, ''));
    return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: avatarSvg(name) });
  });
}
