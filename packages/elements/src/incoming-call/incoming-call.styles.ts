import { css } from 'lit';

export const incomingCallStyles = css`
  :host {
    display: contents;
  }
  [part='dialog'] {
    position: fixed;
    inset: auto var(--synapse-offset, 16px) var(--synapse-offset, 16px) auto;
    z-index: var(--synapse-z-index, 2147483000);
    margin: 0;
    min-width: 260px;
    max-width: min(360px, calc(100vw - 32px));
    padding: calc(var(--_space) * 2);
    border: 1px solid var(--_border);
    /* Capped: a pill radius meant for buttons (999px) would turn the card into an oval. */
    border-radius: min(var(--_radius), 16px);
    background: var(--_bg);
    color: var(--_text);
    box-shadow: var(--_shadow);
    font-family: var(--_font);
    font-size: var(--_font-size);
  }
  [part='notice'],
  [part='notify-prompt'] {
    position: fixed;
    inset: auto var(--synapse-offset, 16px) var(--synapse-offset, 16px) auto;
    z-index: var(--synapse-z-index, 2147483000);
    margin: 0;
    max-width: min(360px, calc(100vw - 32px));
    padding: var(--_space) calc(var(--_space) * 1.5);
    border: 1px solid var(--_border);
    border-radius: min(var(--_radius), 16px);
    background: var(--_bg);
    color: var(--_text);
    box-shadow: var(--_shadow);
    font-family: var(--_font);
  }
  [part='notice'][hidden] {
    display: none;
  }
  :host([inline]) [part='notice'],
  :host([inline]) [part='notify-prompt'] {
    position: static;
  }
  [part='notify-prompt'] p {
    margin: 0 0 var(--_space);
  }
  [part='notify-prompt'] button {
    margin-inline-end: var(--_space);
    padding: calc(var(--_space) * 0.5) var(--_space);
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_text);
  }
  [part='notify-enable'] {
    background: var(--_accent) !important;
    color: var(--_on-accent) !important;
  }
  :host([inline]) [part='dialog'] {
    position: static;
  }
  [part='title'] {
    margin: 0 0 calc(var(--_space) * 0.5);
    font-size: 0.85em;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_muted);
  }
  [part='caller'] {
    margin: 0;
    font-size: 1.25em;
    font-weight: 700;
  }
  [part='role'],
  [part='queue'],
  [part='shortcuts'] {
    margin: calc(var(--_space) * 0.25) 0 0;
    color: var(--_muted);
    font-size: 0.9em;
  }
  [part='actions'] {
    display: flex;
    gap: var(--_space);
    margin-top: calc(var(--_space) * 1.5);
  }
  [part='actions'] button {
    flex: 1;
    padding: var(--_space) calc(var(--_space) * 1.5);
    border: 1px solid transparent;
    font-weight: 600;
  }
  [part='accept'] {
    background: var(--_success);
    color: var(--_on-success);
  }
  [part='decline'] {
    background: var(--_danger);
    color: var(--_on-danger);
  }
  [part='mute-ringtone'] {
    flex: none !important;
    background: var(--_surface);
    color: var(--_text);
    border-color: var(--_border) !important;
  }
  :host([ringing]) [part='caller'] {
    animation: synapse-ring 1s ease-in-out infinite;
  }
  @keyframes synapse-ring {
    50% {
      opacity: 0.6;
    }
  }
`;
