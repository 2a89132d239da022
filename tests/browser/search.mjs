// search.mjs: the real-browser checks of the search page (search/index.html
// and search.js) of the demo site, in Debian's Chromium through
// playwright-core.  Expected results come from the reports' front matter and
// text (content/reports, the published ones: those with a page in SITE),
// never from a list written here: filters and their counts (each facet's
// group fetching its column only when open), filter-only browsing,
// phrases, exclusion, prefixes, typos, synonyms (from
// content/nearmiss.ini), sorting, the URL round trip, the hostile metadata,
// axe-core on four pages, and a 390 px phone.  run.sh runs it with:
//   BASE_URL  the served site;  SITE  the rendered folder;  TOP  the tree
//   RESULT    the file for "browser: N passed, N failed" (run.sh adds it up)
//   CHROMIUM  the browser (default /usr/bin/chromium); VERBOSE=1 lists passes

import { chromium } from 'playwright-core';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

const BASE = process.env.BASE_URL;
const SITE = process.env.SITE;
const TOP = process.env.TOP;
const RESULT = process.env.RESULT;
const EXE = process.env.CHROMIUM || '/usr/bin/chromium';
const VERBOSE = !!process.env.VERBOSE;
const AXE = join(TOP, 'tests/browser/node_modules/axe-core/axe.min.js');
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
		console.error(`FAIL: search: ${name}${detail ? ': ' + detail : ''}`);
	}
}

const sameSet = (a, b) => a.length === b.length &&
    [...a].sort().join() === [...b].sort().join();
const diff = (a, b) => `expected ${a.length} [${[...a].sort().join(' ')}], ` +
    `got ${b.length} [${[...b].sort().join(' ')}]`;

// --- what the demo content says -------------------------------------------

// search.js's own folding, to read the reports as the index does.
const NM = (() => {
	const ctx = vm.createContext({ TextEncoder, URLSearchParams, Map, Set,
	    Promise, Math, Array, Object, JSON, String, Number, Error });
	vm.runInContext(readFileSync(join(TOP,
	    'themes/default/static/search.js'), 'utf8'), ctx);
	return ctx.NMSearch;
})();
const fold = (s) => NM.words(s).map((x) => x.w);

// The front matter fields of each facet key (nearmiss-index(5), schema).
const FIELDS = { type: 'incident_type', factor: 'contributing_factors',
    loss: 'loss_potential', agency: 'agency_type', region: 'region',
    time: 'time_of_day', lighting: 'lighting', weather: 'weather' };

function readReports() {
	const out = [];
	const dir = join(TOP, 'content/reports');
	for (const y of readdirSync(dir))
		for (const f of readdirSync(join(dir, y))) {
			if (!f.endsWith('.md'))
				continue;
			const t = readFileSync(join(dir, y, f), 'utf8');
			const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(t);
			if (!m)
				continue;
			const fm = {};
			for (const l of m[1].split('\n')) {
				const kv = /^\s*(\w+):\s*(.*)$/.exec(l);
				if (!kv)
					continue;
				let v = kv[2].trim();
				if (v.startsWith('"'))
					v = JSON.parse(v);
				else if (v.startsWith('['))
					v = v.slice(1, -1).split(',').map((s) => s.trim())
					    .filter(Boolean);
				fm[kv[1]] = v;
			}
			if (!fm.id || !existsSync(join(SITE, 'reports', fm.id,
			    'index.html')))
				continue;
			fm.text = fold([fm.title, fm.summary, m[2]].join('\n'));
			fm.raw = t;
			out.push(fm);
		}
	return out.sort((a, b) => a.id < b.id ? -1 : 1);
}

const REPORTS = readReports();
const ENTRY = existsSync(join(SITE, 'search/index.json')) ?
    JSON.parse(readFileSync(join(SITE, 'search/index.json'), 'utf8')) : null;
const byId = new Map(REPORTS.map((r) => [r.id, r]));
const vals = (r, key) => {
	const v = r[FIELDS[key]];
	return Array.isArray(v) ? v : v ? [v] : [];
};
// Reports passing filters { key: [slugs] }, less the facet skip.
const passing = (f, skip) => REPORTS.filter((r) => Object.keys(f).every((k) =>
    k === skip || f[k].some((s) => vals(r, k).includes(s))));
// A folded word sequence seq in a report's text.
const hasSeq = (r, seq) => r.text.some((w, i) =>
    seq.every((s, j) => r.text[i + j] === s));

// --- page helpers -----------------------------------------------------------

function watch(page) {
	const log = { errors: [], offhost: [], dialogs: [] };
	page.on('console', (m) => {
		if (m.type() === 'error')
			log.errors.push(m.text());
	});
	page.on('pageerror', (e) => log.errors.push(String(e)));
	page.on('dialog', (d) => {
		log.dialogs.push(d.message());
		d.dismiss().catch(() => {});
	});
	page.on('request', (r) => {
		const u = new URL(r.url());
		if (!(u.protocol === 'data:' || (u.protocol === 'http:' &&
		    u.hostname === '127.0.0.1')))
			log.offhost.push(r.url());
	});
	return log;
}

// Waits until the results of query q are shown; returns what the page shows.
async function settled(page, q) {
	await page.waitForFunction((q) => {
		const r = document.getElementById('search-results');
		return r && r.getAttribute('data-state') === 'done' &&
		    r.getAttribute('data-full') === 'done' &&
		    r.getAttribute('data-query') === q;
	}, q, { timeout: 10000 });
	return page.evaluate(() => ({
		count: document.getElementById('search-count').textContent,
		ids: [...document.querySelectorAll('#search-results li h2 a')]
		    .map((a) => a.getAttribute('href').replace(/\/$/, '')
		    .split('/').pop()),
		extra: document.getElementById('search-extra').textContent,
		url: location.search,
	}));
}

// Every result id: clicks "More results" until it hides.
async function allIds(page) {
	for (let i = 0; i < 100; i++) {
		const more = page.locator('#search-more');
		if (!(await more.isVisible()))
			break;
		const n = await page.locator('#search-results li').count();
		await more.click();
		await page.waitForFunction((n) => document.querySelectorAll(
		    '#search-results li').length > n, n, { timeout: 5000 });
	}
	return page.$$eval('#search-results li h2 a', (l) => l.map((a) =>
	    a.getAttribute('href').replace(/\/$/, '').split('/').pop()));
}

