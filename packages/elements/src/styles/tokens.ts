import { css } from 'lit';

/**
 * Design tokens every element reads. Hosts override them on any ancestor (they inherit), e.g.
 * `synapse-call-button { --synapse-color-accent: rebeccapurple }`.
 */
export const tokens = css`
  :host {
    --_accent: var(--synapse-color-accent, #2563eb);
    --_on-accent: var(--synapse-color-on-accent, #ffffff);
    --_danger: var(--synapse-color-danger, #dc2626);
    --_on-danger: var(--synapse-color-on-danger, #ffffff);
    --_success: var(--synapse-color-success, #15803d);
    --_on-success: var(--synapse-color-on-success, #ffffff);
    --_warning: var(--synapse-color-warning, #b45309);
    --_bg: var(--synapse-color-background, #ffffff);
    --_surface: var(--synapse-color-surface, #f3f4f6);
    --_text: var(--synapse-color-text, #111827);
    --_muted: var(--synapse-color-text-muted, #4b5563);
    --_border: var(--synapse-color-border, #d1d5db);
    --_focus: var(--synapse-color-focus, #2563eb);
    --_online: var(--synapse-color-online, #16a34a);
    --_away: var(--synapse-color-away, #d97706);
    --_busy: var(--synapse-color-busy, #dc2626);
    --_offline: var(--synapse-color-offline, #9ca3af);
    --_radius: var(--synapse-radius, 8px);
    --_font: var(--synapse-font-family, system-ui, -apple-system, 'Segoe UI', sans-serif);
    --_font-size: var(--synapse-font-size, 14px);
    --_space: var(--synapse-spacing, 8px);
    --_shadow: var(--synapse-shadow, 0 10px 30px rgb(0 0 0 / 0.2));
    --_transition: var(--synapse-transition-duration, 150ms);
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_text);
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--synapse-color-accent, #60a5fa);
      --_on-accent: var(--synapse-color-on-accent, #0b1220);
      --_danger: var(--synapse-color-danger, #f87171);
      --_on-danger: var(--synapse-color-on-danger, #1f0a0a);
      --_success: var(--synapse-color-success, #4ade80);
      --_on-success: var(--synapse-color-on-success, #052e16);
      --_warning: var(--synapse-color-warning, #fbbf24);
      --_bg: var(--synapse-color-background, #111827);
      --_surface: var(--synapse-color-surface, #1f2937);
      --_text: var(--synapse-color-text, #f9fafb);
      --_muted: var(--synapse-color-text-muted, #d1d5db);
      --_border: var(--synapse-color-border, #374151);
      --_focus: var(--synapse-color-focus, #93c5fd);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    :host {
      --_transition: 0ms;
    }
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
    }
  }

  [hidden] {
    display: none !important;
  }

  button,
  select {
    font: inherit;
    border-radius: var(--_radius);
    cursor: pointer;
    /* Colours switch at once: a fading state colour would briefly fail contrast. */
    transition: box-shadow var(--_transition);
  }

  button:focus-visible,
  select:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }

  button:disabled {
    cursor: not-allowed;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  .dot {
    display: inline-block;
    flex: none;
    width: 0.6em;
    height: 0.6em;
    border-radius: 50%;
    background: var(--_offline);
  }
  .dot[data-status='online'] {
    background: var(--_online);
  }
  .dot[data-status='away'] {
    background: var(--_away);
  }
  .dot[data-status='busy'],
  .dot[data-status='dnd'] {
    background: var(--_busy);
  }
`;
