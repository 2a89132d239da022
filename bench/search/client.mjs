// client.mjs: the browser half of bench/search.sh.  Runs each query of
// QUERIES in headless Chromium against a site served on loopback and counts
// the bytes the client downloads and the time it takes to show results.
//
// Usage: node client.mjs nearmiss|pagefind BASE_URL QUERIES OUT
//
// QUERIES has one query a line, five tab-separated fields: a name, the
// text typed ("-" for none), a facet key and value ("-" for none), and how
// it is entered: "url" (the page is opened with it) or "keys" (typed key by
// key into the loaded page, each prefix of two letters or more searched).
// OUT gets one line per query, tab-separated:
//   name, bytes to first results, of which index files, bytes with facet
//   counts (the groups open by default), requests to first results, median
//   ms from the last key to the results, median ms of the search itself,
//   results, error, the bytes to first results by kind of file
//   ("postings=1234 vocab=567 ..."), and bytes with the counts of every
//   facet group.
//
// Bytes are counted as a CDN that compresses text sends them: each
// response whose type is text, JSON, JavaScript, XML or SVG gzipped (zlib
// level 6), any other as it is (Pagefind's own files are gzipped already).
// Every query starts in a new browser context: a cold cache.
//
// nearmiss (themes/default/static/search.js): the page is search/?q=...
// (and the facet parameter).  The results are shown when #search-results
// gets data-state="done" with data-query equal to the query.  Then the
// "Filters" <details> is opened, as a reader would, and the facet counts
// are shown when #search-filters gets data-facets="done": the counts of
// the groups open by default (the first facet's and the filtered one's).
// Then every closed group is opened too, and the counts of all are shown
// at the first data-facets="done" with no count left empty.  A script
// injected before the page's own records those moments and the resources
// fetched by then (resource timing), so nothing fetched after them is
// counted.  Time: the
// page is loaded with no query (with the facet preset, if any), the query
// is typed, and the time from the last key to the results is taken, and
// from the client's data-state="busy" to "done" (the search itself,
// without the client's typing debounce).  A filter with no word is timed
// from ticking its box on the loaded page, and also, loaded from its
// address, from the start of the navigation (nav, the twelfth field).
//
// pagefind: pagefind.html and pagefind.js (this folder), served at
// /_bench/ of the Hugo output: search, then data() of the first SHOWN
// results; "with facets" (both figures) adds pagefind.filters(), which
// loads every facet.  Time: after
// pagefind.init() (entry, metadata and WASM loaded), search and data().
//
// Environment: PLAYWRIGHT_CORE (path of playwright-core's index.mjs),
// CHROMIUM (/usr/bin/chromium), RUNS (3 timed runs), SHOWN (5), TIMEOUT_MS
// (120000 for one query), KEYGAP_MS (250 between keys when typing key by
// key: a typist's pace, at which each key's first results show before
// the next).

import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

if (process.argv.length !== 6 ||
    !['nearmiss', 'pagefind'].includes(process.argv[2])) {
	process.stderr.write(
	    'usage: node client.mjs nearmiss|pagefind BASE_URL QUERIES OUT\n');
	process.exit(2);
}
const [TOOL, BASE, QFILE, OUTFILE] = process.argv.slice(2);
const EXE = process.env.CHROMIUM || '/usr/bin/chromium';
const RUNS = Number(process.env.RUNS || 3);
const SHOWN = Number(process.env.SHOWN || 5);
const TIMEOUT = Number(process.env.TIMEOUT_MS || 120000);
const KEYGAP = Number(process.env.KEYGAP_MS || 250);

if (!process.env.PLAYWRIGHT_CORE) {
	process.stderr.write('client.mjs: PLAYWRIGHT_CORE is not set\n');
	process.exit(2);
}
const { chromium } = await import(
    pathToFileURL(process.env.PLAYWRIGHT_CORE).href);

function say(msg) {
	process.stderr.write(`client.mjs (${TOOL}): ${msg}\n`);
}

