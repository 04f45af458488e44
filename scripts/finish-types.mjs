/**
 * Run after tsup by `npm run build`: finishes the type declarations tsup cannot write.
 *
 * - The CommonJS declarations (`*.d.cts`) that import ky's types import them as types of an ES
 *   module (`resolution-mode: "import"`): ky is ESM only, and TypeScript refuses a plain import of
 *   it from a CommonJS declaration (TS1479 under `node16` and `nodenext`).
 * - `dist/cdn.d.ts`, the types of `affitor-tracker/cdn`, `affitor-tracker/cdn/links` and their
 *   `/debug` twins: the script tag's `window.affitor` and `window.affitorQueue`.
 *
 * Fails when a declaration no longer reads as expected, rather than shipping it unfinished.
 */
import { readFileSync, writeFileSync } from 'node:fs'

const KY_IMPORT = /^import \{ ([\w, ]+) \} from 'ky';$/m

for (const file of ['dist/ky.d.cts', 'dist/node.d.cts']) {
  const text = readFileSync(file, 'utf8')
  if (!KY_IMPORT.test(text)) throw new Error(`finish-types: ${file} has no import from 'ky' to rewrite`)
  writeFileSync(file, text.replace(KY_IMPORT, "import type { $1 } from 'ky' with { 'resolution-mode': 'import' };"))
}

writeFileSync(
  'dist/cdn.d.ts',
  `import type { DropInApi, Tracker } from './index.js';

/** A call queued for, or made through, the script tag's global: \`['signup', customerKey, email]\`. */
export type AffitorCall = ArrayLike<unknown>;

/**
 * \`window.affitor\` once the script tag ran: the tracker's methods, callable as
 * \`affitor('signup', customerKey, email)\`, with the API of Affitor's own script (\`trackLead()\`,
 * \`clickId\` and the other properties). Before, it may be the page's queueing stub.
 */
export type AffitorGlobal = ((method: keyof Tracker | 'trackLead', ...args: unknown[]) => unknown) & Partial<Tracker & DropInApi> & { q?: AffitorCall[] };

declare global {
  interface Window {
    affitor?: AffitorGlobal;
    affitorQueue?: AffitorCall[] | { push(call: AffitorCall): unknown };
    /** The program id, as Affitor's own script reads it when the script tag names none. */
    AFFITOR_PROGRAM_ID?: string | number;
  }
}
`,
)
