import { css } from 'lit';

export const callButtonStyles = css`
  :host {
    display: inline-flex;
    flex-direction: column;
    align-items: flex-start;
    gap: calc(var(--_space) * 0.5);
    vertical-align: middle;
  }
  [part='button'] {
    display: inline-flex;
    align-items: center;
    gap: var(--_space);
    padding: calc(var(--_space) * 0.75) calc(var(--_space) * 1.5);
    border: 1px solid transparent;
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
  }
  [part='button']:hover:not(:disabled) {
    filter: brightness(1.1);
  }
  :host([state='calling']) [part='button'],
  :host([state='in-call']) [part='button'] {
    background: var(--_danger);
    color: var(--_on-danger);
  }
  :host([state='incoming']) [part='button'] {
    background: var(--_success);
    color: var(--_on-success);
  }
  [part='button']:disabled {
    background: var(--_surface);
    color: var(--_muted);
    border-color: var(--_border);
  }
  :host([state='calling']) [part='icon'] {
    animation: synapse-pulse 1.2s ease-in-out infinite;
  }
  [part='icon'] {
    display: inline-flex;
    width: 1.1em;
    height: 1.1em;
  }
  [part='icon'] svg {
    width: 100%;
    height: 100%;
    fill: currentColor;
  }
  [part='dot'] {
    box-shadow: 0 0 0 2px var(--_bg);
  }
  [part='hint'] {
    color: var(--_muted);
    font-size: 0.85em;
  }
  @keyframes synapse-pulse {
    50% {
      opacity: 0.35;
    }
  }
`;
