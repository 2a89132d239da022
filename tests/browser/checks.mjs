// checks.mjs: the real-browser checks of the demo site, in Debian's Chromium
// driven by playwright-core.  run.sh renders the site, serves it and runs
// this file with:
//   BASE_URL  the served site, http://127.0.0.1:PORT/
//   SITE      the rendered folder (to pick a report and a list to visit)
//   OUT       a scratch folder for screenshots and the PDF
//   RESULT    the file to write the closing "browser: N passed, N failed" to
//   CHROMIUM  the browser (default /usr/bin/chromium)
//   FORM_URL  the intake form (nearmiss-intake serve), checked by form.mjs;
//             INBOX its inbox folder (both optional)
// Every check counts once; a failed check prints "FAIL: name: details" on
// stderr.  VERBOSE=1 also prints the passing ones.

import { chromium } from 'playwright-core';
import { readFileSync, readdirSync, existsSync, statSync,
    writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formChecks } from './form.mjs';
import { statusChecks } from './status.mjs';

const BASE = process.env.BASE_URL;
const SITE = process.env.SITE;
const OUT = process.env.OUT;
const RESULT = process.env.RESULT;
const EXE = process.env.CHROMIUM || '/usr/bin/chromium';
const VERBOSE = !!process.env.VERBOSE;

// The flags this machine needs (see .library/env/machines/c.md).  Playwright
// adds --headless itself and makes a fresh, empty --user-data-dir in
// $TMPDIR for every launch (run.sh points TMPDIR into its own temp folder).
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
		console.error(`FAIL: ${name}${detail ? ': ' + detail : ''}`);
	}
}

function show(v) {
	return typeof v === 'string' ? v : JSON.stringify(v);
}

const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();

// --- what to visit ---------------------------------------------------------

// base_url of the production site, from robots.txt ("Sitemap: URLsitemap.xml").
const robots = readFileSync(join(SITE, 'robots.txt'), 'utf8');
const PROD = (robots.match(/^Sitemap:\s*(\S+)sitemap\.xml\s*$/m) || [])[1];
const PROD_HOST = PROD ? new URL(PROD).host : null;

function subdirs(dir) {
	return readdirSync(join(SITE, dir)).filter((d) =>
	    existsSync(join(SITE, dir, d, 'index.html'))).sort();
}
const reportIds = subdirs('reports').filter((d) => /^\d{4}-\d+$/.test(d));
const REPORT = `reports/${reportIds[reportIds.length - 1]}/`;
const LIST = `incident-type/${subdirs('incident-type')[0]}/`;
const MISSING = 'no/such/page/';
// The report of the week (week.c): week/ and the newest roll-call view.
const WEEKS = existsSync(join(SITE, 'week')) ? subdirs('week') : [];
const ROLLCALL = WEEKS.length ? `week/${WEEKS[WEEKS.length - 1]}/` : null;

const PAGES = [
	{ name: 'home', path: '' },
	{ name: 'report', path: REPORT },
	{ name: 'list', path: LIST },
	{ name: 'list page 2', path: 'reports/page/2/' },
	{ name: 'list by event date', path: 'reports/by-event/' },
	{ name: 'browse', path: 'browse/' },
	{ name: 'terms', path: 'incident-type/' },
	{ name: 'static page', path: 'about/' },
	{ name: 'open data', path: 'data/' },
	{ name: 'search', path: 'search/', script: 'search.js' },
	{ name: 'stats', path: 'stats/' },
	{ name: 'lessons', path: 'lessons/' },
	{ name: 'lessons of a type', path: `lessons/${LIST}` },
	{ name: '404', path: MISSING, missing: true },
	...(ROLLCALL ? [{ name: 'reports of the week', path: 'week/' },
	    { name: 'roll-call view', path: ROLLCALL }] : []),
];

// --- colour helpers (run in Node on what the page reports) -----------------

function parseColor(s) {
	const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/
	    .exec(s || '');
	if (!m)
		return null;
	let a = m[4] === undefined ? 1 : parseFloat(m[4]);
	if (m[4] && m[4].endsWith('%'))
		a /= 100;
	return [+m[1], +m[2], +m[3], a];
}