// The small-count rule's k as the search page gives it to search.js
// (data-min-count); every count below it shows as "< k".
const K = (() => {
	const f = join(SITE, 'search/index.html');
	const m = existsSync(f) ? /data-min-count="(\d+)"/.exec(
	    readFileSync(f, 'utf8')) : null;
	return m ? +m[1] : NaN;
})();
// A count as the site shows it (count_text() of gen/pages.c).
const ct = (n) => n < K ? `< ${K}` : String(n);

// The number a count text says, if exact (NaN for "< k").
const countOf = (s) => {
	const m = /^(\d+) reports?\b/.exec(s.trim());
	return m ? +m[1] : /^No reports/.test(s.trim()) ? 0 : NaN;
};
// Does count text s say n reports, under the small-count rule?
const countIs = (s, n) => n === 0 ? /^No reports/.test(s.trim()) :
    s.trim().startsWith(n === 1 && K <= 1 ? '1 report' : `${ct(n)} report`);

async function open(page, params) {
	const u = new URLSearchParams(params).toString();
	await page.goto(`${BASE}search/${u ? '?' + u : ''}`);
	return settled(page, params.q || '');
}

async function search(page, q) {
	const r = await open(page, { q });
	return { ...r, all: await allIds(page) };
}

// The facet groups of the filters: the keys of those open, in order.
const openGroups = (page) => page.$$eval('#search-filters details[open]',
    (l) => l.map((d) => d.getAttribute('data-key')));

// The count each facet value shows: { "key=slug": "(n)" or "" }.
const shownCounts = (page) => page.evaluate(() => {
	const o = {};
	document.querySelectorAll('#search-filters input[type=checkbox]')
	    .forEach((c) => {
		const s = c.parentNode.querySelector('.count');
		o[c.name + '=' + c.value] = s ? s.textContent : '';
	});
	return o;
});

// Waits until the filters say that the counts of their open groups are
// shown.
const countsShown = (page) => page.waitForSelector(
    '#search-filters[data-facets="done"]');

// The counts the facets of keys should show for results ids (all when
// null) with filters f: the reports among them that pass the other
// facets' filters, per value.
function wantCounts(ids, f, keys) {
	const o = {};
	const among = ids ? new Set(ids) : null;
	for (const fc of ENTRY.facets) {
		if (!keys.includes(fc.key))
			continue;
		const base = passing(f, fc.key).filter((x) => !among ||
		    among.has(x.id));
		for (const [slug] of fc.values)
			o[`${fc.key}=${slug}`] = '(' + ct(base.filter((x) =>
			    vals(x, fc.key).includes(slug)).length) + ')';
	}
	return o;
}

// The values of keys whose shown count is not the wanted one; with
// others, also those of the other facets that show a count.
function badCounts(shown, want, others) {
	const bad = Object.keys(want).filter((k) => shown[k] !== want[k])
	    .map((k) => `${k}: "${shown[k]}" not ${want[k]}`);
	if (others)
		for (const k in shown)
			if (!(k in want) && shown[k] !== '')
				bad.push(`${k}: "${shown[k]}" closed`);
	return bad;
}

// Opens the Filters box, if closed, and the groups of keys by a click on
// their summaries, as a reader would; then waits for their counts.
async function openFilters(page, keys) {
	if (!(await page.$eval('.search-filters-box', (d) => d.open)))
		await page.click('.search-filters-box > summary');
	for (const k of keys) {
		const g = `#search-filters details[data-key="${k}"]`;
		if (!(await page.$eval(g, (d) => d.open)))
			await page.click(`${g} > summary`);
	}
	await countsShown(page);
}

// The facet keys whose column (or "months") page has requested since
// the log began: log(page) starts one and returns its array.
function columnLog(page) {
	const file = new Map(ENTRY.facets.map((x) => [x.file, x.key]));
	file.set(ENTRY.months, 'months');
	const seen = [];
	page.on('request', (r) => {
		const p = new URL(r.url()).pathname.split('/search/')[1];
		const k = file.get(p);
		if (k && !seen.includes(k))
			seen.push(k);
	});
	return seen;
}

// --- the checks -------------------------------------------------------------

async function typing(page) {
	// A word of a title, typed key by key: highlighted results.
	const r0 = REPORTS.find((r) => fold(r.title).some((w) => w.length >= 7));
	const word = fold(r0.title).find((w) => w.length >= 7);
	// The privacy page: what is typed is not sent as such.  Every
	// request while typing is a GET of the index's entry or of a file
	// named by a hash (nearmiss-index(5)), or of the site's icon, which
	// the browser fetches when it likes: nothing typed is in it.
	const sent = [];
	const onReq = (q) => sent.push(`${q.method()} ${q.url()}`);
	await page.goto(`${BASE}search/`);
	await page.waitForSelector('#search-q');
	page.on('request', onReq);
	await page.locator('#search-q').pressSequentially(word, { delay: 30 });
	const r = await settled(page, word);
	page.off('request', onReq);
	const named = new RegExp('^GET ' + BASE.replace(/[.*+?^${}()|[\]\\/]/g,
	    '\\$&') + '(search/(index|x/[0-9a-f]{16}|m/[0-9]+\\.[0-9a-f]{8})' +
	    '\\.json|favicon\\.svg)$');
	check(`typing "${word}": only GETs of the index's files`,
	    sent.length > 0 && sent.every((x) => named.test(x)),
	    sent.join(' '));
	check(`typing "${word}" shows results, the count and ${r0.id}`,
	    r.ids.length > 0 && (countOf(r.count) >= r.ids.length ||
	    countIs(r.count, r.ids.length)) &&
	    (r.ids.includes(r0.id) || countOf(r.count) > 5),
	    `count "${r.count}", ids ${r.ids.join(' ')}`);
	const marks = await page.$$eval('#search-results mark',
	    (l) => l.map((m) => m.textContent));
	check('the typed word is highlighted with <mark>',
	    marks.some((m) => fold(m)[0] === word), marks.join(', '));
	check('the URL follows the typing (replaceState), default sort left out',
	    new URLSearchParams(r.url).get('q') === word &&
	    !new URLSearchParams(r.url).has('sort') &&
	    await page.inputValue('#search-sort') === 'relevance', r.url);
	const live = await page.$eval('#search-count', (e) => [e.getAttribute(
	    'role'), e.getAttribute('aria-live')].join(' '));
	check('the count is a polite live region', live === 'status polite',
	    live);
	check('a first page of 5 results at most', r.ids.length <= 5 &&
	    (countOf(r.count) >= 5 ? r.ids.length === 5 :
	    countIs(r.count, r.ids.length)), `${r.ids.length}`);

	// Typed while the entry file is still on its way (a slow network).
	await page.route('**/search/index.json', async (route) => {
		await new Promise((ok) => setTimeout(ok, 700));
		await route.continue();
	});
	await page.goto(`${BASE}search/`);
	await page.waitForSelector('#search-q', { state: 'visible' });
	await page.locator('#search-q').pressSequentially(word, { delay: 10 });
	const slow = await settled(page, word);
	check('typing before the index arrived still searches',
	    slow.ids.join() === r.ids.join(), `${slow.ids} vs ${r.ids}`);
	await page.unroute('**/search/index.json');
}

