/** Base of every `synapse-*` event: bubbles and crosses shadow roots so the host page sees it. */
export class SynapseEvent<T> extends CustomEvent<T> {
  constructor(type: string, detail: T, cancelable = false) {
    super(type, { detail, bubbles: true, composed: true, cancelable });
  }
}
