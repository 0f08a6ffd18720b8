/**
 * Writes app/state/world-manifest.json: the lab world's binaries, files and the names of the
 * runtime programs, as data, so the page can boot the same machine while the runtimes' code
 * loads after the first paint. `npm run gen:world` after changing what the world installs;
 * app/state/pageWorld.test.ts fails while the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { worldManifestText } from '../src/lab/manifest.ts';

const out = fileURLToPath(new URL('../app/state/world-manifest.json', import.meta.url));
writeFileSync(out, worldManifestText());
console.log(`wrote ${out}`);