// The home page's search box opens search/?q=; the keyboard alone reaches
// the sort, the filters and a checkbox, and "More results" moves focus to
// the first new result.
async function keyboard(page) {
	await page.goto(BASE);
	await page.fill('#search-q', 'officer');
	await page.press('#search-q', 'Enter');
	const r = await settled(page, 'officer');
	check('the home page search box opens search/?q=officer with results',
	    /\/search\/\?q=officer$/.test(page.url()) && r.ids.length > 0,
	    page.url());
	await page.focus('#search-q');
	const order = [];
	for (let i = 0; i < 3; i++) {
		await page.keyboard.press('Tab');
		order.push(await page.evaluate(() => {
			const e = document.activeElement;
			return e.id || e.tagName.toLowerCase();
		}));
	}
	check('Tab goes from the input to the button, the sort and the filters',
	    order.join(' ') === 'button search-sort summary', order.join(' '));
	await page.keyboard.press('Enter');
	await page.keyboard.press('Tab');
	const g = await page.evaluate(() => ({
		open: document.querySelector('.search-filters-box').open,
		tag: document.activeElement.tagName.toLowerCase(),
		key: document.activeElement.parentNode.getAttribute('data-key'),
		groupOpen: document.activeElement.parentNode.open,
	}));
	check('Enter opens the filters and Tab reaches the summary of the ' +
	    'first facet\'s group, open', g.open && g.tag === 'summary' &&
	    g.key === ENTRY.facets[0].key && g.groupOpen, JSON.stringify(g));
	await page.keyboard.press('Tab');
	const box = await page.evaluate(() => ({
		type: document.activeElement.type,
		name: document.activeElement.name,
		value: document.activeElement.value,
	}));
	check('Tab goes on to its first checkbox', box.type === 'checkbox' &&
	    box.name === ENTRY.facets[0].key, JSON.stringify(box));
	await page.keyboard.press('Space');
	const r2 = await settled(page, 'officer');
	check('Space on a filter checkbox searches with it',
	    new URLSearchParams(r2.url).get(box.name) === box.value, r2.url);
	await countsShown(page);
	const still = await page.evaluate((v) => document.activeElement
	    .value === v && document.activeElement.type === 'checkbox',
	    box.value);
	check('the checkbox keeps the focus while results and counts come',
	    still);
	// Tab to the next group's summary (past the first group's other
	// checkboxes): Enter opens it, the focus stays, its counts come.
	const k2 = ENTRY.facets[1].key;
	for (let i = 0; i < 50; i++) {
		await page.keyboard.press('Tab');
		if (await page.evaluate(() => document.activeElement.tagName ===
		    'SUMMARY'))
			break;
	}
	await page.keyboard.press('Enter');
	await countsShown(page);
	const g2 = await page.evaluate(() => {
		const d = document.activeElement.parentNode;
		return { tag: document.activeElement.tagName.toLowerCase(),
		    key: d.getAttribute('data-key'), open: d.open,
		    counts: [...d.querySelectorAll('.count')]
		    .every((s) => /^\((\d+|< \d+)\)$/.test(s.textContent)) };
	});
	check('Enter on the next group\'s summary opens it, keeps the ' +
	    'focus, and shows its counts', g2.tag === 'summary' &&
	    g2.key === k2 && g2.open && g2.counts, JSON.stringify(g2));
	await page.goto(`${BASE}search/?q=officer`);
	await settled(page, 'officer');
	const n = await page.locator('#search-results li').count();
	await page.focus('#search-more');
	await page.keyboard.press('Enter');
	await page.waitForFunction((n) => document.querySelectorAll(
	    '#search-results li').length > n, n);
	const f = await page.evaluate((n) => document.activeElement ===
	    document.querySelectorAll('#search-results li')[n]
	    .querySelector('a'), n);
	check('"More results" appends results and focuses the first new one',
	    f, `after ${n}`);
}

async function filters(page) {
	// Empty query and the type, loss and time of day of the most common
	// combination: exactly the matching reports, newest first.
	const combos = new Map();
	for (const r of REPORTS) {
		const k = ['type', 'loss', 'time'].map((f) => vals(r, f)[0]).join('|');
		combos.set(k, (combos.get(k) || 0) + 1);
	}
	const best = [...combos].sort((a, b) => b[1] - a[1])[0][0].split('|');
	const f = { type: [best[0]], loss: [best[1]], time: [best[2]] };
	const r = await open(page, { type: best[0], loss: best[1],
	    time: best[2] });
	const all = await allIds(page);
	const want = passing(f).map((x) => x.id);
	check(`filters only (${best.join(', ')}) list exactly the matching ` +
	    'reports', sameSet(all, want) && countIs(r.count, want.length),
	    diff(want, all));
	const months = all.map((id) => byId.get(id).event_date);
	check('filter-only results are newest first',
	    months.every((m, i) => i === 0 || months[i - 1] >= m),
	    months.join(' '));
	// The groups of the facets filtered start open, with the first;
	// then every group opened: the count of every value of every facet.
	const first = ENTRY.facets[0].key;
	const og = await openGroups(page);
	check('the groups of the filtered facets and the first start open',
	    sameSet(og, [...new Set([first, 'type', 'loss', 'time'])]),
	    og.join(' '));
	await openFilters(page, []);
	const bad0 = badCounts(await shownCounts(page), wantCounts(null, f, og),
	    true);
	check('the open groups show their counts, the closed ones none',
	    bad0.length === 0, bad0.slice(0, 6).join('; '));
	await openFilters(page, ENTRY.facets.map((x) => x.key));
	const shown = await shownCounts(page);
	const bad = badCounts(shown, wantCounts(null, f,
	    ENTRY.facets.map((x) => x.key)), false);
	check('every facet value shows its count among the other filters',
	    Object.keys(shown).length > 0 && bad.length === 0,
	    bad.slice(0, 6).join('; '));
	await smallCount(page);
}