function luminance([r, g, b]) {
	const f = (c) => {
		c /= 255;
		return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	};
	return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

function contrast(a, b) {
	const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
	return (x + 0.05) / (y + 0.05);
}

// blend: composites the colour layers (topmost first) over white.
function blend(layers) {
	let out = [255, 255, 255];
	for (const c of [...layers].reverse()) {
		const p = parseColor(c);
		if (!p)
			continue;
		out = out.map((v, i) => p[i] * p[3] + v * (1 - p[3]));
	}
	return out;
}

// opaque: the background layers that are not fully transparent, for messages.
function opaque(layers) {
	const v = layers.filter((c) => (parseColor(c) || [0, 0, 0, 1])[3] > 0);
	return v.length ? v.join(' under ') : 'nothing (white canvas)';
}

// --- in-page probes (page.evaluate runs them whatever the page's CSP) -----

// The text colour, and the background layers from the element up to the
// first opaque one, of the body and of every visible link in main.
function probeColors() {
	const layers = (el) => {
		const out = [];
		for (let e = el; e; e = e.parentElement) {
			const bg = getComputedStyle(e).backgroundColor;
			out.push(bg);
			const m = /,\s*([\d.]+)\)$/.exec(bg);
			if (!bg.startsWith('rgba') || (m && +m[1] >= 1))
				break;
		}
		return out;
	};
	const visible = (el) => {
		const r = el.getBoundingClientRect();
		const cs = getComputedStyle(el);
		return r.width > 1 && r.height > 1 && cs.visibility !== 'hidden';
	};
	const body = document.body;
	return {
		body: { color: getComputedStyle(body).color, bg: layers(body) },
		links: [...document.querySelectorAll('main a[href]')]
		    .filter(visible).map((a) => ({
			text: a.textContent.replace(/\s+/g, ' ').trim().slice(0, 50),
			href: a.getAttribute('href'),
			color: getComputedStyle(a).color,
			bg: layers(a),
		    })),
	};
}

// Everything a single DOM pass can tell about one page.
function probeDom() {
	const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : '');
	const desc = (el) => {
		let s = el.tagName.toLowerCase();
		if (el.id)
			s += '#' + el.id;
		if (el.className && typeof el.className === 'string')
			s += '.' + el.className.trim().split(/\s+/).join('.');
		for (const a of ['href', 'name', 'type', 'src'])
			if (el.hasAttribute(a))
				s += `[${a}="${el.getAttribute(a)}"]`;
		return s;
	};
	let rules = 0;
	for (const sh of document.styleSheets) {
		try {
			rules += sh.cssRules.length;
		} catch (e) {
			/* A cross-origin sheet: its rules cannot be read. */
		}
	}
	const byIdText = (ids) => ids.split(/\s+/).map((id) =>
	    text(document.getElementById(id))).join(' ').trim();
	const controls = [...document.querySelectorAll(
	    'input, select, textarea')].filter((c) =>
	    !['hidden', 'submit', 'reset', 'button', 'image'].includes(c.type));
	const unlabelled = controls.filter((c) => {
		if ([...(c.labels || [])].some((l) => text(l) !== ''))
			return false;
		if ((c.getAttribute('aria-label') || '').trim() !== '')
			return false;
		const lb = c.getAttribute('aria-labelledby');
		return !(lb && byIdText(lb) !== '');
	}).map(desc);
	const cs = getComputedStyle(document.body);
	return {
		title: document.title,
		sheets: document.styleSheets.length,
		rules,
		bodyFont: cs.fontFamily,
		bodyMargin: cs.margin,
		bodyBg: cs.backgroundColor,
		h1: [...document.querySelectorAll('h1')].map(text),
		imgNoAlt: [...document.querySelectorAll('img:not([alt]), input[type=image]:not([alt])')].map(desc),
		unlabelled,
		styled: [...document.querySelectorAll('[style]')].map(desc),
		scripts: document.querySelectorAll('script').length,
		scriptSrcs: [...document.querySelectorAll('script')].map((e) =>
		    e.getAttribute('src') || '(inline)'),
		stylesheetHrefs: [...document.querySelectorAll('link[rel~=stylesheet]')]
		    .map((l) => l.getAttribute('href')),
		links: [...document.querySelectorAll('a[href]')].map((a) => ({
			href: a.getAttribute('href'), abs: a.href, text: text(a) })),
	};
}

