// nginx.mjs: the demo site as nginx serves it with the shipped
// docs/examples/nginx-archive.conf, in Debian's Chromium through
// playwright-core: the home page, a report, the search page (a query typed
// and its results) and the status page (a code looked up) load with the
// headers of the site's _headers file, with no CSP violation, no console
// error and no request that leaves 127.0.0.1; and no other page may frame
// the site.  tests/gen/nginx.sh runs it with:
//   BASE_URL  nginx, http://127.0.0.1:PORT/;  SITE  the folder it serves
//   RESULT    the file for "browser: N passed, N failed"
//   CHROMIUM  the browser (default /usr/bin/chromium); VERBOSE=1 lists passes

import { chromium } from 'playwright-core';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BASE = process.env.BASE_URL;
const SITE = process.env.SITE;
const RESULT = process.env.RESULT;
const EXE = process.env.CHROMIUM || '/usr/bin/chromium';
const VERBOSE = !!process.env.VERBOSE;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'];

let passed = 0;
let failed = 0;

function check(name, ok, detail) {
	if (ok) {
		passed++;
		if (VERBOSE)
			console.log(`ok: ${name}`);
	} else {
		failed++;
		console.error(`FAIL: nginx: ${name}${detail ? ': ' + detail : ''}`);
	}
}

// The headers every response must carry: the "/*" rule of _headers.
function siteHeaders() {
	const h = {};
	let on = false;
	for (const l of readFileSync(join(SITE, '_headers'), 'utf8')
	    .split('\n')) {
		if (l.startsWith('#') || l === '')
			continue;
		if (!/^\s/.test(l)) {
			on = l === '/*';
			continue;
		}
		const m = /^\s+([^:]+):\s*(.*)$/.exec(l);
		if (on && m)
			h[m[1].toLowerCase()] = m[2];
	}
	return h;
}

// A report of the site and a word of its title to search for.
function pickReport() {
	for (const id of readdirSync(join(SITE, 'reports')).sort()) {
		if (!/\d/.test(id))
			continue;
		let html;
		try {
			html = readFileSync(join(SITE, 'reports', id, 'index.html'),
			    'utf8');
		} catch {
			continue;
		}
		const t = /<h1[^>]*>([^<]*)<\/h1>/.exec(html);
		const w = t && t[1].split(/[^A-Za-z]+/)
		    .filter((x) => x.length >= 7)
		    .sort((a, b) => b.length - a.length)[0];
		if (w)
			return { id, word: w.toLowerCase() };
	}
	return null;
}

// Records the CSP violations of every document of the context.
function cspListener() {
	window.__nmCsp = [];
	document.addEventListener('securitypolicyviolation', (e) => {
		window.__nmCsp.push(`${e.violatedDirective} blocked ` +
		    `${e.blockedURI || '(inline)'}`);
	}, true);
}

