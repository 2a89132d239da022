// The open data's dictionary page (data/) in Chromium: axe-core finds no
// serious or critical violation, with every list of allowed values open
// too; at 360 px wide nothing scrolls sideways; the page works without
// JavaScript; each file it links is served and parses (JSON files as JSON,
// the CSV with its header row).  checks.mjs's page checks (landmarks,
// focus, CSP, requests) cover it as well.  Writes "browser: N passed, N
// failed" to RESULT.  Environment: BASE_URL, TOP, RESULT, CHROMIUM,
// VERBOSE.

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
const PAGE = BASE + 'data/';

let passed = 0;
let failed = 0;

function check(name, ok, detail) {
	if (ok) {
		passed++;
		if (VERBOSE)
			console.log(`ok: open data: ${name}`);
	} else {
		failed++;
		console.error(`FAIL: open data: ${name}` +
		    `${detail ? ': ' + detail : ''}`);
	}
}

async function axe(page) {
	await page.addScriptTag({ path: AXE });
	return page.evaluate(async () => {
		const r = await window.axe.run(document);
		return r.violations.filter((x) => x.impact === 'serious' ||
		    x.impact === 'critical').map((x) => `${x.id} ` +
		    `(${x.impact}): ${x.nodes.slice(0, 2).map((n) =>
		    n.target.join(' ')).join(', ')}`);
	});
}

async function main() {
	const browser = await chromium.launch({ executablePath: EXE,
	    args: ARGS });
	try {
		// axe-core needs its script: CSP bypassed for it alone.
		let context = await browser.newContext({ bypassCSP: true,
		    viewport: { width: 1280, height: 900 } });
		let page = await context.newPage();
		await page.goto(PAGE);
		let v = await axe(page);
		check('axe: no serious or critical violation', v.length === 0,
		    v.join('; '));
		const n = await page.evaluate(() => {
			const d = [...document.querySelectorAll('details')];
			d.forEach((e) => { e.open = true; });
			return d.length;
		});
		v = await axe(page);
		check(`axe: none with the ${n} lists of values open`,
		    n >= 8 && v.length === 0, v.join('; '));
		await context.close();

		// A phone, without JavaScript: all of it readable.
		context = await browser.newContext({ javaScriptEnabled: false,
		    viewport: { width: 360, height: 740 }, isMobile: true });
		page = await context.newPage();
		const res = await page.goto(PAGE, { waitUntil: 'load' });
		check('served with status 200', res.status() === 200,
		    String(res.status()));
		const r = await page.evaluate(() => {
			const de = document.documentElement;
			return { sw: de.scrollWidth, cw: de.clientWidth,
			    h1: document.querySelector('h1').textContent,
			    fields: document.querySelectorAll(
			    '.data-fields > div').length,
			    licence: !!document.querySelector('a[rel=license]'),
			    files: [...document.querySelectorAll(
			    '.data-files a')].map((a) => a.href) };
		});
		check('360 px: no sideways scrolling', r.sw <= r.cw,
		    `scrollWidth ${r.sw} > ${r.cw}`);
		check('the page names itself and links its licence',
		    r.h1 === 'Open data' && r.licence, JSON.stringify(r));
		check('every field is described', r.fields >= 16,
		    String(r.fields));
		check('four files are linked', r.files.length === 4,
		    r.files.join(' '));
		await page.click('details summary');
		check('a list of values opens without JavaScript',
		    await page.$eval('details', (d) => d.open));
		for (const url of r.files) {
			const f = await context.request.get(url);
			const body = await f.text();
			let good = f.status() === 200;
			if (url.endsWith('.json')) {
				try {
					JSON.parse(body);
				} catch (e) {
					good = false;
				}
			} else
				good = good && body.startsWith('id,url,title,');
			check(`${url.slice(BASE.length)} is served and parses`,
			    good, `status ${f.status()}`);
		}
		await context.close();
	} finally {
		await browser.close();
	}
}

try {
	await main();
} catch (e) {
	check('the browser run finished', false, e.stack || String(e));
}
writeFileSync(RESULT, `browser: ${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