// The focused element and whether its focus indicator shows.
function probeFocus() {
	const el = document.activeElement;
	if (!el || el === document.body || el === document.documentElement)
		return null;
	const cs = getComputedStyle(el);
	const transparent = (c) => /^rgba\(.*,\s*0\)$/.test(c) || c === 'transparent';
	const outline = cs.outlineStyle !== 'none' &&
	    parseFloat(cs.outlineWidth) > 0 && !transparent(cs.outlineColor);
	const shadow = cs.boxShadow && cs.boxShadow !== 'none';
	const r = el.getBoundingClientRect();
	let s = el.tagName.toLowerCase();
	if (el.id)
		s += '#' + el.id;
	if (el.getAttribute('href'))
		s += `[href="${el.getAttribute('href')}"]`;
	s += ` "${el.textContent.replace(/\s+/g, ' ').trim().slice(0, 40)}"`;
	return {
		desc: s,
		skip: el.classList.contains('skip-link'),
		href: el.getAttribute('href'),
		visible: (outline || shadow) && r.width > 0 && r.height > 0,
		style: `outline: ${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}; box-shadow: ${cs.boxShadow}`,
	};
}

// --- page instrumentation --------------------------------------------------

// Records the CSP violations of every document of the context.
function cspListener() {
	window.__nmCsp = [];
	document.addEventListener('securitypolicyviolation', (e) => {
		window.__nmCsp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
	}, true);
}

// watch PAGE: collects console errors, page errors, failed and off-host
// requests of PAGE into the object it returns.
function watch(page) {
	const log = { console: [], failed: [], offhost: [] };
	page.on('console', (m) => {
		if (m.type() === 'error')
			log.console.push({ text: m.text(), url: m.location().url || '' });
	});
	page.on('pageerror', (e) => log.console.push({ text: String(e), url: '' }));
	page.on('requestfailed', (r) => log.failed.push({ url: r.url(),
	    error: (r.failure() || {}).errorText || '?' }));
	page.on('request', (r) => {
		const u = new URL(r.url());
		const local = u.protocol === 'data:' || u.protocol === 'blob:' ||
		    (u.protocol === 'http:' && u.hostname === '127.0.0.1');
		if (!local)
			log.offhost.push(r.url());
	});
	return log;
}

// On the 404 page, which links to base_url absolutely, what concerns the
// production host is expected in this test and excused.
function offProd(s) {
	return PROD_HOST !== null && s.includes('//' + PROD_HOST + '/');
}

async function cdpNamelessLinks(context, page) {
	const cdp = await context.newCDPSession(page);
	try {
		const { nodes } = await cdp.send('Accessibility.getFullAXTree');
		const bad = [];
		for (const n of nodes) {
			if (n.ignored || !n.role || n.role.value !== 'link')
				continue;
			if (norm(n.name && n.name.value) !== '')
				continue;
			let d = `node ${n.backendDOMNodeId}`;
			try {
				const { node } = await cdp.send('DOM.describeNode',
				    { backendNodeId: n.backendDOMNodeId });
				d = `<${node.localName} ${node.attributes.join(' ')}>`;
			} catch (e) {
				/* Keep the node number. */
			}
			bad.push(d);
		}
		return bad;
	} finally {
		await cdp.detach();
	}
}

// --- the checks ------------------------------------------------------------

