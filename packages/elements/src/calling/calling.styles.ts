import { css } from 'lit';

export const callingStyles = css`
  :host {
    display: contents;
  }
  [part='notice'] {
    margin: 0 0 var(--_space);
    padding: var(--_space) calc(var(--_space) * 1.5);
    border: 1px solid var(--_border);
    border-left: 4px solid var(--_danger);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_text);
    font-family: var(--_font);
    font-size: var(--_font-size);
  }
`;
