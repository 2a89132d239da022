// phone.mjs: the report pages of the demo site on a phone, in Debian's
// Chromium through playwright-core.  On every report page, at 360x640 and
// 390x844, the first line of the narrative must end within the first 1.5
// screens (the facts are folded below the summary) and nothing may scroll
// sideways; opening the fold shows every fact; a desktop shows the full
// list and no fold; and print, from a phone or a desktop, shows every fact
// once.  run.sh runs it with:
//   BASE_URL  the served site;  SITE  the rendered folder
//   RESULT    the file for "browser: N passed, N failed" (run.sh adds it up)
//   CHROMIUM  the browser (default /usr/bin/chromium); VERBOSE=1 lists passes

import { chromium } from 'playwright-core';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BASE = process.env.BASE_URL;
const SITE = process.env.SITE;
const RESULT = process.env.RESULT;
const EXE = process.env.CHROMIUM || '/usr/bin/chromium';
const VERBOSE = !!process.env.VERBOSE;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'];
// The phones, and how many screens may come before the narrative's first
// line ends.
const PHONES = [[360, 640], [390, 844]];
const SCREENS = 1.5;

let passed = 0;
let failed = 0;

function check(name, ok, detail) {
	if (ok) {
		passed++;
		if (VERBOSE)
			console.log(`ok: ${name}`);
	} else {
		failed++;
		console.error(`FAIL: phone: ${name}${detail ? ': ' + detail : ''}`);
	}
}

// The published reports: the folders of reports/ with a page.
const IDS = existsSync(join(SITE, 'reports')) ?
    readdirSync(join(SITE, 'reports')).filter((d) => /\d/.test(d) &&
    existsSync(join(SITE, 'reports', d, 'index.html'))).sort() : [];

// In the page: where the narrative's first line ends (px from the top of
// the document), the page's sideways overflow, and the facts as shown.
function probe() {
	const prose = document.querySelector('.narrative .prose');
	let end = null;
	if (prose) {
		const w = document.createTreeWalker(prose, NodeFilter.SHOW_TEXT,
		    { acceptNode: (n) => n.data.trim() ? NodeFilter.FILTER_ACCEPT :
		    NodeFilter.FILTER_SKIP });
		const t = w.nextNode();
		if (t) {
			const r = document.createRange();
			const i = t.data.search(/\S/);
			r.setStart(t, i);
			r.setEnd(t, i + 1);
			end = r.getBoundingClientRect().bottom + scrollY;
		}
	}
	// Rendered: not display:none, nor in a closed <details>.
	const seen = (e) => !!e && e.checkVisibility({
	    visibilityProperty: true });
	// Each fact: "label: value", if it is shown.
	const facts = (sel) => [...document.querySelectorAll(sel + ' > div')]
	    .filter((d) => seen(d)).map((d) => d.querySelector('dt').innerText
	    .trim() + ': ' + d.querySelector('dd').innerText.trim()
	    .replace(/\s+/g, ' '));
	const fold = document.querySelector('.facts-fold');
	return {
		end,
		overflow: document.documentElement.scrollWidth -
		    document.documentElement.clientWidth,
		full: facts('dl.facts-full'),
		folded: facts('.facts-fold dl.facts'),
		all: [...document.querySelectorAll('dl.facts-full > div')]
		    .map((d) => d.querySelector('dt').textContent.trim()),
		fold: seen(fold),
		foldOpen: !!fold && fold.open,
		summary: fold ? fold.querySelector('summary').innerText : '',
		type: (document.querySelector(
		    'dl.facts-full a[href*="incident-type/"]') || {}).textContent,
	};
}

