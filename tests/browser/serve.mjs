// serve.mjs: a tiny static file server for the browser tests, with no
// dependency beyond Node's own modules.  It serves ROOT on 127.0.0.1 on a
// free port the system picks, and writes that port, then a newline, to
// PORTFILE once it listens.  It behaves like the plain static hosts the site
// is made for: a folder serves its index.html (a folder asked for without
// the closing slash is redirected to it), a missing path serves 404.html
// with status 404, and every file goes out with its Content-Type.
// Usage: node serve.mjs ROOT PORTFILE

import { createServer } from 'node:http';
import { readFile, stat, writeFile, rename } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.xml': 'application/xml; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.txt': 'text/plain; charset=utf-8',
	'.json': 'application/json',
	'.js': 'text/javascript; charset=utf-8',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
};

if (process.argv.length !== 4) {
	process.stderr.write('usage: node serve.mjs ROOT PORTFILE\n');
	process.exit(2);
}
const root = resolve(process.argv[2]);
const portfile = process.argv[3];

// statOrNull PATH: the stat of PATH, or null when there is nothing there.
async function statOrNull(path) {
	try {
		return await stat(path);
	} catch {
		return null;
	}
}

function send(req, res, status, type, body, extra = {}) {
	res.writeHead(status, {
		'Content-Type': type,
		'Content-Length': body.length,
		'X-Content-Type-Options': 'nosniff',
		'Cache-Control': 'no-store',
		...extra,
	});
	res.end(req.method === 'HEAD' ? undefined : body);
}

async function notFound(req, res) {
	try {
		const body = await readFile(join(root, '404.html'));
		send(req, res, 404, TYPES['.html'], body);
	} catch {
		send(req, res, 404, TYPES['.txt'], Buffer.from('not found\n'));
	}
}

async function handle(req, res) {
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		send(req, res, 405, TYPES['.txt'], Buffer.from('method not allowed\n'),
		    { Allow: 'GET, HEAD' });
		return;
	}
	let url;
	let path;
	try {
		url = new URL(req.url, 'http://127.0.0.1');
		path = decodeURIComponent(url.pathname);
	} catch {
		send(req, res, 400, TYPES['.txt'], Buffer.from('bad request\n'));
		return;
	}
	if (path.includes('\0')) {
		await notFound(req, res);
		return;
	}
	let file = resolve(root, '.' + path);
	// Nothing outside ROOT, and no dot files (the build state, say).
	if ((file !== root && !file.startsWith(root + sep)) ||
	    file.slice(root.length).split(sep).some((p) => p.startsWith('.'))) {
		await notFound(req, res);
		return;
	}
	let st = await statOrNull(file);
	if (st && st.isDirectory()) {
		if (!url.pathname.endsWith('/')) {
			send(req, res, 301, TYPES['.txt'], Buffer.from('moved\n'),
			    { Location: url.pathname + '/' + url.search });
			return;
		}
		file = join(file, 'index.html');
		st = await statOrNull(file);
	}
	if (!st || !st.isFile()) {
		await notFound(req, res);
		return;
	}
	const type = TYPES[extname(file).toLowerCase()] ||
	    'application/octet-stream';
	send(req, res, 200, type, await readFile(file));
}

const server = createServer((req, res) => {
	handle(req, res).catch((e) => {
		process.stderr.write(`serve: ${req.url}: ${e.message}\n`);
		if (!res.headersSent)
			send(req, res, 500, TYPES['.txt'], Buffer.from('error\n'));
		else
			res.destroy();
	});
});

server.listen(0, '127.0.0.1', async () => {
	const { port } = server.address();
	// Write the port atomically, so the caller never reads half of it.
	await writeFile(portfile + '.tmp', `${port}\n`);
	await rename(portfile + '.tmp', portfile);
});

for (const sig of ['SIGTERM', 'SIGINT'])
	process.on(sig, () => server.close(() => process.exit(0)));
