import { css } from 'lit';

export const presenceStyles = css`
  :host {
    display: inline-flex;
    vertical-align: middle;
  }
  [part='base'] {
    display: inline-flex;
    align-items: flex-start;
    gap: calc(var(--_space) * 0.75);
    line-height: 1.3;
  }
  /* Centred on the first line of text, however many lines follow. */
  [part='dot'] {
    margin-top: 0.35em;
  }
  /* Label and "last seen …" share a line when there is room; in a narrow cell "last seen …"
     moves under the label (balanced if it must wrap) instead of a column of single words. */
  .text {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: baseline;
    column-gap: calc(var(--_space) * 0.75);
    min-width: 0;
  }
  [part='label'] {
    white-space: nowrap;
  }
  [part='last-seen'] {
    color: var(--_muted);
    font-size: 0.9em;
    text-wrap: balance;
  }
  :host([compact]) [part='label'],
  :host([compact]) [part='last-seen'] {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