async function pageChecks(context, def, defaults) {
	const url = BASE + def.path;
	const n = `${def.name} (/${def.path})`;
	const page = await context.newPage();
	const log = watch(page);
	let resp = null;
	try {
		resp = await page.goto(url, { waitUntil: 'networkidle' });
	} catch (e) {
		check(`${n}: loads`, false, e.message);
		await page.close();
		return;
	}
	const want = def.missing ? 404 : 200;
	check(`${n}: status ${want}`, resp && resp.status() === want,
	    `got ${resp ? resp.status() : 'no response'}`);

	const dom = await page.evaluate(probeDom);
	if (def.missing) {
		const css = PROD + 'style.css';
		check(`${n}: stylesheet link is absolute to base_url (${css})`,
		    dom.stylesheetHrefs.length === 1 && dom.stylesheetHrefs[0] === css,
		    show(dom.stylesheetHrefs));
		const home = dom.links.filter((l) => l.abs === PROD ||
		    l.abs === BASE);
		check(`${n}: links to the home page`, home.length > 0,
		    'no link to ' + PROD);
	} else {
		check(`${n}: stylesheet applied`, dom.sheets === 1 && dom.rules > 0 &&
		    dom.bodyFont !== defaults.font && dom.bodyMargin === '0px',
		    `sheets ${dom.sheets}, rules ${dom.rules}, body font "${dom.bodyFont}", margin ${dom.bodyMargin}`);
	}
	check(`${n}: exactly one h1`, dom.h1.length === 1, show(dom.h1));

	const counts = {};
	for (const role of ['banner', 'navigation', 'main', 'contentinfo'])
		counts[role] = await page.getByRole(role).count();
	check(`${n}: landmarks banner, navigation, main, contentinfo`,
	    counts.banner === 1 && counts.navigation >= 1 && counts.main === 1 &&
	    counts.contentinfo === 1, show(counts));

	check(`${n}: every img has alt`, dom.imgNoAlt.length === 0,
	    dom.imgNoAlt.join(', '));
	check(`${n}: every form control has a label`, dom.unlabelled.length === 0,
	    dom.unlabelled.join(', '));
	const nameless = await cdpNamelessLinks(context, page);
	check(`${n}: every link has an accessible name`, nameless.length === 0,
	    nameless.join(', '));
	check(`${n}: no style attribute`, dom.styled.length === 0,
	    dom.styled.join(', '));
	// The search page runs search.js (search.mjs checks it), nothing else.
	if (def.script)
		check(`${n}: only its own script, ${def.script}`,
		    dom.scripts === 1 && dom.scriptSrcs[0].endsWith('/' +
		    def.script), dom.scriptSrcs.join(', '));
	else
		check(`${n}: no script element`, dom.scripts === 0,
		    `${dom.scripts} found`);

	// The skip link: first in the tab order, and it moves focus to main.
	await page.evaluate(() => document.activeElement &&
	    document.activeElement.blur && document.activeElement.blur());
	await page.keyboard.press('Tab');
	const first = await page.evaluate(probeFocus);
	check(`${n}: skip link is the first focusable element`,
	    first && first.skip && first.href === '#main',
	    first ? first.desc : 'nothing focused after Tab');
	if (first && first.skip) {
		await page.keyboard.press('Enter');
		const ok = await page.waitForFunction(() =>
		    document.activeElement === document.querySelector('main'),
		    null, { timeout: 2000 }).then(() => true, () => false);
		const now = await page.evaluate(probeFocus);
		check(`${n}: skip link moves focus to main`, ok,
		    `focus is on ${now ? now.desc : 'body'}`);
	} else {
		check(`${n}: skip link moves focus to main`, false,
		    'no skip link to activate');
	}
	// Let anything the keyboard started settle before reading the logs.
	await page.waitForLoadState('networkidle');

	const csp = await page.evaluate(() => window.__nmCsp || []);
	let errors = log.console;
	let failedReq = log.failed;
	let offhost = log.offhost;
	let cspv = csp;
	if (def.missing) {
		// The document itself is a 404, which Chromium logs as an error;
		// and the absolute links to base_url are refused by the CSP
		// ('self' is 127.0.0.1 here).
		errors = errors.filter((e) => !(e.url === url &&
		    /status of 404/.test(e.text)) && !offProd(e.text) &&
		    !offProd(e.url));
		failedReq = failedReq.filter((r) => !offProd(r.url));
		offhost = offhost.filter((u) => !offProd(u));
		cspv = cspv.filter((v) => !offProd(v));
		const refused = log.console.filter((e) => offProd(e.text))
		    .length + csp.filter(offProd).length;
		if (refused)
			console.log(`note: ${n}: ${refused} console/CSP report(s) ` +
			    `about ${PROD_HOST} excused (absolute links to base_url)`);
		if (refused && VERBOSE)
			for (const t of [...log.console.map((e) => e.text), ...csp,
			    ...log.failed.map((r) => `failed ${r.url} (${r.error})`),
			    ...log.offhost.map((u) => `request ${u}`)])
				console.log(`note:   ${t.slice(0, 160)}`);
	}
	check(`${n}: no console errors`, errors.length === 0,
	    errors.map((e) => e.text).join(' | '));
	check(`${n}: no CSP violations`, cspv.length === 0, cspv.join(' | '));
	check(`${n}: no failed requests`, failedReq.length === 0,
	    failedReq.map((r) => `${r.url} (${r.error})`).join(', '));
	check(`${n}: no request off 127.0.0.1`, offhost.length === 0,
	    offhost.join(', '));
	await page.close();
}

