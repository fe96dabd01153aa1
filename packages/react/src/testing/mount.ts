// Mounting for the browser tests: a container in the page, a React root, cleanup in afterEach.
import type { ReactNode } from 'react';
import { createRoot, hydrateRoot, type Root } from 'react-dom/client';

const mounted: { root: Root; container: HTMLElement }[] = [];

function container(html = ''): HTMLElement {
  const el = document.createElement('div');
  el.innerHTML = html;
  document.body.append(el);
  return el;
}

/** Renders `ui` into a fresh container. */
export function mount(ui: ReactNode): { container: HTMLElement; root: Root } {
  const el = container();
  const root = createRoot(el);
  root.render(ui);
  mounted.push({ root, container: el });
  return { container: el, root };
}

/**
 * Puts the server's `html` into a fresh container and hydrates it with `ui`; every recoverable
 * error React reports (a hydration mismatch is one) lands in `errors`.
 */
export function hydrate(
  html: string,
  ui: ReactNode,
): { container: HTMLElement; root: Root; errors: unknown[] } {
  const errors: unknown[] = [];
  const el = container(html);
  const root = hydrateRoot(el, ui, { onRecoverableError: (error) => errors.push(error) });
  mounted.push({ root, container: el });
  return { container: el, root, errors };
}

/** Unmounts everything mounted so far and removes the containers. */
export function unmountAll(): void {
  for (const { root, container } of mounted.splice(0)) {
    root.unmount();
    container.remove();
  }
}

/** Collects the text of console.error calls until `restore()` (React's warnings go there). */
export function captureConsoleErrors(): { messages: string[]; restore: () => void } {
  const messages: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    messages.push(args.map(String).join(' '));
    original.apply(console, args);
  };
  return { messages, restore: () => void (console.error = original) };
}