function watch(page) {
	const log = { console: [], offhost: [], responses: [] };
	page.on('console', (m) => {
		if (m.type() === 'error' || m.type() === 'warning')
			log.console.push(`${m.type()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => log.console.push(String(e)));
	page.on('request', (r) => {
		const u = new URL(r.url());
		if (!(u.protocol === 'data:' || (u.protocol === 'http:' &&
		    u.hostname === '127.0.0.1')))
			log.offhost.push(r.url());
	});
	page.on('response', (r) => log.responses.push(r));
	return log;
}

// visit PAGE LOG NAME PATH ACT: loads PATH, runs ACT, then checks what
// the page and every response it got.
async function visit(page, log, name, path, act) {
	const want = siteHeaders();
	log.console.length = 0;
	log.offhost.length = 0;
	log.responses.length = 0;
	const resp = await page.goto(BASE + path);
	check(`${name}: status 200`, resp && resp.status() === 200,
	    resp ? String(resp.status()) : 'no response');
	if (act) {
		try {
			await act();
		} catch (e) {
			check(`${name}: the page works`, false, e.message);
		}
	}
	const bad = [];
	for (const r of log.responses) {
		const h = await r.allHeaders();
		for (const k of Object.keys(want))
			if (h[k] !== want[k])
				bad.push(`${r.url()}: ${k}: ${h[k]}`);
	}
	check(`${name}: every response has the headers of _headers ` +
	    `(${log.responses.length} responses)`,
	    log.responses.length > 0 && bad.length === 0, bad.join('; '));
	const csp = await page.evaluate(() => window.__nmCsp);
	check(`${name}: no CSP violation`, csp.length === 0, csp.join('; '));
	check(`${name}: no console error or warning`, log.console.length === 0,
	    log.console.join('; '));
	check(`${name}: no request leaves 127.0.0.1`, log.offhost.length === 0,
	    log.offhost.join(' '));
	return log.responses;
}

async function main() {
	const browser = await chromium.launch({ executablePath: EXE,
	    args: ARGS });
	try {
		const context = await browser.newContext();
		await context.addInitScript(cspListener);
		const page = await context.newPage();
		const log = watch(page);

		await visit(page, log, 'home', '', null);

		const rep = pickReport();
		check('a report with a word to search for', rep !== null);
		if (rep === null)
			return;
		await visit(page, log, `report ${rep.id}`,
		    `reports/${rep.id}/`, null);

		let shown = [];
		const sr = await visit(page, log, 'search', 'search/',
		    async () => {
			await page.waitForSelector('#search-q',
			    { state: 'visible', timeout: 10000 });
			await page.click('#search-q');
			await page.keyboard.type(rep.word);
			await page.waitForFunction((q) => {
				const r = document.getElementById(
				    'search-results');
				return r && r.getAttribute('data-state') ===
				    'done' && r.getAttribute('data-full') ===
				    'done' && r.getAttribute('data-query') === q;
			}, rep.word, { timeout: 10000 });
			// Every result: "More results" until it hides.
			for (let i = 0; i < 100; i++) {
				const more = page.locator('#search-more');
				if (!(await more.isVisible()))
					break;
				const n = await page.locator(
				    '#search-results li').count();
				await more.click();
				await page.waitForFunction((k) =>
				    document.querySelectorAll(
				    '#search-results li').length > k, n,
				    { timeout: 5000 });
			}
			shown = await page.$$eval('#search-results li h2 a',
			    (l) => l.map((a) => a.getAttribute('href')
			    .replace(/\/$/, '').split('/').pop()));
		});
		check(`search: "${rep.word}" finds ${rep.id}`,
		    shown.includes(rep.id), shown.join(' '));
		const chunks = sr.filter((r) =>
		    /\/search\/[xm]\/[^/]+\.json$/.test(r.url()));
		const cc = await Promise.all(chunks.map((r) =>
		    r.headerValue('cache-control')));
		check(`search: its ${chunks.length} chunks are immutable`,
		    chunks.length > 0 && cc.every((v) => /\bimmutable\b/.test(v)),
		    cc.join('; '));
		const entry = sr.find((r) => r.url().endsWith('/search/index.json'));
		check('search: index.json is fetched and revalidated on each use',
		    entry !== undefined && entry.status() === 200 &&
		    await entry.headerValue('cache-control') === 'no-cache');

		const st = await visit(page, log, 'status', 'status/', async () => {
			await page.waitForSelector('#status-code',
			    { state: 'visible', timeout: 10000 });
			await page.focus('#status-code');
			await page.keyboard.insertText('ABCD-EFGH-IJKL-MNOP-QRST');
			await page.keyboard.press('Enter');
			await page.waitForFunction(() => {
				const r = document.getElementById(
				    'status-result');
				return r && r.textContent.trim() !== '' &&
				    !r.classList.contains('status-busy');
			}, null, { timeout: 10000 });
		});
		const sj = st.filter((r) => /\/status\/[^/]+\.json$/.test(r.url()));
		check(`status: the lookup fetched the status index ` +
		    `(${sj.length} files)`, sj.length > 0 &&
		    sj.every((r) => r.status() === 200));

		// frame-ancestors 'none', which only a header can say: a page
		// that frames the site gets an empty frame.
		const fp = await context.newPage();
		const refused = [];
		fp.on('console', (m) => {
			if (/frame-ancestors 'none'/.test(m.text()))
				refused.push(m.text());
		});
		await fp.setContent(`<iframe src="${BASE}"></iframe>`);
		await fp.waitForTimeout(1000);
		const fr = fp.frames().find((f) => f !== fp.mainFrame());
		let framed = false;
		try {
			framed = fr ? await fr.evaluate(() => document
			    .querySelector('meta[name=generator]') !== null) :
			    false;
		} catch {
			framed = false;
		}
		check('no other page can frame the site', fr !== undefined &&
		    !framed && refused.length === 1,
		    `the frame shows the site: ${framed}; ` +
		    `${refused.length} refusals`);
	} finally {
		await browser.close();
	}
}

process.on('unhandledRejection', (e) => {
	check('no unexpected error', false, e && e.stack ? e.stack : String(e));
});
try {
	await main();
} catch (e) {
	check('the browser run finished', false, e.stack || String(e));
}
writeFileSync(RESULT, `browser: ${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