// Tab through the home page: every focused element shows its focus.
async function keyboardChecks(context) {
	const page = await context.newPage();
	await page.goto(BASE, { waitUntil: 'load' });
	const seen = [];
	const bad = [];
	let firstDesc = null;
	for (let i = 0; i < 400; i++) {
		await page.keyboard.press('Tab');
		const f = await page.evaluate(probeFocus);
		if (!f || (i > 0 && f.desc === firstDesc))
			break;
		if (i === 0)
			firstDesc = f.desc;
		seen.push(f.desc);
		if (!f.visible)
			bad.push(`${f.desc} (${f.style})`);
	}
	check(`keyboard: focus visible on all ${seen.length} stops of the home page`,
	    seen.length > 5 && bad.length === 0,
	    bad.length ? bad.slice(0, 8).join('; ') : `only ${seen.length} stops`);
	await page.close();
}

async function linkChecks(context) {
	const page = await context.newPage();
	await page.goto(BASE, { waitUntil: 'load' });
	// Home -> report.
	const link = page.locator('.report-item-title a').first();
	const text = norm(await link.textContent());
	await Promise.all([page.waitForURL(/\/reports\/[^/]+\/$/), link.click()]);
	const h1 = norm(await page.locator('h1').first().textContent());
	check('links: a report title on the home page opens that report',
	    h1 === text, `link "${text}", h1 "${h1}" at ${page.url()}`);
	const reportUrl = page.url();

	// Report -> its incident type list, which links back.
	const it = page.locator('dl.facts:visible > div').filter({
	    has: page.locator('dt', { hasText: /^Incident type$/ }) })
	    .locator('dd a');
	let ok = false;
	let detail = 'no incident type link on the report';
	if (await it.count() === 1) {
		const label = norm(await it.textContent());
		await Promise.all([page.waitForURL(/\/incident-type\/[^/]+\/$/),
		    it.click()]);
		const back = await page.evaluate((u) => [...document.querySelectorAll(
		    'main a[href]')].some((a) => a.href === u), reportUrl);
		const lh1 = norm(await page.locator('h1').first().textContent());
		ok = back && lh1.endsWith(label);
		detail = `at ${page.url()}: h1 "${lh1}", link back to ${reportUrl}: ${back}`;
	}
	check('links: the incident type of a report lists the report', ok, detail);

	// reports/ -> next -> reports/page/2/, current page marked.
	await page.goto(BASE + 'reports/', { waitUntil: 'load' });
	const next = page.locator('nav.pagination a[rel=next]');
	ok = false;
	detail = 'no rel=next link on reports/';
	if (await next.count() === 1) {
		await Promise.all([page.waitForURL('**/reports/page/2/'), next.click()]);
		const cur = await page.evaluate(() => [...document.querySelectorAll(
		    'nav a[aria-current="page"]')].map((a) => ({ href: a.href,
		    text: a.textContent.replace(/\s+/g, ' ').trim() })));
		ok = page.url() === BASE + 'reports/page/2/' && cur.length === 1 &&
		    cur[0].href === page.url() && /\b2$/.test(cur[0].text);
		detail = `at ${page.url()}, aria-current links ${show(cur)}`;
	}
	check('links: pagination next goes to reports/page/2/, marked aria-current',
	    ok, detail);

	// Header Browse -> browse/, marked; a value -> its list; the other order.
	await page.goto(BASE, { waitUntil: 'load' });
	const nav = page.getByRole('navigation', { name: 'Main' });
	const hb = nav.getByRole('link', { name: 'Browse', exact: true });
	const hs = nav.getByRole('link', { name: 'Search', exact: true });
	check('header: the Main navigation has Browse and Search links',
	    await hb.count() === 1 && await hs.count() === 1,
	    `${await hb.count()} Browse, ${await hs.count()} Search`);
	ok = false;
	detail = 'no Browse link in the header';
	if (await hb.count() === 1) {
		await Promise.all([page.waitForURL('**/browse/'), hb.click()]);
		const cur = await nav.locator('a[aria-current="page"]')
		    .allTextContents();
		const secs = await page.locator('main section h2').allTextContents();
		ok = cur.length === 1 && norm(cur[0]) === 'Browse' &&
		    secs.length === 9;
		detail = `aria-current ${show(cur)}, sections ${show(secs)}`;
	}
	check('browse: reached from the header, marked aria-current, nine fields',
	    ok, detail);
	ok = false;
	detail = 'no value link on browse/';
	const term = page.locator('main .term-list a').first();
	if (await term.count() === 1) {
		const label = norm(await term.textContent());
		await Promise.all([page.waitForURL(/\/[^/]+\/[^/]+\/$/),
		    term.click()]);
		const lh1 = norm(await page.locator('h1').first().textContent());
		const sort = page.getByRole('link', { name: 'Sort by event date' });
		if (lh1.endsWith(label) && await sort.count() === 1) {
			await Promise.all([page.waitForURL('**/by-event/'),
			    sort.click()]);
			const says = norm(await page.locator('.sort-order')
			    .textContent());
			ok = says.startsWith('Sorted by event date');
			detail = `at ${page.url()}: "${says}"`;
		} else
			detail = `at ${page.url()}: h1 "${lh1}", label "${label}"`;
	}
	check('browse: a value opens its list, which switches to event order',
	    ok, detail);
	await page.close();
}

