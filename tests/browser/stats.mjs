// stats.mjs: the real-browser checks of stats/ (stats/index.html, gen/
// stats.c) of the demo site, in Debian's Chromium through playwright-core:
// axe-core in the light and dark schemes, a 360 px phone (no sideways
// scrolling of the page: the charts scale, the wide table scrolls in its
// own focusable region), the charts drawn and named, every bar label
// readable against the background, and no CSP violation.  run.sh runs it
// with BASE_URL, TOP, RESULT and CHROMIUM as for search.mjs.
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BASE = process.env.BASE_URL;
const TOP = process.env.TOP;
const RESULT = process.env.RESULT;
const EXE = process.env.CHROMIUM || '/usr/bin/chromium';
const VERBOSE = !!process.env.VERBOSE;
const AXE = join(TOP, 'tests/browser/node_modules/axe-core/axe.min.js');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'];
const URL = BASE + 'stats/';

let passed = 0;
let failed = 0;

function check(name, ok, detail) {
	if (ok) {
		passed++;
		if (VERBOSE)
			console.log(`ok: stats: ${name}`);
	} else {
		failed++;
		console.error(`FAIL: stats: ${name}${detail ? ': ' + detail : ''}`);
	}
}

async function axe(browser, scheme) {
	const context = await browser.newContext({ bypassCSP: true,
	    colorScheme: scheme, viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	await page.goto(URL);
	await page.addScriptTag({ path: AXE });
	const v = await page.evaluate(async () => {
		const r = await window.axe.run(document);
		return r.violations.filter((x) => x.impact === 'serious' ||
		    x.impact === 'critical').map((x) => `${x.id} (${x.impact}): ` +
		    x.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', '));
	});
	check(`axe: no serious or critical violation (${scheme})`,
	    v.length === 0, v.join('; '));
	await context.close();
}

async function phone(browser) {
	const context = await browser.newContext({ viewport: { width: 360,
	    height: 740 }, isMobile: true, hasTouch: true });
	const page = await context.newPage();
	const csp = [];
	page.on('console', (m) => {
		if (m.type() === 'error')
			csp.push(m.text());
	});
	await page.goto(URL, { waitUntil: 'load' });
	const r = await page.evaluate(() => {
		const de = document.documentElement;
		const svgs = [...document.querySelectorAll('svg.chart')];
		return {
			sw: de.scrollWidth, cw: de.clientWidth,
			charts: svgs.length,
			wide: svgs.filter((s) => s.getBoundingClientRect().right >
			    de.clientWidth + 0.5).length,
			named: svgs.every((s) => s.getAttribute('role') === 'img' &&
			    s.getAttribute('aria-labelledby') &&
			    document.getElementById(s.getAttribute(
			    'aria-labelledby')) !== null),
			drawn: svgs.every((s) => s.getBoundingClientRect().height >
			    50),
			region: [...document.querySelectorAll('.matrix-wrap')]
			    .every((w) => w.tabIndex === 0 &&
			    w.getAttribute('role') === 'region'),
			label: (() => {
				const t = document.querySelector('svg.chart text');
				return t ? getComputedStyle(t).fill : '';
			})(),
			bg: getComputedStyle(document.body).backgroundColor,
		};
	});
	check('360 px phone: no sideways scrolling of the page', r.sw <= r.cw,
	    `scrollWidth ${r.sw} > ${r.cw}`);
	check('360 px phone: five charts, all within the width',
	    r.charts === 5 && r.wide === 0, `${r.charts} charts, ${r.wide} wide`);
	check('charts are images named by their title', r.named);
	check('charts are drawn (scaled, not collapsed)', r.drawn);
	check('wide tables scroll in a focusable region', r.region);
	check('chart labels are not the background colour',
	    r.label !== '' && r.label !== r.bg, `${r.label} on ${r.bg}`);
	check('no console error or CSP violation', csp.length === 0,
	    csp.slice(0, 3).join(' | '));
	await context.close();
}

async function main() {
	const browser = await chromium.launch({ executablePath: EXE,
	    headless: true, args: ARGS, timeout: 30000 });
	try {
		await axe(browser, 'light');
		await axe(browser, 'dark');
		await phone(browser);
	} finally {
		await browser.close();
	}
}

try {
	await main();
} catch (e) {
	check('the stats run finished', false, e.stack || String(e));
}
if (RESULT)
	writeFileSync(RESULT, `browser: ${passed} passed, ${failed} failed\n`);
console.log(`stats: ${passed} passed, ${failed} failed`);
