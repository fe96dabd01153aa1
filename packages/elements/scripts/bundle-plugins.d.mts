import type { Plugin } from 'esbuild';

export const websocketOnly: Plugin;
export const minifyLitCss: Plugin;
export const sources: Record<string, string>;