async function responsiveChecks(browser) {
	const context = await newContext(browser, {
	    viewport: { width: 375, height: 740 } });
	for (const [name, path] of [['home', ''], ['report', REPORT],
	    ['browse', 'browse/'], ['list by event date', 'reports/by-event/'],
	    ...(ROLLCALL ? [['roll-call view', ROLLCALL]] : [])]) {
		const page = await context.newPage();
		await page.goto(BASE + path, { waitUntil: 'load' });
		const r = await page.evaluate(() => {
			const de = document.documentElement;
			const wide = [...document.querySelectorAll('body *')]
			    .filter((e) => e.getBoundingClientRect().right >
			    de.clientWidth + 0.5).slice(0, 5).map((e) =>
			    `${e.tagName.toLowerCase()}.${e.className} ` +
			    `(${Math.round(e.getBoundingClientRect().right)}px)`);
			return { sw: de.scrollWidth, cw: de.clientWidth, wide };
		});
		check(`responsive: ${name} at 375x740 has no horizontal scroll`,
		    r.sw <= r.cw, `scrollWidth ${r.sw} > clientWidth ${r.cw}; ` +
		    r.wide.join(', '));
		if (name === 'home') {
			// Browse and Search fit and can be tapped (>= 24 px high).
			const hl = await page.evaluate(() => [...document
			    .querySelectorAll('.site-nav a')].slice(0, 2).map((a) => {
				const b = a.getBoundingClientRect();
				return { t: a.textContent.trim(), l: b.left,
				    r: b.right, h: b.height };
			}));
			check('responsive: header Browse and Search fit at 375 px',
			    hl.length === 2 && hl[0].t === 'Browse' &&
			    hl[1].t === 'Search' && hl.every((x) => x.l >= 0 &&
			    x.r <= 375 && x.h >= 24), show(hl));
		}
		await page.close();
	}
	await context.close();
}

async function schemeChecks(browser) {
	for (const scheme of ['light', 'dark']) {
		const context = await newContext(browser, { colorScheme: scheme,
		    viewport: { width: 1280, height: 800 } });
		for (const [name, path] of [['home', ''], ['report', REPORT],
		    ['browse', 'browse/']]) {
			const page = await context.newPage();
			await page.goto(BASE + path, { waitUntil: 'load' });
			const c = await page.evaluate(probeColors);
			const bg = blend(c.body.bg);
			const fg = parseColor(c.body.color);
			const lb = luminance(bg);
			const lt = luminance(fg);
			if (name === 'home') {
				const ok = scheme === 'dark' ? lb < 0.2 && lt > 0.5 :
				    lb > 0.5 && lt < 0.2;
				check(`${scheme} scheme: body background ${scheme === 'dark' ? 'dark, text light' : 'light, text dark'}`,
				    ok, `background ${c.body.bg[0]} (L ${lb.toFixed(3)}), text ${c.body.color} (L ${lt.toFixed(3)})`);
			}
			const cr = contrast(fg, bg);
			check(`${scheme} scheme: ${name} body text contrast >= 4.5`,
			    cr >= 4.5, `${c.body.color} on ${opaque(c.body.bg)}: ${cr.toFixed(2)}`);
			const low = c.links.map((l) => ({ ...l,
			    cr: contrast(parseColor(l.color), blend(l.bg)) }))
			    .filter((l) => l.cr < 4.5);
			check(`${scheme} scheme: ${name} links in main contrast >= 4.5 (${c.links.length} links)`,
			    c.links.length > 0 && low.length === 0,
			    low.slice(0, 5).map((l) => `"${l.text}" ${l.color} on ` +
			    `${opaque(l.bg)}: ${l.cr.toFixed(2)}`).join('; '));
			await page.close();
		}
		await context.close();
	}
}