// The small-count rule live: a value that fewer than k reports carry,
// alone as a filter, lists them, but its count and the filter's say
// "< k", never the number.
async function smallCount(page) {
	let pick = null;
	for (const fc of ENTRY.facets)
		for (const [slug] of fc.values) {
			const n = passing({ [fc.key]: [slug] }).length;
			if (!pick && n > 0 && n < K)
				pick = { key: fc.key, slug, n };
		}
	check(`the demo has a value with fewer than k = ${K} reports`,
	    pick !== null && K > 1);
	if (!pick)
		return;
	const r = await open(page, { [pick.key]: pick.slug });
	const all = await allIds(page);
	check(`${pick.key}=${pick.slug} (${pick.n} reports) lists them and ` +
	    `counts them as "< ${K} reports"`, all.length === pick.n &&
	    r.count.trim() === `< ${K} reports`, `"${r.count}", ${all.length}`);
	await openFilters(page, [pick.key]);
	const shown = await shownCounts(page);
	const c = shown[`${pick.key}=${pick.slug}`];
	check(`its filter's live count is "(< ${K})"`, c === `(< ${K})`,
	    `"${c}"`);
	const nums = Object.values(shown).filter((x) => {
		const m = /^\((\d+)\)$/.exec(x);
		return m && +m[1] < K;
	});
	check(`no filter shows a count below ${K}`, nums.length === 0,
	    nums.join(' '));
}

// The groups of the filters: with the Filters box open, only the open
// groups' columns are fetched; opening another fetches its column and
// shows its counts; a new query refreshes the open groups' counts; a
// filter in the URL opens its group.
async function groups(page) {
	const keys = ENTRY.facets.map((x) => x.key);
	const first = keys[0], k2 = keys[1], last = keys[keys.length - 1];
	const q1 = 'officer', q2 = 'pursuit';
	const all1 = (await search(page, q1)).all;
	const all2 = (await search(page, q2)).all;
	const p = await page.context().newPage();
	try {
		const seen = columnLog(p);
		await open(p, { q: q1 });
		const og = await openGroups(p);
		check('only the first facet\'s group starts open',
		    og.join(' ') === first, og.join(' '));
		await openFilters(p, []);
		check(`Filters opened: only the ${first} column is fetched`,
		    seen.join(' ') === first, seen.join(' '));
		let want = wantCounts(all1, {}, [first]);
		let bad = badCounts(await shownCounts(p), want, true);
		check(`"${q1}": the ${first} group shows its counts, the ` +
		    'closed groups none', all1.length > 0 && bad.length === 0,
		    bad.slice(0, 6).join('; '));

		await openFilters(p, [k2]);
		check(`opening the ${k2} group fetches its column, no other`,
		    seen.join(' ') === `${first} ${k2}`, seen.join(' '));
		want = wantCounts(all1, {}, [first, k2]);
		bad = badCounts(await shownCounts(p), want, true);
		check(`"${q1}": the ${k2} group, opened, shows its counts`,
		    bad.length === 0, bad.slice(0, 6).join('; '));

		// A new query, submitted: the counts of both open groups
		// follow, with no other column.
		const want2 = wantCounts(all2, {}, [first, k2]);
		check(`"${q1}" and "${q2}" have counts that differ`,
		    Object.keys(want).some((k) => want[k] !== want2[k]));
		await p.fill('#search-q', q2);
		await p.press('#search-q', 'Enter');
		await settled(p, q2);
		await countsShown(p);
		bad = badCounts(await shownCounts(p), want2, true);
		check(`a new query ("${q2}") refreshes the open groups' counts`,
		    all2.length > 0 && bad.length === 0,
		    bad.slice(0, 6).join('; '));
		check('and fetches no other column',
		    seen.join(' ') === `${first} ${k2}`, seen.join(' '));
	} finally {
		await p.close();
	}

	// A filter of the last facet in the URL: its group starts open,
	// and its counts are those among the other filters (none).
	const counts = new Map();
	for (const id of all1)
		for (const v of vals(byId.get(id), last))
			counts.set(v, (counts.get(v) || 0) + 1);
	const pick = [...counts].sort((a, b) => b[1] - a[1])[0];
	const p2 = await page.context().newPage();
	try {
		const seen = columnLog(p2);
		await open(p2, { q: q1, [last]: pick[0] });
		const og = await openGroups(p2);
		check(`${last}=${pick[0]} in the URL opens the ${last} group`,
		    sameSet(og, [first, last]), og.join(' '));
		await openFilters(p2, []);
		check(`the columns fetched are those of ${first} and ${last}`,
		    sameSet(seen, [first, last]), seen.join(' '));
		const f = { [last]: [pick[0]] };
		const bad = badCounts(await shownCounts(p2),
		    wantCounts(all1, f, [first, last]), true);
		check(`"${q1}" with ${last}=${pick[0]}: the counts of both ` +
		    'open groups', bad.length === 0,
		    bad.slice(0, 6).join('; '));
	} finally {
		await p2.close();
	}
}