async function phones(browser) {
	for (const [w, h] of PHONES) {
		const ctx = await browser.newContext({ viewport: { width: w,
		    height: h }, deviceScaleFactor: 2, isMobile: true,
		    hasTouch: true });
		ctx.setDefaultTimeout(10000);
		const page = await ctx.newPage();
		const late = [];
		const wide = [];
		const bad = [];
		let worst = 0;
		for (const id of IDS) {
			await page.goto(`${BASE}reports/${id}/`, { waitUntil: 'load' });
			const p = await page.evaluate(probe);
			if (p.end === null || p.end > SCREENS * h)
				late.push(`${id} at ${p.end === null ? 'none' :
				    Math.round(p.end)}`);
			else
				worst = Math.max(worst, p.end);
			if (p.overflow > 0)
				wide.push(`${id} by ${p.overflow}px`);
			if (!p.fold || p.foldOpen || p.full.length > 0 ||
			    p.folded.length > 0 || !p.type ||
			    !p.summary.includes(p.type.trim()))
				bad.push(`${id}: fold shown ${p.fold}, open ` +
				    `${p.foldOpen}, ${p.full.length} full and ` +
				    `${p.folded.length} folded facts shown, ` +
				    `summary "${p.summary}"`);
		}
		check(`${w}x${h}: on all ${IDS.length} report pages the ` +
		    `narrative's first line ends within ${SCREENS} screens ` +
		    `(${SCREENS * h}px; latest ${Math.round(worst)}px)`,
		    IDS.length > 0 && late.length === 0, late.join(', '));
		check(`${w}x${h}: no report page scrolls sideways`,
		    wide.length === 0, wide.join(', '));
		check(`${w}x${h}: the facts are folded below the summary, ` +
		    'which names the incident type', IDS.length > 0 &&
		    bad.length === 0, bad.slice(0, 3).join('; '));
		// Opened, the fold shows every fact of the full list.
		const id = IDS[IDS.length - 1];
		await page.goto(`${BASE}reports/${id}/`, { waitUntil: 'load' });
		await page.click('.facts-fold > summary');
		const p = await page.evaluate(probe);
		check(`${w}x${h}: opening the fold shows all ${p.all.length} facts`,
		    p.foldOpen && p.all.length >= 5 &&
		    p.folded.map((f) => f.split(':')[0]).join('|') ===
		    p.all.join('|'), `${p.folded.join('; ')} vs ${p.all.join('; ')}`);
		await ctx.close();
	}
}

async function desktop(browser) {
	const ctx = await browser.newContext({ viewport: { width: 1280,
	    height: 800 } });
	const page = await ctx.newPage();
	const bad = [];
	for (const id of IDS) {
		await page.goto(`${BASE}reports/${id}/`, { waitUntil: 'load' });
		const p = await page.evaluate(probe);
		if (p.fold || p.full.length !== p.all.length || p.all.length < 5)
			bad.push(`${id}: fold shown ${p.fold}, ${p.full.length} ` +
			    `of ${p.all.length} facts`);
	}
	check('1280x800: every report page shows the full facts list and no ' +
	    'fold', IDS.length > 0 && bad.length === 0, bad.slice(0, 3)
	    .join('; '));
	await ctx.close();
}

// Print from a phone and from a desktop: every fact, once, and the
// narrative.
async function print(browser) {
	for (const [w, h] of [PHONES[0], [1280, 800]]) {
		const ctx = await browser.newContext({ viewport: { width: w,
		    height: h } });
		const page = await ctx.newPage();
		await page.emulateMedia({ media: 'print' });
		const bad = [];
		for (const id of IDS) {
			await page.goto(`${BASE}reports/${id}/`, { waitUntil: 'load' });
			const p = await page.evaluate(probe);
			if (p.fold || p.folded.length > 0 ||
			    p.full.length !== p.all.length || p.all.length < 5 ||
			    p.end === null)
				bad.push(`${id}: fold shown ${p.fold}, ${p.full.length} ` +
				    `of ${p.all.length} facts, narrative ${p.end}`);
		}
		check(`print from ${w}x${h}: every report page prints all its ` +
		    'facts, once, and the narrative', IDS.length > 0 &&
		    bad.length === 0, bad.slice(0, 3).join('; '));
		await ctx.close();
	}
}

async function main() {
	check('the demo site has report pages', IDS.length > 0, SITE);
	const browser = await chromium.launch({ executablePath: EXE,
	    headless: true, args: ARGS, timeout: 30000 });
	try {
		await phones(browser);
		await desktop(browser);
		await print(browser);
	} finally {
		await browser.close();
	}
}

try {
	await main();
} catch (e) {
	check('the phone run finished', false, e.stack || String(e));
}
if (RESULT)
	writeFileSync(RESULT, `browser: ${passed} passed, ${failed} failed\n`);
console.log(`phone: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
