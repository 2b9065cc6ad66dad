// Modules that scripts/build-worker.ts generates at bundle time (esbuild plugin): Workers have no
// file system to read migrations or the built UI's index page from at run time.
declare module 'tracegres:migrations' {
  import type { Migration } from '@tracegres/schema';
  const migrations: Migration[];
  export default migrations;
}

declare module 'tracegres:ui-index' {
  /** The built web UI's index.html (or the placeholder page when the UI was not built). */
  const html: string | undefined;
  export default html;
}