async function narrowing(page, log) {
	// A query, then one filter of each facet through the form: each
	// narrows the results to those of the query with the value.
	const q = 'officer';
	const r0 = await search(page, q);
	check(`"${q}" finds reports`, r0.all.length > 0, r0.count);
	for (const fc of ENTRY.facets) {
		const counts = new Map();
		for (const id of r0.all)
			for (const v of vals(byId.get(id), fc.key))
				counts.set(v, (counts.get(v) || 0) + 1);
		const pick = [...counts].sort((a, b) => b[1] - a[1])
		    .find((x) => x[1] < r0.all.length) || [...counts][0];
		if (!pick) {
			check(`filter ${fc.key}: a value among "${q}" results`, false,
			    'none');
			continue;
		}
		await open(page, { q });
		await openFilters(page, [fc.key]);
		await page.check(`#search-filters input[name="${fc.key}"]` +
		    `[value="${pick[0]}"]`);
		const r = await settled(page, q);
		const all = await allIds(page);
		const want = r0.all.filter((id) => vals(byId.get(id), fc.key)
		    .includes(pick[0]));
		check(`filter ${fc.key}=${pick[0]} narrows "${q}"`,
		    sameSet(all, want) && countIs(r.count, want.length),
		    diff(want, all));
		const u = new URLSearchParams(r.url);
		check(`filter ${fc.key} is in the URL`,
		    u.getAll(fc.key).includes(pick[0]) && u.get('q') === q, r.url);
		if (fc.key === 'type') {
			// Reload and back: the URL is the state.
			await page.reload();
			const r2 = await settled(page, q);
			const checked = await page.isChecked(`#search-filters ` +
			    `input[name="type"][value="${pick[0]}"]`);
			check('reload restores the query, the filter and results',
			    checked && r2.ids.join() === r.ids.join() &&
			    await page.inputValue('#search-q') === q,
			    `checked ${checked}, ${r2.ids} vs ${r.ids}`);
			await page.goBack();
			const r3 = await settled(page, q);
			check('the back button restores the unfiltered results',
			    r3.ids.join() === r0.ids.join() &&
			    !(await page.isChecked(`#search-filters input` +
			    `[name="type"][value="${pick[0]}"]`)),
			    `${r3.ids} vs ${r0.ids} (${r3.url})`);
		}
	}
	// Year range: from/to in the URL.
	const years = REPORTS.map((x) => +x.event_date.slice(0, 4));
	const y = years.sort()[Math.floor(years.length / 2)];
	const r = await open(page, { from: String(y), to: String(y) });
	check('a year range in the URL opens the year group',
	    (await openGroups(page)).includes('years'),
	    (await openGroups(page)).join(' '));
	const all = await allIds(page);
	const want = REPORTS.filter((x) => +x.event_date.slice(0, 4) === y)
	    .map((x) => x.id);
	check(`from=${y}&to=${y} lists the reports of ${y}`,
	    sameSet(all, want) && countIs(r.count, want.length),
	    diff(want, all));
}

async function queries(page) {
	// Phrase: two words of a title in a row; every result has them so.
	let ph = null;
	for (const r of REPORTS) {
		const w = fold(r.title);
		for (let i = 0; i + 1 < w.length && !ph; i++)
			if (w[i].length >= 5 && w[i + 1].length >= 5 &&
			    !ENTRY.stop.includes(w[i]) &&
			    REPORTS.filter((x) => x.text.includes(w[i]) &&
			    x.text.includes(w[i + 1])).length >
			    REPORTS.filter((x) => hasSeq(x, [w[i], w[i + 1]])).length)
				ph = { id: r.id, w: [w[i], w[i + 1]] };
		if (ph)
			break;
	}
	if (ph) {
		const q = `"${ph.w.join(' ')}"`;
		const r = await search(page, q);
		const loose = await search(page, ph.w.join(' ') + ' ');
		check(`phrase ${q} finds ${ph.id}, and fewer reports than ` +
		    'its words apart', r.all.includes(ph.id) &&
		    r.all.length < loose.all.length &&
		    r.all.every((id) => loose.all.includes(id)),
		    `${r.all.length} vs ${loose.all.length}: ${r.all}`);
	} else
		check('a phrase to search for in the demo titles', false, 'none');

	// Exclusion: a word some results of "officer " have and others not.
	const base = await search(page, 'officer ');
	const have = (w) => base.all.filter((id) => byId.get(id).text.includes(w));
	const cand = [...new Set(base.all.flatMap((id) => byId.get(id).text))]
	    .filter((w) => w.length >= 6 && have(w).length >= 2 &&
	    have(w).length < base.all.length - 1)
	    .sort()[0];
	const ex = await search(page, `officer -${cand} `);
	const leak = ex.all.filter((id) => byId.get(id).text.includes(cand));
	check(`exclusion: "officer -${cand}" leaves out the reports with it`,
	    ex.all.length > 0 && ex.all.length < base.all.length &&
	    leak.length === 0 && ex.all.every((id) => base.all.includes(id)),
	    `${ex.all.length} of ${base.all.length}; with it: ${leak}`);

	// Prefix: the first letters of a rare long word of a title.
	const rare = REPORTS.map((r) => ({ id: r.id, w: fold(r.title).find((w) =>
	    w.length >= 9 && REPORTS.filter((x) => x.text.includes(w))
	    .length === 1) })).find((x) => x.w);
	const pre = rare.w.slice(0, 6);
	const rp = await open(page, { q: pre });
	check(`prefix: "${pre}" (typing) finds ${rare.id} ("${rare.w}")`,
	    rp.ids.includes(rare.id), rp.ids.join(' '));

	// Typo: two letters of that word swapped, then a letter dropped
	// from a short word: "Did you mean" links to the right spelling.
	const w = rare.w;
	const typo = w.slice(0, 3) + w[4] + w[3] + w.slice(5);
	const rt = await open(page, { q: typo + ' ' });
	check(`typo: "${typo}" still finds ${rare.id}`, rt.ids.includes(rare.id),
	    rt.ids.join(' '));
	const dym = await page.$('.did-you-mean a');
	const dt = dym ? await dym.textContent() : '';
	check(`typo: "Did you mean ${w}" is offered`, fold(dt).includes(w), dt);
	const short = REPORTS.flatMap((r) => fold(r.title)).find((x) =>
	    x.length === 4 && !ENTRY.stop.includes(x) && /^[a-z]+$/.test(x));
	const miss = short.slice(0, 2) + 'q' + short.slice(3);
	const rm = await open(page, { q: miss + ' ' });
	const dym2 = await page.$('.did-you-mean a');
	const dt2 = dym2 ? await dym2.textContent() : '';
	if (countIs(rm.count, 0)) {
		const help = await page.isVisible('#search-help');
		check(`no results for "${miss}": help with links to browse/`,
		    help && await page.$('#search-help a[href$="browse/"]') !== null,
		    rm.count);
		if (dym2) {
			await dym2.click();
			const rr = await settled(page, dt2);
			check(`"Did you mean ${dt2}" searches it`, rr.ids.length > 0 &&
			    new URLSearchParams(rr.url).get('q') === dt2, rr.url);
		} else
			check(`"${miss}": a did-you-mean link`, false, rm.extra);
	} else
		check(`"${miss}" is not a word of the demo reports`, false, rm.count);

	// Synonyms: each phrase of the k9 (or first) group finds the reports
	// that use any phrase of the group.
	const ini = readFileSync(join(TOP, 'content/nearmiss.ini'), 'utf8');
	const sec = ini.slice(ini.indexOf('[synonyms]'));
	const groups = sec.split('\n').slice(1).map((l) =>
	    /^([\w-]+)\s*=\s*(.+)$/.exec(l)).filter(Boolean)
	    .map((m) => m[2].split(',').map((s) => fold(s)));
	const g = groups.find((ps) => ps.some((p) => p.join('') === 'k9')) ||
	    groups[0];
	const want = REPORTS.filter((r) => g.some((p) => hasSeq(r, p)))
	    .map((r) => r.id);
	for (const p of g) {
		const q = p.join(' ') === 'k 9' ? 'K9' : p.join(' ');
		const r = await search(page, q + ' ');
		const lost = want.filter((id) => !r.all.includes(id));
		check(`synonym: "${q}" finds the ${want.length} reports of its ` +
		    'group', want.length > 0 && lost.length === 0,
		    `missing ${lost.join(' ')}`);
	}

	// Sort: newest and oldest by event month.
	for (const sort of ['newest', 'oldest']) {
		const r = await open(page, { q: 'officer', sort });
		const all = await allIds(page);
		const m = all.map((id) => byId.get(id).event_date);
		check(`sort=${sort} orders by event month`, m.length > 1 &&
		    m.every((x, i) => i === 0 || (sort === 'newest' ?
		    m[i - 1] >= x : m[i - 1] <= x)) &&
		    await page.inputValue('#search-sort') === sort, m.join(' '));
	}
	await open(page, { q: 'officer' });
	await page.selectOption('#search-sort', 'oldest');
	const r = await settled(page, 'officer');
	const m = r.ids.map((id) => byId.get(id).event_date);
	check('choosing "oldest first" sorts and goes into the URL',
	    new URLSearchParams(r.url).get('sort') === 'oldest' &&
	    m.every((x, i) => i === 0 || m[i - 1] <= x), `${r.url} ${m}`);
}

