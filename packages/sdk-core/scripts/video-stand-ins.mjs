// Measures video's up-front cost (issue 15: at most 1 KiB gz on an audio-only page): a build
// without any of the video code a page carries before video is first used. Up-front cost = the
// page as shipped − that page. Two kinds of such code:
//  - the modules below, replaced by empty stand-ins (functions of the same names that do
//    nothing): the Call's video methods and the loader of the video chunk, how a P2P session
//    reports a received video, the call panel's loader of its video controls;
//  - the calls into them in other modules, each marked: a line ending in `// video`, or the lines
//    between `// #region video` and `// #endregion` (whole statements or class members), which
//    this build leaves out. Only a template's `${videoSlot(…)}` cannot be marked (a few bytes).
// Video code that an audio-only page loads belongs in one of these modules or is marked, or the
// figure (and the check in scripts/check-size.mjs) misses it.
import { readFile } from 'node:fs/promises';

/** The video modules every page loads (the rest of video is in lazy chunks). */
export const VIDEO_UPFRONT = [
  'sdk-core/src/media/video/video-link.ts',
  'sdk-core/src/media/video/types.ts',
  'sdk-core/src/media/video/session-hooks.ts',
  'elements/src/active-call/video-slot.ts',
];

const SOURCES = /[\\/]packages[\\/](sdk-core|elements)[\\/]src[\\/].*\.ts$/;
const MARKED = /^[^\n]*\/\/ video\n|^[ \t]*\/\/ #region video\n[\s\S]*?^[ \t]*\/\/ #endregion\n/gm;

/** An esbuild plugin: stand-ins for the video modules, and the marked lines left out. */
export const videoStandIns = {
  name: 'video-stand-ins',
  setup(build) {
    build.onLoad({ filter: SOURCES }, async (args) => {
      const path = args.path.replaceAll('\\', '/');
      const source = await readFile(args.path, 'utf8');
      if (VIDEO_UPFRONT.some((m) => path.endsWith(`/packages/${m}`))) {
        const names = [
          ...source.matchAll(
            /^export\s+(?:abstract\s+)?(?:async\s+)?(?:class|function\*?|const|let)\s+([\w$]+)/gm,
          ),
        ].map((m) => m[1]);
        return { contents: names.map((n) => `export function ${n}() {}\n`).join(''), loader: 'js' };
      }
      if (!/\/\/ (video|#region video)$/m.test(source)) return undefined;
      return { contents: source.replace(MARKED, ''), loader: 'ts' };
    });
  },
};
