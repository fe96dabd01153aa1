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
  [part='item'] {
    display: grid;
    grid-template-columns: 1.5em 1fr auto;
    grid-template-areas:
      'dir peer action'
      'dir meta action';
    column-gap: var(--_space);
    align-items: center;
    padding: var(--_space) 0;
    border-bottom: 1px solid var(--_border);
  }
  [part='direction'] {
    grid-area: dir;
    color: var(--_muted);
  }
  [part='item'][data-outcome='missed'] [part='direction'],
  [part='item'][data-outcome='missed'] [part='outcome'] {
    color: var(--_danger);
  }
  [part='peer'] {
    grid-area: peer;
    font-weight: 600;
  }
  [part='meta'] {
    grid-area: meta;
    display: flex;
    flex-wrap: wrap;
    gap: 0 var(--_space);
    color: var(--_muted);
    font-size: 0.9em;
  }
  [part='call-back'] {
    grid-area: action;
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
`;