// A whole word from the address: its first results come from its shard's
// best postings ("top") before any postings file is fetched, equal to
// the full search's, with its df as the count; "More results" follows.
async function quick(page) {
	const dir = join(SITE, 'search');
	const e = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
	const syn = new Set(e.synonyms.map((p) => p[0]));
	let sh = null, w = null;
	for (const v of e.vocab) {
		const s = JSON.parse(readFileSync(join(dir, v), 'utf8'));
		w = Object.keys(s.words).sort().find((k) => k === s.words[k][0] &&
		    !s.words[k][3] && s.words[k][1] >= 7 && !syn.has(k) &&
		    !/^[0-9~]/.test(k));
		if (w) {
			sh = s;
			break;
		}
	}
	if (!w) {
		check('quick: a word with 7 reports or more', false, 'none');
		return;
	}
	const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
	const t = sh.top[w], top = [];
	for (let i = 0; i < t.length; i++) {
		let v = 0, mul = 1, d;
		do {
			d = A.indexOf(t[i++]);
			v += (d & 31) * mul;
			mul *= 32;
		} while (d >= 32);
		top.push(v);
	}
	const ids = REPORTS.map((r) => r.id).sort();
	const want = top.slice(0, 5).map((d) => ids[d]);
	// What had been fetched, and what was shown, the moment the first
	// results were (the full search starts right after).
	const ctx = await page.context().browser().newContext();
	const p2 = await ctx.newPage();
	await p2.addInitScript(() => {
		new MutationObserver((l, o) => {
			const r = document.getElementById('search-results');
			if (!r || r.getAttribute('data-state') !== 'done')
				return;
			window.__nmFirst = {
				fetched: performance.getEntriesByType('resource')
				    .map((e) => e.name),
				count: document.getElementById('search-count')
				    .textContent,
				ids: [...r.querySelectorAll('li h2 a')].map((a) =>
				    a.getAttribute('href').replace(/\/$/, '')
				    .split('/').pop()),
			};
			o.disconnect();
		}).observe(document, { subtree: true, attributes: true,
		    attributeFilter: ['data-state'] });
	});
	await p2.goto(`${BASE}search/?q=${w}`);
	await p2.waitForFunction(() => window.__nmFirst !== undefined,
	    null, { timeout: 10000 });
	const first = await p2.evaluate(() => window.__nmFirst);
	const before = first.fetched;
	await ctx.close();
	await page.goto(`${BASE}search/?q=${w}`);
	const post = sh.files.filter((f) => before.some((u) => u.endsWith(f)));
	check(`quick: "${w}" shows its best 5 (${want.join(' ')}) and ` +
	    `${sh.words[w][1]} reports`, first.ids.join(' ') === want.join(' ') &&
	    countIs(first.count, sh.words[w][1]),
	    `${first.ids.join(' ')}; "${first.count}"`);
	check('quick: no postings file before the first results',
	    post.length === 0, post.join(' '));
	const full = await settled(page, w);
	check('quick: the full search shows the same first page',
	    full.ids.join(' ') === want.join(' '), full.ids.join(' '));
	const all = await allIds(page);
	check(`quick: "More results" lists all ${sh.words[w][1]}`,
	    all.length === sh.words[w][1] && new Set(all).size === all.length &&
	    all.slice(0, 5).join(' ') === want.join(' '), all.join(' '));
	await quickTyped(page, e, syn, ids);
	await quickStop(page, e, ids);
}

