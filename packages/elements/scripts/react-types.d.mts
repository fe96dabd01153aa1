export const MANIFEST: string;
export const OUTPUT: string;
/** The text of src/react.ts for a custom elements manifest. */
export function reactTypes(manifest: unknown): Promise<string>;