async function printChecks(context, shots) {
	const page = await context.newPage();
	await page.goto(BASE + REPORT, { waitUntil: 'load' });
	const permalink = await page.locator('.permalink a').first()
	    .getAttribute('href').catch(() => null);
	await page.emulateMedia({ media: 'print' });
	const shown = {};
	for (const sel of ['.site-header', '.site-nav', 'header', 'footer',
	    '.site-footer', '.skip-link'])
		shown[sel] = await page.locator(sel).first().isVisible();
	check('print: report page hides the site header, nav and footer',
	    Object.values(shown).every((v) => !v), show(shown));
	check('print: report title visible',
	    await page.locator('h1').first().isVisible());
	check('print: lessons learned visible',
	    await page.locator('.lessons').first().isVisible() &&
	    norm(await page.locator('.lessons').first().innerText()).length > 20);
	const text = await page.evaluate(() => document.body.innerText);
	check('print: permalink visible', permalink !== null &&
	    text.includes(permalink), `permalink ${permalink} not in the printed text`);
	const shot = join(OUT, 'report-print.png');
	await page.screenshot({ path: shot, fullPage: true });
	shots.push(shot);
	const pdf = join(OUT, 'report.pdf');
	let head = '';
	let size = 0;
	try {
		await page.pdf({ path: pdf, format: 'A4' });
		const b = readFileSync(pdf);
		head = b.subarray(0, 5).toString('latin1');
		size = b.length;
	} catch (e) {
		head = e.message;
	}
	check('print: page.pdf() writes a PDF', head === '%PDF-' && size > 1000,
	    `${size} bytes, starts with ${JSON.stringify(head)}`);
	await page.close();
	await rollcallPrint(context);
}

// The roll-call view prints on one A4 page: summary, questions, lessons.
async function rollcallPrint(context) {
	const page = await context.newPage();
	let pages = -1;
	let seen = '';

	check('print: the demo has a report of the week', ROLLCALL !== null);
	if (ROLLCALL === null)
		return;
	await page.goto(BASE + ROLLCALL, { waitUntil: 'load' });
	await page.emulateMedia({ media: 'print' });
	for (const sel of ['.lead', '.discussion li', '.lessons'])
		if (!await page.locator(sel).first().isVisible())
			seen += ` ${sel} hidden`;
	try {
		const b = await page.pdf({ format: 'A4' });
		pages = (b.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ||
		    []).length;
	} catch (e) {
		seen += ` ${e.message}`;
	}
	check('print: the roll-call view shows summary, questions and lessons ' +
	    'on one A4 page', pages === 1 && seen === '',
	    `${pages} pages${seen}`);
	await page.close();
}

