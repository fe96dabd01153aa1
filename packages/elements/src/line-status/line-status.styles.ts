import { css } from 'lit';

export const lineStatusStyles = css`
  :host {
    display: block;
  }
  :host([hidden]) {
    display: none;
  }
  [part='base'] {
    display: grid;
    gap: calc(var(--_space) * 0.75);
  }
  [part='header'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
  }
  [part='name'] {
    margin: 0;
    font-weight: 600;
  }
  [part='counts'] {
    color: var(--_muted);
  }
  [part='taking-calls'][aria-pressed='true'] {
    outline: 2px solid var(--synapse-color-success, #16a34a);
  }
  [part='calls'] {
    margin: 0;
    padding-left: 1.5em;
  }
  [part='wait'] {
    font-variant-numeric: tabular-nums;
    color: var(--_muted);
  }
`;