// The queries.
const queries = readFileSync(QFILE, 'utf8').split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
	const [name, q, fkey, fval, how] = l.split('\t');
	return {
		name,
		q: q === '-' ? '' : q,
		filter: fkey === '-' ? null : { key: fkey, value: fval },
		how,
	};
    });

function isText(type) {
	return /^text\/|json|javascript|ecmascript|xml|svg/i.test(type || '');
}

// meter(context): every response of the context (its pages and their
// workers), as { url, bytes, raw, index } in the order they finished.
function meter(context) {
	const m = { log: [], pending: 0 };
	context.on('request', () => { m.pending++; });
	context.on('requestfailed', () => { m.pending--; });
	context.on('requestfinished', async (req) => {
		try {
			const res = await req.response();
			if (!res)
				return;
			// The browser's own favicon.ico probe and the like.
			if (res.status() >= 400) {
				if (!req.url().endsWith('/favicon.ico'))
					say(`${req.url()}: status ${res.status()}`);
				return;
			}
			let body;
			try {
				body = await res.body();
			} catch {
				return;	// a redirect has none
			}
			const type = res.headers()['content-type'];
			const bytes = isText(type) ?
			    gzipSync(body, { level: 6 }).length : body.length;
			const path = new URL(req.url()).pathname;
			m.log.push({
				url: req.url(),
				bytes,
				raw: body.length,
				index: TOOL === 'nearmiss' ?
				    /^\/search\/.+\.json$/.test(path) :
				    /^\/pagefind\/.*(\.pf_\w+|pagefind-entry\.json)$/.test(path),
			});
		} finally {
			m.pending--;
		}
	});
	return m;
}

// settle(m): wait until the meter has no request in flight.
async function settle(m) {
	const t0 = Date.now();
	for (;;) {
		await new Promise((r) => setTimeout(r, 50));
		if (m.pending <= 0)
			return;
		if (Date.now() - t0 > TIMEOUT)
			throw new Error(`${m.pending} requests never finished`);
	}
}

// sum(m, urls): bytes of the responses named in urls (a URL fetched twice
// counts twice), or of all responses without urls.
function sum(m, urls) {
	let log = m.log;
	if (urls) {
		const want = new Map();
		for (const u of urls)
			want.set(u, (want.get(u) || 0) + 1);
		log = m.log.filter((e) => {
			const k = want.get(e.url) || 0;
			if (k === 0)
				return false;
			want.set(e.url, k - 1);
			return true;
		});
	}
	const kinds = new Map();
	for (const e of log) {
		const k = kindOf(new URL(e.url).pathname);
		kinds.set(k, (kinds.get(k) || 0) + e.bytes);
	}
	return {
		bytes: log.reduce((a, e) => a + e.bytes, 0),
		index: log.reduce((a, e) => a + (e.index ? e.bytes : 0), 0),
		requests: log.length,
		kinds: [...kinds].map(([k, b]) => `${k}=${b}`).join(' '),
	};
}

// What each file of the site is, for the breakdown of the bytes: the
// index's files by their role (nmKinds() reads the entry and the
// vocabulary shards), else by name.
const KINDS = new Map();

async function nmKinds() {
	const get = async (p) => {
		const r = await fetch(`${BASE}search/${p}`);
		if (!r.ok)
			throw new Error(`search/${p}: status ${r.status}`);
		return r.json();
	};
	const add = (p, k) => KINDS.set(`/search/${p}`, k);
	const e = await get('index.json');
	KINDS.set('/search/index.json', 'entry');
	add(e.chunks, 'chunktable');
	add(e.months, 'columns');
	for (const f of e.facets || [])
		add(f.file, 'columns');
	for (const p of e.vocab) {
		add(p, 'vocab');
		const sh = await get(p);
		for (const f of sh.files || [])
			add(f, 'postings');
		for (const f of sh.positions || [])
			add(f, 'positions');
	}
}

