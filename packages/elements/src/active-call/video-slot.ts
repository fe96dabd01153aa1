import { html, nothing } from 'lit';
import { mediaSupported, type Call, type CallVideoSnapshot } from '@synapse-calling/sdk-core';
import type { Translation } from '../i18n/translations';
import type { Kit, Controls } from './video-controls';

// All an audio-only page carries of the panel's video (sdk-core/scripts/video-stand-ins.mjs
// measures it): the loader of the video controls, a lazy chunk fetched once the first call is
// active, so pages that never connect a call do not download them.

/** What the lazily loaded video controls need of this bundle (see `video-controls.ts`). */
const KIT: Kit = { html, nothing, mediaSupported };
let controls: typeof import('./video-controls') | undefined;
let loading: Promise<unknown> | undefined;

/**
 * The panel's video part (`view`: the stage, its live region and the stopped-video notice;
 * `toggles`: Share screen and Camera) of an active call, or nothing until the controls arrive
 * (the host renders again then). Outside an active call the panel has no video layout.
 */
export function videoSlot(
  host: HTMLElement & { requestUpdate(): void },
  part: 'view' | 'toggles',
  t: Translation,
  call: Call,
  c: Controls & { video: CallVideoSnapshot | undefined },
): unknown {
  const video = c.video;
  if (call.state !== 'active' || !video) return (host.removeAttribute('video'), nothing);
  loading ??= import('./video-controls').then((m) => {
    controls = m;
  });
  if (controls) return controls[part](KIT, host, t, call, video, c);
  void loading.then(() => host.requestUpdate());
  return nothing;
}
