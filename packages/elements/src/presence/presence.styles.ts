import { css } from 'lit';

export const presenceStyles = css`
  :host {
    display: inline-flex;
    vertical-align: middle;
  }
  [part='base'] {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) * 0.75);
    line-height: 1.3;
  }
  [part='last-seen'] {
    color: var(--_muted);
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
