import { css } from 'lit';

export const activeCallStyles = css`
  :host {
    display: block;
  }
  :host(:not([inline])) {
    position: fixed;
    inset: auto var(--synapse-offset, 16px) var(--synapse-offset, 16px) auto;
    z-index: var(--synapse-z-index, 2147483000);
  }
  :host(:not([open])) {
    display: none;
  }
  [part='base'] {
    display: grid;
    gap: var(--_space);
    min-width: 260px;
    max-width: min(380px, calc(100vw - 32px));
    padding: calc(var(--_space) * 2);
    border: 1px solid var(--_border);
    /* Capped: a pill radius meant for buttons (999px) would turn the card into an oval. */
    border-radius: min(var(--_radius), 16px);
    background: var(--_bg);
    box-shadow: var(--_shadow);
  }
  :host([inline]) [part='base'] {
    box-shadow: none;
  }
  [part='header'] {
    display: flex;
    align-items: baseline;
    justify-content: space-between;
    gap: var(--_space);
  }
  [part='peer'] {
    margin: 0;
    font-size: 1.1em;
    font-weight: 700;
  }
  [part='timer'] {
    font-variant-numeric: tabular-nums;
    color: var(--_muted);
  }
  [part='status'] {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
    align-items: center;
    color: var(--_muted);
    font-size: 0.9em;
  }
  [part='quality'] {
    display: inline-flex;
    gap: 2px;
    align-items: flex-end;
    height: 1em;
  }
  [part='quality'] i {
    display: block;
    width: 4px;
    background: var(--_border);
    border-radius: 1px;
  }
  [part='quality'] i:nth-child(1) {
    height: 40%;
  }
  [part='quality'] i:nth-child(2) {
    height: 70%;
  }
  [part='quality'] i:nth-child(3) {
    height: 100%;
  }
  [part='quality'][data-level='1'] i:nth-child(-n + 1),
  [part='quality'][data-level='2'] i:nth-child(-n + 2),
  [part='quality'][data-level='3'] i:nth-child(-n + 3) {
    background: var(--_success);
  }
  [part='quality'][data-level='1'] i:nth-child(1) {
    background: var(--_danger);
  }
  /* Not measured yet (the first seconds of a call): empty outlines, unlike 'lost' (grey bars)
     and 'poor' (one red bar). */
  [part='quality'][data-quality='unknown'] i {
    background: transparent;
    box-shadow: inset 0 0 0 1px var(--_muted);
    opacity: 0.6;
  }
  [part='speaking'] {
    visibility: hidden;
    color: var(--_success);
    font-weight: 600;
  }
  :host([speaking]) [part='speaking'] {
    visibility: visible;
    animation: synapse-speak 0.8s ease-in-out infinite alternate;
  }
  [part='reconnecting'] {
    color: var(--_warning);
    font-weight: 600;
  }
  [part='controls'] {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
  }
  [part='controls'] button,
  [part='start-audio'] {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) * 0.5);
    padding: calc(var(--_space) * 0.75) calc(var(--_space) * 1.25);
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_text);
    font-weight: 600;
  }
  [part='mute'][aria-pressed='true'] {
    background: var(--_warning);
    color: var(--_bg);
  }
  [part='controls'] svg {
    width: 1.1em;
    height: 1.1em;
    flex: none;
    fill: currentColor;
  }
  [part='end'] {
    background: var(--_danger) !important;
    border-color: transparent !important;
    color: var(--_on-danger) !important;
  }
  [part='start-audio'] {
    background: var(--_accent);
    color: var(--_on-accent);
    border-color: transparent;
  }
  [part='devices'] {
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  [part='devices'] label {
    display: grid;
    gap: 2px;
    font-size: 0.85em;
    color: var(--_muted);
  }
  select {
    padding: calc(var(--_space) * 0.5);
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_text);
  }
  @keyframes synapse-speak {
    to {
      opacity: 0.5;
    }
  }
`;

/** The recording notice, consent request and record toggle. */
export const recordingStyles = css`
  [part='recording-notice'] {
    display: flex;
    align-items: center;
    gap: 6px;
    margin: 0;
    font-weight: 600;
    color: var(--_danger);
  }
  .rec-dot {
    display: inline-block;
    width: 0.6em;
    height: 0.6em;
    margin-inline-end: 4px;
    border-radius: 50%;
    background: var(--_danger);
  }
  [part='consent'] {
    display: grid;
    gap: 6px;
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: min(var(--_radius), 10px);
  }
  [part='consent'] p {
    margin: 0;
  }
  [part='consent'] button {
    padding: calc(var(--_space) * 0.5) var(--_space);
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_text);
    font-weight: 600;
  }
  [part='consent-allow'] {
    background: var(--_accent) !important;
    color: var(--_on-accent) !important;
    border-color: transparent !important;
  }
  [part='record'][aria-pressed='true'] {
    border-color: var(--_danger);
  }
`;
