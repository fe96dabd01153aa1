import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { translationFor, type Translation } from './translations';

type Host = ReactiveControllerHost & HTMLElement;

/** The `lang` that applies to `el`: its own, the nearest ancestor's (across shadow roots), the document's. */
export function resolveLang(el: Element): string {
  let node: Node | null = el;
  while (node) {
    if (node instanceof Element && node.hasAttribute('lang'))
      return node.getAttribute('lang') ?? '';
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return document.documentElement.lang || 'en';
}

/**
 * Picks the translation table from `lang`. Re-resolves on every host update and when the
 * element's or the document's `lang` attribute changes (ancestors between them are not watched;
 * setting `lang` on the element itself or the document re-renders at once).
 */
export class LocaleController implements ReactiveController {
  private observer: MutationObserver | undefined;
  private table: Translation = translationFor('en');

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  /** The strings for the current language. */
  get t(): Translation {
    return this.table;
  }

  /** The language tag used for Intl formatting. */
  get lang(): string {
    return this.table.lang;
  }

  hostConnected(): void {
    this.refresh();
    this.observer = new MutationObserver(() => {
      if (this.refresh()) this.host.requestUpdate();
    });
    const options = { attributes: true, attributeFilter: ['lang'] };
    this.observer.observe(this.host, options);
    this.observer.observe(document.documentElement, options);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = undefined;
  }

  hostUpdate(): void {
    this.refresh();
  }

  private refresh(): boolean {
    const next = translationFor(resolveLang(this.host));
    const changed = next !== this.table;
    this.table = next;
    return changed;
  }
}
