// size.mjs DIR [EXCLUDE]: "files bytes gzipped" of the files under DIR
// (but the one at the relative path EXCLUDE), each gzipped on its own at
// zlib level 6 as a CDN would send it; a file that is gzipped already
// (Pagefind's) counts as it is.  For bench/search.sh.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const [dir, exclude] = process.argv.slice(2);
if (!dir) {
	process.stderr.write('usage: node size.mjs DIR [EXCLUDE]\n');
	process.exit(2);
}
let files = 0, bytes = 0, gz = 0;
for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
	if (!e.isFile())
		continue;
	const path = join(e.parentPath ?? e.path, e.name);
	if (exclude && relative(dir, path) === exclude)
		continue;
	const b = readFileSync(path);
	files++;
	bytes += b.length;
	gz += b.length > 2 && b[0] === 0x1f && b[1] === 0x8b ?
	    b.length : gzipSync(b, { level: 6 }).length;
}
console.log(`${files} ${bytes} ${gz}`);