function kindOf(path) {
	if (KINDS.has(path))
		return KINDS.get(path);
	if (path.startsWith('/search/m/'))
		return 'metadata';
	if (path.endsWith('/pagefind-entry.json'))
		return 'entry';
	if (path.startsWith('/pagefind/')) {
		const m = path.match(/\.pf_(\w+)$/);
		if (m)
			return m[1];
		if (path.endsWith('.pagefind'))
			return 'wasm';
	}
	if (path.endsWith('.css'))
		return 'css';
	if (path.endsWith('.js'))
		return 'js';
	if (path.endsWith('.json'))
		return 'json';
	return 'page';
}

// hits(text): the number of results in the text of #search-count ("1,234
// reports", "No reports"), or the text itself.
function hits(text) {
	const t = text.replace(/,/g, '').replace(/\s+/g, ' ').trim();
	const m = t.match(/\d+/);
	if (m)
		return m[0];
	return /^no\b/i.test(t) ? '0' : (t || '-');
}

function median(xs) {
	const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
	if (s.length === 0)
		return null;
	const h = Math.floor(s.length / 2);
	return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

// ---- nearmiss ----

// Injected before the page's scripts: records when the results and the
// facet counts are done, with the resources fetched by then.
const INIT = `(() => {
	performance.setResourceTimingBufferSize(1000000);
	const st = window.__nm = { done: [], busy: [], facets: [], input: -1,
	    error: null };
	const names = () => performance.getEntriesByType('navigation')
	    .concat(performance.getEntriesByType('resource'))
	    .map((e) => e.name);
	new MutationObserver((ms) => {
		const t = performance.now();
		for (const m of ms) {
			const el = m.target;
			const v = el.getAttribute(m.attributeName);
			if (el.id === 'search-results' && v === 'busy')
				st.busy.push(t);
			if (el.id === 'search-results' && v === 'done')
				st.done.push({ t, q: el.getAttribute('data-query') || '',
				    names: names(), count: (document
				    .getElementById('search-count') || {})
				    .textContent || '' });
			if (el.id === 'search-filters' && v === 'done')
				st.facets.push({ t, names: names(), all: !el
				    .querySelector('.count:empty') });
			if (v === 'error')
				st.error = el.id;
		}
	}).observe(document, { subtree: true, attributes: true,
	    attributeFilter: ['data-state', 'data-facets'] });
	document.addEventListener('input', (e) => {
		if (e.target && (e.target.id === 'search-q' ||
		    e.target.type === 'checkbox'))
			st.input = performance.now();
	}, true);
})();`;

function norm(s) {
	return s.trim().replace(/\s+/g, ' ');
}

function nmURL(q, withWords) {
	const p = new URLSearchParams();
	if (withWords && q.q !== '')
		p.set('q', q.q);
	if (q.filter)
		p.append(q.filter.key, q.filter.value);
	const s = p.toString();
	return `${BASE}search/${s ? '?' + s : ''}`;
}

// waitDone(page, q, after): the first "done" of query q at or after time
// after (page time).
async function waitDone(page, q, after) {
	try {
		await page.waitForFunction(([qq, t]) => window.__nm.error ||
		    window.__nm.done.some((d) => d.t >= t &&
		    d.q.trim().replace(/\s+/g, ' ') === qq),
		    [norm(q), after], { timeout: TIMEOUT, polling: 10 });
	} catch (e) {
		const seen = await page.evaluate(() => window.__nm.done.map(
		    (d) => d.q)).catch(() => []);
		throw new Error(`no results for ${JSON.stringify(q)} ` +
		    `(data-query values seen: ${JSON.stringify(seen)}): ` +
		    e.message.split('\n')[0]);
	}
	const err = await page.evaluate(() => window.__nm.error);
	if (err)
		throw new Error(`#${err} has data-state or data-facets "error" ` +
		    `for ${JSON.stringify(q)}`);
	return page.evaluate(([qq, t]) => window.__nm.done.find(
	    (d) => d.t >= t && d.q.trim().replace(/\s+/g, ' ') === qq),
	    [norm(q), after]);
}

async function typeKeys(page, q) {
	for (const ch of q) {
		await page.type('#search-q', ch);
		await page.waitForTimeout(KEYGAP);
	}
}

async function nmBytes(browser, q) {
	const ctx = await browser.newContext();
	try {
		const m = meter(ctx);
		await ctx.addInitScript(INIT);
		const page = await ctx.newPage();
		if (q.how === 'keys') {
			await page.goto(nmURL(q, false), { waitUntil: 'networkidle' });
			await typeKeys(page, q.q);
		} else {
			await page.goto(nmURL(q, true));
		}
		const first = await waitDone(page, q.q, 0);
		// The facet counts, as a reader sees them: the filters opened,
		// the groups open by default, then every group.
		const facets = await nmFacets(page, q,
		    'details:has(#search-filters) > summary', false);
		const all = facets && await nmFacets(page, q,
		    '#search-filters details:not([open]) > summary', true);
		await settle(m);
		const a = sum(m, first.names);
		const b = facets ? sum(m, facets.names) : null;
		const c = all ? sum(m, all.names) : null;
		return { first: a, facets: b, all: c,
		    count: first.count.trim() };
	} finally {
		await ctx.close();
	}
}

// nmFacets(page, q, sel, all): clicks the summaries sel names and waits
// for the first data-facets="done" after (with every count shown if
// all); null if none comes.
async function nmFacets(page, q, sel, all) {
	const t0 = await page.evaluate(() => performance.now());
	for (const s of await page.$$(sel))
		await s.click();
	try {
		await page.waitForFunction(([t, a]) => window.__nm.error ||
		    window.__nm.facets.some((f) => f.t >= t && (f.all || !a)),
		    [t0, all], { timeout: TIMEOUT, polling: 10 });
		const f = await page.evaluate(([t, a]) => window.__nm.facets
		    .find((x) => x.t >= t && (x.all || !a)), [t0, all]);
		if (f)
			return f;
	} catch {
		// Reported below.
	}
	say(`${q.name}: no data-facets="done" on #search-filters` +
	    (all ? ' with every group open' : ''));
	return null;
}

async function nmTime(browser, q) {
	const ctx = await browser.newContext();
	try {
		await ctx.addInitScript(INIT);
		const page = await ctx.newPage();
		if (q.q === '')
			return await nmClick(page, q);
		await page.goto(nmURL(q, false), { waitUntil: 'networkidle' });
		const t0 = await page.evaluate(() => performance.now());
		await page.type('#search-q', q.q);
		const d = await waitDone(page, q.q, t0);
		const st = await page.evaluate(() => ({
			input: window.__nm.input, busy: window.__nm.busy,
		}));
		const busy = st.busy.filter((t) => t >= st.input && t <= d.t);
		return {
			key: d.t - st.input,
			busy: busy.length ? d.t - busy[0] : null,
		};
	} finally {
		await ctx.close();
	}
}

// nmClick(page, q): a filter with no word, as a reader sets one: the page
// loaded with no query, the filter's group opened (not timed), then its box
// ticked: from the tick to the results, and from the client's busy to done.
// Then, in a new context, the same search loaded from its address (a link
// someone shared): from the start of the navigation to the results (nav).
async function nmClick(page, q) {
	await page.goto(nmURL(q, false).replace(/\?.*/, ''),
	    { waitUntil: 'networkidle' });
	const box = `#search-filters input[type=checkbox][name="${q.filter.key}"]` +
	    `[value="${q.filter.value}"]`;
	await page.$eval(box, (c) => {
		for (let d = c.closest('details'); d; d = d.parentElement &&
		    d.parentElement.closest('details'))
			d.open = true;
	});
	const t0 = await page.evaluate(() => performance.now());
	await page.click(box);
	const d = await waitDone(page, '', t0);
	const st = await page.evaluate(() => ({
		input: window.__nm.input, busy: window.__nm.busy,
	}));
	const busy = st.busy.filter((t) => t >= st.input && t <= d.t);
	const ctx = await page.context().browser().newContext();
	let nav;
	try {
		await ctx.addInitScript(INIT);
		const p2 = await ctx.newPage();
		await p2.goto(nmURL(q, true));
		nav = (await waitDone(p2, '', 0)).t;
	} finally {
		await ctx.close();
	}
	return {
		key: st.input >= t0 ? d.t - st.input : null,
		busy: busy.length ? d.t - busy[0] : null,
		nav,
	};
}

// ---- pagefind ----

function pfWords(q) {
	if (q.q === '')
		return [null];
	if (q.how === 'keys') {
		const w = [];
		for (let i = 2; i <= q.q.length; i++)
			w.push(q.q.slice(0, i));
		return w;
	}
	return [q.q];
}

function pfFilters(q) {
	return q.filter ? { [q.filter.key]: q.filter.value } : null;
}

async function pfOpen(ctx) {
	const page = await ctx.newPage();
	await page.goto(`${BASE}_bench/pagefind.html`);
	await page.waitForFunction(() => window.pfBench, null,
	    { timeout: TIMEOUT });
	return page;
}

async function pfBytes(browser, q) {
	const ctx = await browser.newContext();
	try {
		const m = meter(ctx);
		const page = await pfOpen(ctx);
		const r = await page.evaluate(([w, f, n]) => window.pfBench.run(
		    w, f, n), [pfWords(q), pfFilters(q), SHOWN]);
		await settle(m);
		const a = sum(m);
		await page.evaluate(() => window.pfBench.facets());
		await settle(m);
		const b = sum(m);
		return { first: a, facets: b, all: b, count: String(r.count) };
	} finally {
		await ctx.close();
	}
}

async function pfTime(browser, q) {
	const ctx = await browser.newContext();
	try {
		const page = await pfOpen(ctx);
		await page.evaluate(() => window.pfBench.init());
		const r = await page.evaluate(([w, f, n]) => window.pfBench.run(
		    w, f, n), [[pfWords(q).at(-1)], pfFilters(q), SHOWN]);
		return { key: r.ms, busy: r.ms };
	} finally {
		await ctx.close();
	}
}

// ---- main ----

const browser = await chromium.launch({ executablePath: EXE,
    args: ['--no-sandbox'] });
const lines = [];
let failed = 0;
if (TOOL === 'nearmiss') {
	try {
		await nmKinds();
	} catch (e) {
		say(`cannot read the index for the breakdown: ${e.message}`);
	}
}
try {
	for (const q of queries) {
		let row;
		try {
			const bytes = TOOL === 'nearmiss' ?
			    await nmBytes(browser, q) : await pfBytes(browser, q);
			const keys = [];
			const busy = [];
			const nav = [];
			for (let i = 0; i < RUNS; i++) {
				const t = TOOL === 'nearmiss' ?
				    await nmTime(browser, q) : await pfTime(browser, q);
				keys.push(t.key);
				busy.push(t.busy);
				if (t.nav !== undefined)
					nav.push(t.nav);
			}
			const f = (x) => x === null ? '-' : x.toFixed(1);
			row = [q.name, bytes.first.bytes, bytes.first.index,
			    bytes.facets ? bytes.facets.bytes : '-',
			    bytes.first.requests, f(median(keys)),
			    f(median(busy)), hits(bytes.count),
			    '-', bytes.first.kinds,
			    bytes.all ? bytes.all.bytes : '-',
			    nav.length ? f(median(nav)) : '-'];
			say(`${q.name}: ${bytes.first.bytes} B, ` +
			    `${f(median(keys))} ms`);
		} catch (e) {
			failed++;
			const msg = e.message.split('\n')[0].replace(/\t/g, ' ');
			say(`${q.name}: FAILED: ${msg}`);
			row = [q.name, '-', '-', '-', '-', '-', '-', '-', msg,
			    '-', '-', '-'];
		}
		lines.push(row.join('\t'));
	}
} finally {
	await browser.close();
}
writeFileSync(OUTFILE, lines.join('\n') + '\n');
process.exit(failed ? 1 : 0);
