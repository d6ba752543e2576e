import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WIDGET_PATH } from './build-widget';

const budget = JSON.parse(readFileSync(new URL('../../packages/dom/size-budget.json', import.meta.url), 'utf8')) as {
  gzip: number;
  target: number;
};

describe('the self-contained widget script', () => {
  it(`stays within its gzip budget (${budget.gzip} bytes; target ${budget.target})`, () => {
    const script = readFileSync(WIDGET_PATH);
    const gzip = gzipSync(script, { level: 9 }).length;
    expect(gzip).toBeLessThanOrEqual(budget.gzip);
  });

  it('needs no eval and writes no inline style attribute (strict CSP)', () => {
    const script = readFileSync(WIDGET_PATH, 'utf8');
    expect(script).not.toMatch(/\beval\(|new Function\(/);
    expect(script).not.toMatch(/setAttribute\(\s*["']style["']/);
    expect(script).not.toMatch(/\.style\.cssText|innerHTML/);
  });
});