// The 404 page as the production host serves it: every request to base_url
// is answered, inside the browser, from the local server.  So 'self' in the
// CSP is base_url and the absolute stylesheet link can load.
async function prodNotFoundCheck(browser) {
	if (!PROD)
		return;
	const context = await newContext(browser, {});
	const stray = [];
	const prod = new URL(PROD);
	await context.route('**/*', async (route) => {
		const u = new URL(route.request().url());
		try {
			if (u.origin !== prod.origin ||
			    !u.pathname.startsWith(prod.pathname)) {
				stray.push(u.href);
				await route.abort();
				return;
			}
			const local = BASE + u.pathname.slice(prod.pathname.length) +
			    u.search;
			const r = await context.request.get(local, { maxRedirects: 0 });
			await route.fulfill({ status: r.status(), headers: r.headers(),
			    body: await r.body() });
		} catch (e) {
			/* The context closed while the request was in flight. */
		}
	});
	const page = await context.newPage();
	const log = watch(page);
	const resp = await page.goto(PROD + MISSING, { waitUntil: 'load' });
	const dom = await page.evaluate(probeDom);
	const csp = await page.evaluate(() => window.__nmCsp || []);
	const errors = log.console.filter((e) => !/status of 404/.test(e.text));
	check(`404 at base_url (${PROD}${MISSING}, answered in-browser): status 404, stylesheet applied, no CSP violation`,
	    resp.status() === 404 && dom.sheets === 1 && dom.rules > 0 &&
	    dom.bodyMargin === '0px' && csp.length === 0 && errors.length === 0 &&
	    stray.length === 0,
	    `status ${resp.status()}, sheets ${dom.sheets}, rules ${dom.rules}, ` +
	    `CSP ${show(csp)}, errors ${show(errors.map((e) => e.text))}, ` +
	    `other hosts ${show(stray)}`);
	await context.unrouteAll({ behavior: 'ignoreErrors' });
	await context.close();
}

async function screenshots(browser, shots) {
	let context = await newContext(browser, { viewport: { width: 1280, height: 800 },
	    colorScheme: 'light' });
	let page = await context.newPage();
	await page.goto(BASE, { waitUntil: 'load' });
	shots.push(join(OUT, 'home-desktop.png'));
	await page.screenshot({ path: shots[shots.length - 1], fullPage: true });
	await context.close();

	context = await newContext(browser, { viewport: { width: 375, height: 740 },
	    colorScheme: 'dark', deviceScaleFactor: 2, isMobile: true,
	    hasTouch: true });
	page = await context.newPage();
	await page.goto(BASE, { waitUntil: 'load' });
	shots.push(join(OUT, 'home-mobile-dark.png'));
	await page.screenshot({ path: shots[shots.length - 1] });
	await context.close();
}

// newContext BROWSER OPTIONS: a fresh context with the CSP listener.
async function newContext(browser, opts) {
	const context = await browser.newContext(opts);
	context.setDefaultTimeout(10000);
	context.setDefaultNavigationTimeout(15000);
	await context.addInitScript(cspListener);
	return context;
}

async function main() {
	if (!PROD)
		check('robots.txt names the sitemap under base_url', false, robots);
	const browser = await chromium.launch({ executablePath: EXE,
	    headless: true, args: ARGS, timeout: 30000 });
	try {
		// The browser's own look of an unstyled page, to compare with.
		const context = await newContext(browser, { colorScheme: 'light',
		    viewport: { width: 1280, height: 800 } });
		const blank = await context.newPage();
		await blank.setContent('<!DOCTYPE html><title>t</title><p>t');
		const defaults = await blank.evaluate(() => ({
		    font: getComputedStyle(document.body).fontFamily }));
		await blank.close();

		for (const def of PAGES)
			await pageChecks(context, def, defaults);
		await keyboardChecks(context);
		await linkChecks(context);
		const shots = [];
		await printChecks(context, shots);
		// The privacy page: "the archive sets no cookies" (after every
		// page of the checks above, with their scripts run).
		const cookies = await context.cookies();
		check('the archive sets no cookies', cookies.length === 0,
		    show(cookies.map((c) => c.name)));
		await context.close();

		await responsiveChecks(browser);
		await schemeChecks(browser);
		await prodNotFoundCheck(browser);
		await screenshots(browser, shots);
		if (process.env.FORM_URL) {
			const notes = [];
			const t0 = Date.now();
			await formChecks(browser, { check, watch, newContext,
			    probeDom, probeFocus, probeColors, parseColor, blend,
			    luminance, contrast, opaque, defaults, notes });
			notes.push(`intake form: checks took ` +
			    `${((Date.now() - t0) / 1000).toFixed(1)} s`);
			for (const t of notes)
				console.log(`note: ${t}`);
		}
		await statusChecks(browser, { check, watch, newContext, probeDom,
		    probeFocus, probeColors, parseColor, blend, luminance,
		    contrast, opaque, notes: [] });
		const bad = shots.filter((s) => !existsSync(s) ||
		    statSync(s).size < 1000 ||
		    readFileSync(s).subarray(1, 4).toString() !== 'PNG');
		check(`screenshots: ${shots.length} PNG files written`,
		    shots.length === 3 && bad.length === 0, bad.join(', '));
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
