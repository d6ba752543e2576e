import { createTestWorld } from '@confab/adapter-suite';
import { clearPage } from '@confab/adapter-suite/page';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { ConfabMessenger, ConfabProvider, type ConfabProviderProps, useIntercom } from '../src';
import { rendered } from './rendered';

function Shop() {
  const { isBooted, unreadCount } = useIntercom();
  return (
    <main>
      <h1>Acme shop</h1>
      <p className="status">{isBooted ? `chat ready, ${unreadCount} unread` : 'chat loading'}</p>
      <ConfabMessenger />
    </main>
  );
}

const app = (props: Partial<ConfabProviderProps>) => (
  <ConfabProvider appId="acme" autoBoot autoBootProps={{ userId: 'u1' }} {...props}>
    <Shop />
  </ConfabProvider>
);

describe('hydration', () => {
  it('the server HTML hydrates without a mismatch, and the messenger appears after hydration', async () => {
    clearPage();
    // The server's render (React's server renderer runs no effect: the provider starts nothing).
    const html = renderToString(app({}));
    expect(html).not.toContain('data-part');

    const container = document.body.appendChild(document.createElement('div'));
    container.innerHTML = html;
    const heading = container.querySelector('h1');
    const world = createTestWorld();
    const problems: unknown[] = [];
    const errors = vi.spyOn(console, 'error').mockImplementation((...args) => problems.push(args[0]));
    const root = hydrateRoot(container, app(world.options), {
      onRecoverableError: (error) => problems.push(error),
    });
    await rendered(() => container.querySelector('[data-part="launcher"]') !== null);
    await world.clock.settle();
    await rendered();
    errors.mockRestore();
    expect(problems, 'no hydration mismatch, nothing re-rendered from scratch').toEqual([]);
    expect(world.warnings).toEqual([]);
    expect(container.querySelector('h1'), 'the server-rendered elements were adopted, not replaced').toBe(heading);
    expect(container.querySelector('.status')!.textContent).toBe('chat ready, 0 unread');
    const launcher = container.querySelector<HTMLElement>('[data-scope="confab"][data-part="launcher"]')!;
    launcher.click();
    await rendered();
    expect(launcher.getAttribute('aria-expanded')).toBe('true');
    root.unmount();
  });

  it('a server render that differs would be seen: the test catches a mismatch', async () => {
    clearPage();
    const container = document.body.appendChild(document.createElement('div'));
    container.innerHTML = '<main><h1>Acme shop</h1><p class="status">chat ready, 0 unread</p></main>';
    const problems: unknown[] = [];
    const errors = vi.spyOn(console, 'error').mockImplementation((...args) => problems.push(args[0]));
    const root = hydrateRoot(container, app({ shouldInitialize: false }), {
      onRecoverableError: (error) => problems.push(error),
    });
    await rendered();
    errors.mockRestore();
    expect(problems.length, 'React reports the text that differs').toBeGreaterThan(0);
    root.unmount();
  });
});
