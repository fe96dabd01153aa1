import { css } from 'lit';

export const callingStyles = css`
  :host {
    display: contents;
  }
`;
