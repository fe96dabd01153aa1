import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { TemplateResult } from 'lit';
import { SynapseCallErrorEvent } from '../events/call-error';
import type { HistoryEntry } from '../controllers/call-history-controller';
import type { Translation } from '../i18n/translations';
import type { SynapseClient } from '@synapse-calling/sdk-core';

/**
 * Plays recordings in the history: the file is fetched with the user's token (an `<audio src>`
 * could not send it) and handed to an `<audio>` element and a download link as a Blob URL, which
 * also lets the player seek anywhere. URLs are released when the element goes away.
 */
export class RecordingPlayer implements ReactiveController {
  private readonly urls = new Map<string, string | 'loading'>();

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly client: () => SynapseClient | undefined,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    for (const url of this.urls.values()) if (url !== 'loading') URL.revokeObjectURL(url);
    this.urls.clear();
  }

  /** The mark, and for agents the play button (then the player and the download link). */
  render(t: Translation, entry: HistoryEntry): TemplateResult | typeof nothing {
    const file = entry.recording?.file;
    if (!file) return nothing;
    const r = t.recording;
    const mark = html`<span part="recording-mark"
      ><span class="rec-dot" aria-hidden="true"></span>${file.partial ? r.partial : r.mark}</span
    >`;
    if (this.client()?.user?.role !== 'agent') return mark;
    const url = this.urls.get(entry.id);
    if (!url || url === 'loading') {
      return html`${mark}<button
          part="play"
          type="button"
          ?disabled=${url === 'loading'}
          @click=${() => this.load(entry.id)}
        >
          ${r.play}
        </button>`;
    }
    return html`${mark}<audio part="player" controls autoplay src=${url}></audio
      ><a part="download" href=${url} download=${`call-${entry.id}.ogg`}>${r.download}</a>`;
  }

  private async load(callId: string): Promise<void> {
    const client = this.client();
    if (!client) return;
    this.urls.set(callId, 'loading');
    this.host.requestUpdate();
    try {
      this.urls.set(callId, URL.createObjectURL(await client.fetchRecording(callId)));
    } catch (error) {
      this.urls.delete(callId);
      this.host.dispatchEvent(SynapseCallErrorEvent.from(error, 'recording'));
    }
    this.host.requestUpdate();
  }
}
