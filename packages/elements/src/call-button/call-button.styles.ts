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
  /* A ringing wiggle: fading the icon instead would drop it to the button colour. */
  :host([state='calling']) [part='icon'] {
    animation: synapse-wiggle 1.2s ease-in-out infinite;
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
  /* A filled dot ringed in the button's text colour, which contrasts with any button
     background. While calling, ringing in or talking the dot is hidden: the person's presence
     is then just "in this call" and the button's colour and label already say so. */
  [part='dot'] {
    width: 0.75em;
    height: 0.75em;
    box-shadow: 0 0 0 1.5px currentColor;
  }
  [part='button']:disabled [part='dot'] {
    box-shadow: none;
  }
  :host([state='calling']) [part='dot'],
  :host([state='incoming']) [part='dot'],
  :host([state='in-call']) [part='dot'] {
    display: none;
  }
  /* A line has no presence of its own: its status is the text under the button. */
  :host([line]:not([line=''])) [part='dot'] {
    display: none;
  }
  [part='hint'],
  [part='line-status'] {
    color: var(--_muted);
    font-size: 0.85em;
  }
  [part='outcome'] {
    margin-inline-start: calc(var(--_space) * 0.75);
    font-size: 0.85em;
    font-weight: 600;
    color: var(--_text);
  }
  [part='outcome'][hidden],
  [part='hint'][hidden],
  [part='line-status'][hidden] {
    display: none;
  }
  @keyframes synapse-wiggle {
    0%,
    50%,
    100% {
      transform: rotate(0);
    }
    10%,
    30% {
      transform: rotate(-14deg);
    }
    20%,
    40% {
      transform: rotate(14deg);
    }
  }
`;
