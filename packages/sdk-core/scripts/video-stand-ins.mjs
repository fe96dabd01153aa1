// Measures video's up-front cost (issue 15: at most 1 KiB gz on an audio-only page): a build in
// which the modules below, all that a page carries of video before video is first used, are
// replaced by empty stand-ins. Up-front cost = the page as shipped − that page. What stays in
// the other modules is one-line calls into these (a few dozen bytes), which this does not count;
// keep it that way: video code that an audio-only page loads belongs in one of these modules.
import { readFile } from 'node:fs/promises';

/** The video modules every page loads (the rest of video is in lazy chunks). */
export const VIDEO_UPFRONT = [
  // sdk-core: the Call's video methods and the loader of the video chunk (`VideoLink`).
  'sdk-core/src/media/video/video-link.ts',
  // sdk-core: `RemoteVideo` and how a P2P session shows one.
  'sdk-core/src/media/video/types.ts',
  // sdk-core: how a P2P session reports a received video (the first sign of video; LiveKit's
  // is in the livekit-client chunk).
  'sdk-core/src/media/video/session-hooks.ts',
  // elements: the call panel's loader of its video controls.
  'elements/src/active-call/video-slot.ts',
];

const pattern = new RegExp(
  `[\\\\/]packages[\\\\/](${VIDEO_UPFRONT.map((m) => m.replace(/[./]/g, (c) => (c === '/' ? '[\\\\/]' : '\\.'))).join('|')})$`,
);

/** An esbuild plugin replacing each video module by functions of the same names that do nothing. */
export const videoStandIns = {
  name: 'video-stand-ins',
  setup(build) {
    build.onLoad({ filter: pattern }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const names = [
        ...source.matchAll(
          /^export\s+(?:abstract\s+)?(?:async\s+)?(?:class|function\*?|const|let)\s+([\w$]+)/gm,
        ),
      ].map((m) => m[1]);
      return { contents: names.map((n) => `export function ${n}() {}\n`).join(''), loader: 'js' };
    });
  },
};