// A page of its own, in a new context: types q into the search box at
// once and gives what the page had when q's results were first shown:
// the files fetched (since the page loaded or, with typed, since the
// typing began), the count, the ids shown and data-full.
async function firstShown(page, q, typed) {
	const ctx = await page.context().browser().newContext();
	const p2 = await ctx.newPage();
	await p2.addInitScript(() => {
		new MutationObserver(() => {
			const r = document.getElementById('search-results');
			if (!r || window.__nmWant === undefined ||
			    window.__nmFirst !== undefined ||
			    r.getAttribute('data-state') !== 'done' ||
			    r.getAttribute('data-query') !== window.__nmWant)
				return;
			window.__nmFirst = {
				fetched: performance.getEntriesByType('resource')
				    .filter((x) => x.startTime >= window.__nmT0)
				    .map((x) => x.name),
				count: document.getElementById('search-count')
				    .textContent,
				ids: [...r.querySelectorAll('li h2 a')].map((a) =>
				    a.getAttribute('href').replace(/\/$/, '')
				    .split('/').pop()),
				full: r.getAttribute('data-full'),
			};
		}).observe(document, { subtree: true, attributes: true,
		    attributeFilter: ['data-state', 'data-query'] });
	});
	await p2.goto(`${BASE}search/`, { waitUntil: 'networkidle' });
	await p2.evaluate(([w, t]) => {
		window.__nmWant = w;
		window.__nmT0 = t ? performance.now() : 0;
	}, [q, typed]);
	await p2.type('#search-q', q);
	await p2.waitForFunction(() => window.__nmFirst !== undefined,
	    null, { timeout: 10000 });
	const first = await p2.evaluate(() => window.__nmFirst);
	return { ctx, p2, first };
}

// Typed key by key, a stop word that every report has ("the") and that
// starts words of other stems ("their", "then"): the first results come
// from the best postings of all these stems, before any postings file
// and before the full search, and are the full search's first page (as
// the engine ranks them with the postings, in node), with every report
// counted.
async function quickStop(page, e, ids) {
	const dir = join(SITE, 'search');
	const shards = e.vocab.map((v) => JSON.parse(readFileSync(join(dir, v),
	    'utf8')));
	const w = e.stop.find((x) => shards.some((s) => s.words[x] &&
	    s.words[x][1] === e.docs && Object.keys(s.words).some((k) =>
	    k !== x && k.startsWith(x) && s.words[k][0] !== s.words[x][0])));
	if (!w) {
		check('quick stop word: one in every report, starting others',
		    false, 'none');
		return;
	}
	const eng = new NM.Engine(join(dir, 'index.json'), (u) =>
	    Promise.resolve(JSON.parse(readFileSync(u, 'utf8'))));
	const full = await eng.search(w, {}, '', false, 0);
	const want = full.docs.slice(0, 5).map((d) => ids[d]);
	const files = shards.flatMap((s) => s.files);
	const { ctx, first } = await firstShown(page, w, false);
	const post = files.filter((f) => first.fetched.some((u) =>
	    u.endsWith(f)));
	check(`quick stop word: "${w}" shows the full search's best 5 ` +
	    `(${want.join(' ')}) and ${e.docs} reports`,
	    full.total === e.docs && want.length === Math.min(5, e.docs) &&
	    first.ids.join(' ') === want.join(' ') &&
	    countIs(first.count, e.docs),
	    `${first.ids.join(' ')}; "${first.count}"; ${full.total}`);
	check('quick stop word: no postings file before the first results',
	    post.length === 0, post.join(' '));
	check('quick stop word: the first results come before the full search',
	    first.full === null, `data-full="${first.full}"`);
	await ctx.close();
}

// Typed key by key: a prefix whose words all have one stem, in one shard
// ("pursu": pursuit, pursuits, pursuing), shows that stem's best postings
// before any postings file is fetched and before the full search is
// done, as the full search ranks them.
async function quickTyped(page, e, syn, ids) {
	const dir = join(SITE, 'search');
	let pick = null;
	for (let i = 0; i < e.vocab.length && !pick; i++) {
		const s = JSON.parse(readFileSync(join(dir, e.vocab[i]), 'utf8'));
		const next = e.vocab_first[i + 1];
		const words = Object.keys(s.words).sort();
		for (const w of words) {
			const stem = s.words[w][0];
			if (w.length < 5 || s.words[w][3] || s.words[w][1] < 7 ||
			    syn.has(stem) || /^[0-9~]/.test(w))
				continue;
			const p = w.slice(0, w.length - 1);
			const same = words.filter((k) => k.startsWith(p));
			if ((next && next.startsWith(p)) || same.length < 2 ||
			    same.some((k) => s.words[k][0] !== stem ||
			    s.words[k][3]))
				continue;
			pick = { p, stem, df: s.words[w][1], top: s.top[stem],
			    files: s.files };
			break;
		}
	}
	if (!pick) {
		check('quick typed: a prefix of one stem with 7 reports or more',
		    false, 'none');
		return;
	}
	const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
	const top = [];
	for (let i = 0; i < pick.top.length; i++) {
		let v = 0, mul = 1, d;
		do {
			d = A.indexOf(pick.top[i++]);
			v += (d & 31) * mul;
			mul *= 32;
		} while (d >= 32);
		top.push(v);
	}
	const want = top.slice(0, 5).map((d) => ids[d]);
	// Typed at once: the client's pause between keys makes it one
	// search, of the whole prefix, in a page that fetched no postings.
	const { ctx, p2, first } = await firstShown(page, pick.p, true);
	const post = pick.files.filter((f) =>
	    first.fetched.some((u) => u.endsWith(f)));
	check(`quick typed: "${pick.p}" shows the best 5 of "${pick.stem}" ` +
	    `and ${pick.df} reports`, first.ids.join(' ') === want.join(' ') &&
	    countIs(first.count, pick.df),
	    `${first.ids.join(' ')} vs ${want.join(' ')}; "${first.count}"`);
	check('quick typed: no postings file before the first results',
	    post.length === 0, post.join(' '));
	check('quick typed: the first results come before the full search',
	    first.full === null, `data-full="${first.full}"`);
	await p2.waitForFunction(() => document.getElementById(
	    'search-results').getAttribute('data-full') === 'done', null,
	    { timeout: 10000 });
	const after = await p2.evaluate(() => [...document.querySelectorAll(
	    '#search-results li h2 a')].map((a) => a.getAttribute('href')
	    .replace(/\/$/, '').split('/').pop()));
	check('quick typed: the full search keeps that first page',
	    after.slice(0, 5).join(' ') === want.join(' '), after.join(' '));
	await ctx.close();
}

