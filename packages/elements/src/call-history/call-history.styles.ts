import { css } from 'lit';

export const callHistoryStyles = css`
  :host {
    display: block;
  }
  [part='base'] {
    display: grid;
    gap: var(--_space);
  }
  [part='title'] {
    margin: 0;
    font-size: 1.1em;
  }
  [part='list'] {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
  }
  /* Direction | name and meta | call back. The call back (with its hint when disabled) moves
     under the text when the row is too narrow for both, instead of squeezing the name. */
  [part='item'] {
    display: grid;
    grid-template-columns: 1.5em minmax(0, 1fr);
    column-gap: var(--_space);
    align-items: center;
    padding: var(--_space) 0;
    border-bottom: 1px solid var(--_border);
  }
  [part='direction'] {
    color: var(--_muted);
  }
  [part='item'][data-outcome='missed'] [part='direction'],
  [part='item'][data-outcome='missed'] [part='outcome'] {
    color: var(--_danger);
  }
  .body {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: calc(var(--_space) * 0.5) var(--_space);
    min-width: 0;
  }
  .text {
    display: grid;
    gap: 2px;
    flex: 1 1 11em;
    min-width: 0;
  }
  [part='peer'] {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  /* Outcome · duration · time. Each stays whole; the dots (silent for screen readers) trail the
     item before them, so a wrapped line never starts with one. */
  [part='meta'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.4em;
    color: var(--_muted);
    font-size: 0.9em;
  }
  [part='meta'] > * {
    white-space: nowrap;
  }
  [part='meta'] > :not(:last-child)::after {
    content: '·' / '';
    margin-inline-start: 0.4em;
    color: var(--_muted);
  }
  [part='duration'],
  [part='time'] {
    font-variant-numeric: tabular-nums;
  }
  [part='call-back'] {
    flex: 0 1 auto;
    max-width: 100%;
  }
  [part='load-more'],
  [part='retry'] {
    justify-self: start;
    padding: calc(var(--_space) * 0.75) calc(var(--_space) * 1.25);
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_text);
  }
  [part='empty'],
  [part='error'] {
    margin: 0;
    color: var(--_muted);
  }
  [part='recording-mark'] {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    font-size: 0.85em;
    color: var(--_danger);
  }
  .rec-dot {
    display: inline-block;
    width: 0.55em;
    height: 0.55em;
    border-radius: 50%;
    background: var(--_danger);
  }
  [part='play'] {
    margin-inline-start: var(--_space);
    padding: 2px 8px;
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_text);
    font-size: 0.85em;
  }
  [part='player'] {
    display: block;
    width: 100%;
    height: 32px;
    margin-top: 4px;
  }
  [part='download'] {
    font-size: 0.85em;
  }
`;
