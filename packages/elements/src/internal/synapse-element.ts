import { LitElement, type PropertyDeclarations, type PropertyValues } from 'lit';
import { ClientController } from '../controllers/client-controller';
import { LocaleController } from '../i18n/locale-controller';
import type { SynapseClient } from '@synapse-calling/sdk-core';

/**
 * What every element that shows the client's state shares: the `client` property, the
 * controller that finds the client (that property, the nearest `<synapse-calling>`, the page
 * default) and the translation table picked by `lang`. `<synapse-calling>` is not one of them:
 * it provides the client rather than consuming it.
 */
export class SynapseElement extends LitElement {
  static override properties: PropertyDeclarations = {
    client: { attribute: false },
  };

  /** A client to use instead of the nearest `<synapse-calling>`'s or the page default. */
  declare client: SynapseClient | undefined;

  protected readonly clients = new ClientController(this);
  protected readonly locale = new LocaleController(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.clients.setExplicit(this.client);
  }
}