// Hostile metadata (titles with markup): shown as text, never run.
async function hostile(page, log) {
	const evil = '<img src=x onerror="window.__nmPwned=1;alert(1)">' +
	    '<script>window.__nmPwned=2<\/script>';
	await page.route('**/search/m/*.json', async (route) => {
		const res = await route.fetch();
		const v = await res.json();
		for (const m of v) {
			m.title = evil + m.title;
			m.summary = evil + m.summary;
		}
		await route.fulfill({ response: res, json: v });
	});
	await open(page, { q: 'officer' });
	const st = await page.evaluate(() => ({
		pwned: window.__nmPwned,
		imgs: document.querySelectorAll('#search-results img, ' +
		    '#search-results script').length,
		text: document.querySelector('#search-results h2').textContent,
	}));
	check('hostile titles are inert text', st.pwned === undefined &&
	    st.imgs === 0 && st.text.startsWith('<img src=x') &&
	    log.dialogs.length === 0, JSON.stringify(st) + log.dialogs);
	await page.unroute('**/search/m/*.json');
	// A report of the demo with markup in its text, if there is one.
	const bad = REPORTS.find((r) => /<script|onerror/i.test(r.raw));
	if (bad) {
		const q = fold(bad.title).filter((w) => w.length >= 5)
		    .slice(0, 3).join(' ') + ' ';
		const r = await open(page, { q: q.trim() ? q : bad.id });
		const t = await page.$$eval('#search-results h2',
		    (l) => l.map((h) => h.textContent));
		check(`hostile report ${bad.id} is found and shown as text`,
		    r.ids.includes(bad.id) && t.includes(bad.title) &&
		    log.dialogs.length === 0, t.join(' | '));
	}
}

async function axe(browser) {
	const context = await browser.newContext({ bypassCSP: true,
	    viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	const report = REPORTS[REPORTS.length - 1].id;
	/* The report of the week's pages (week.c), when the demo has them. */
	const weeks = existsSync(join(SITE, 'week')) ? readdirSync(join(SITE,
	    'week')).filter((d) => /^\d{4}-w\d\d$/.test(d)).sort() : [];
	const wk = weeks.length ? [['reports of the week', 'week/'],
	    ['roll-call view', `week/${weeks[weeks.length - 1]}/`]] : [];
	for (const [name, path, q] of [['search', 'search/?q=officer',
	    'officer'], ['browse', 'browse/'], ['home', ''],
	    ['report', `reports/${report}/`], ['lessons', 'lessons/'],
	    ['lessons of a factor', `lessons/factor/${readdirSync(join(SITE,
	    'lessons', 'factor')).sort()[0]}/`], ...wk]) {
		await page.goto(BASE + path);
		if (q !== undefined) {
			await settled(page, q);
			await openFilters(page, ENTRY.facets.map((x) => x.key)
			    .concat('years'));
		}
		await page.addScriptTag({ path: AXE });
		const v = await page.evaluate(async () => {
			const r = await window.axe.run(document);
			return r.violations.filter((x) => x.impact === 'serious' ||
			    x.impact === 'critical').map((x) => `${x.id} ` +
			    `(${x.impact}): ${x.nodes.slice(0, 2).map((n) =>
			    n.target.join(' ')).join(', ')}`);
		});
		check(`axe: no serious or critical violation on ${name}`,
		    v.length === 0, v.join('; '));
	}
	await context.close();
}

async function phone(browser) {
	const context = await browser.newContext({ viewport: { width: 390,
	    height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
	const page = await context.newPage();
	const log = watch(page);
	await open(page, { q: 'pursuit' });
	const top = await page.$eval('#search-results li', (e) =>
	    e.getBoundingClientRect().top);
	check('390 px phone: the first result starts on the first screen',
	    top < 844 - 40, `top ${Math.round(top)} px`);
	const wide = await page.evaluate(() =>
	    document.documentElement.scrollWidth);
	check('390 px phone: no sideways scrolling', wide <= 390, `${wide} px`);
	check('phone: no console errors', log.errors.length === 0,
	    log.errors.join(' | '));
	await context.close();
}

async function nojs(browser) {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await page.goto(`${BASE}search/?q=pursuit`);
	const st = await page.evaluate(() => ({
		msg: !document.getElementById('search-nojs').hidden &&
		    /JavaScript/.test(document.getElementById('search-nojs')
		    .textContent),
		form: document.getElementById('search-form').hidden,
		browse: !!document.querySelector('#search-nojs a[href$="browse/"]'),
	}));
	check('without JavaScript: says so, hides the form, links browse/',
	    st.msg && st.form && st.browse, JSON.stringify(st));
	await context.close();
}

async function main() {
	check('the demo has published reports and a search index',
	    REPORTS.length > 0 && ENTRY && ENTRY.docs === REPORTS.length,
	    `${REPORTS.length} reports, index of ${ENTRY ? ENTRY.docs :
	    'none (no search/index.json)'}`);
	if (!ENTRY)
		return;
	const browser = await chromium.launch({ executablePath: EXE,
	    headless: true, args: ARGS, timeout: 30000 });
	try {
		const context = await browser.newContext({ viewport: { width: 1280,
		    height: 900 } });
		context.setDefaultTimeout(10000);
		const page = await context.newPage();
		const log = watch(page);
		await typing(page);
		await keyboard(page);
		await filters(page);
		await groups(page);
		await narrowing(page, log);
		await queries(page);
		await quick(page);
		await hostile(page, log);
		check('no console errors', log.errors.length === 0,
		    log.errors.slice(0, 5).join(' | '));
		check('no request leaves the site', log.offhost.length === 0,
		    log.offhost.slice(0, 5).join(', '));
		await context.close();
		await phone(browser);
		await nojs(browser);
		await axe(browser);
	} finally {
		await browser.close();
	}
}

try {
	await main();
} catch (e) {
	check('the search run finished', false, e.stack || String(e));
}
if (RESULT)
	writeFileSync(RESULT, `browser: ${passed} passed, ${failed} failed\n`);
console.log(`search: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
