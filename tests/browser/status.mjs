// status.mjs: the real-browser checks of the receipt status page
// (status/index.html and status.js) of the demo site.  checks.mjs calls
// statusChecks() with its helpers.  The demo receipt codes below are the
// ones the README lists; their hashes are in content/receipts.  NMRECEIPT
// (tests/nm-receipt of the same build, which calls receipt_hash() of
// lib/receipt.c) is the reference the page's normalisation is checked
// against: every typed variant must be found exactly when C accepts it.
// Environment (from run.sh): BASE_URL, SITE, NMRECEIPT.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The demo codes, what content/receipts says of each, and the title the
// page must show.  A draft's title depends on whether the demo site
// publishes the report (approvals), which the checks read from SITE.
const DEMO = [
	{ code: 'AKCV-D3W5-UMAX-DZMG-5VBK', state: 'received' },
	{ code: 'NCFY-J4PH-73D7-HZYR-KOMU', state: 'draft', id: '2026-0044' },
	{ code: 'DDKX-LFLG-2TGZ-VVKH-2XTW', state: 'draft', id: '2026-0042' },
	{ code: 'N4C2-TI2E-CXBX-D7XE-BREU', state: 'rejected',
	    reason: 'Not a near miss: no one was at risk at any point.' },
	{ code: 'XMAM-QEZI-WUF2-CLGT-BTT4', state: 'rejected' },
];

// A well-formed code that is in no receipts file.
const UNKNOWN = 'ABCD-EFGH-IJKL-MNOP-QRST';

// Typed forms of DEMO[0] and ill-formed codes: the C side decides.
function variants(code) {
	const raw = code.replace(/-/g, '');
	return [
		code,
		raw,
		raw.toLowerCase(),
		code.toLowerCase().replace(/-/g, ' '),
		`  ${code}  `,
		`${raw.slice(0, 10)}\t${raw.slice(10)}`,
		`-${raw.slice(0, 4)}--${raw.slice(4, 12)} - ${raw.slice(12)}-`,
		raw.slice(0, 19),				// 19 characters
		raw + 'A',					// 21 characters
		raw.slice(0, 19) + '0',				// a zero
		raw.slice(0, 19) + '1',
		raw.slice(0, 19) + '8',
		raw.slice(0, 19) + '9',
		raw.slice(0, 19) + '.',
		raw.slice(0, 19) + '_',
		raw.slice(0, 19) + '\u00c9',			// non-ASCII
		'\uff21' + raw.slice(1),			// full-width A
		raw.slice(0, 10) + '\u00a0' + raw.slice(10),	// no-break space
		'',
	];
}

function sha256C(nmreceipt, codes) {
	const out = execFileSync(nmreceipt, codes, { encoding: 'utf8' });
	return out.split('\n').slice(0, codes.length);
}

// The title and the text of the result region, once a lookup settled.
async function result(page) {
	await page.waitForFunction(() => {
		const r = document.getElementById('status-result');
		return r && r.textContent.trim() !== '' &&
		    !r.classList.contains('status-busy');
	}, null, { timeout: 5000 });
	return page.evaluate(() => {
		const r = document.getElementById('status-result');
		const t = r.querySelector('.status-title');
		const a = r.querySelector('a');
		const input = document.getElementById('status-code');
		return {
			title: t ? t.textContent.trim() : '',
			text: r.textContent.replace(/\s+/g, ' ').trim(),
			kind: r.className,
			link: a ? a.getAttribute('href') : null,
			invalid: input.getAttribute('aria-invalid') === 'true',
		};
	});
}

// Types code into the form with the keyboard alone and submits with Enter.
async function lookUp(page, code) {
	await page.evaluate(() => {
		const r = document.getElementById('status-result');
		while (r.firstChild)
			r.removeChild(r.firstChild);
		r.className = 'status-result';
	});
	await page.focus('#status-code');
	await page.keyboard.press('Control+A');
	await page.keyboard.press('Delete');
	if (code !== '')
		await page.keyboard.insertText(code);
	await page.keyboard.press('Enter');
	return result(page);
}

function expected(d, site) {
	switch (d.state) {
	case 'received':
		return { title: 'Received' };
	case 'draft':
		return existsSync(join(site, 'reports', d.id, 'index.html')) ?
		    { title: `Published as ${d.id}`, link: `../reports/${d.id}/` } :
		    { title: 'Under review' };
	default:
		return { title: 'Not published', reason: d.reason };
	}
}

export async function statusChecks(browser, h) {
	const { check, watch, newContext, probeDom, probeFocus, probeColors,
	    parseColor, blend, luminance, contrast, opaque, notes } = h;
	const BASE = process.env.BASE_URL;
	const SITE = process.env.SITE;
	const NMRECEIPT = process.env.NMRECEIPT;
	const URL0 = BASE + 'status/';
	const n = 'status page';

	// The demo hashes, as C computes them, are in content/receipts.
	let hashes = [];
	try {
		hashes = sha256C(NMRECEIPT, DEMO.map((d) => d.code));
	} catch (e) {
		check(`${n}: nm-receipt runs (${NMRECEIPT})`, false, e.message);
		return;
	}
	const shards = {};
	const idx = JSON.parse(readFileSync(join(SITE, 'status/index.json'), 'utf8'));
	for (const [i, d] of DEMO.entries()) {
		const name = idx.digits === 0 ? 'all' : hashes[i].slice(0, idx.digits);
		const f = join(SITE, 'status', `${name}.json`);
		shards[name] = shards[name] || JSON.parse(readFileSync(f, 'utf8'));
		check(`${n}: demo code ${d.code} is in status/${name}.json`,
		    Object.prototype.hasOwnProperty.call(shards[name], hashes[i]),
		    `hash ${hashes[i]} missing`);
	}

	const context = await newContext(browser, { colorScheme: 'light',
	    viewport: { width: 1280, height: 800 } });
	const page = await context.newPage();
	const log = watch(page);
	const sent = [];
	page.on('request', (r) => sent.push({ url: r.url(), method: r.method(),
	    body: r.postData() || '' }));
	let resp = null;
	try {
		resp = await page.goto(URL0, { waitUntil: 'networkidle' });
	} catch (e) {
		check(`${n}: loads`, false, e.message);
		await context.close();
		return;
	}
	check(`${n}: status 200`, resp && resp.status() === 200,
	    `got ${resp ? resp.status() : 'no response'}`);
	const dom = await page.evaluate(probeDom);
	check(`${n}: exactly one h1`, dom.h1.length === 1, JSON.stringify(dom.h1));
	check(`${n}: stylesheet applied`, dom.sheets === 1 && dom.rules > 0,
	    `sheets ${dom.sheets}, rules ${dom.rules}`);
	check(`${n}: every form control has a label`, dom.unlabelled.length === 0,
	    dom.unlabelled.join(', '));
	check(`${n}: no style attribute`, dom.styled.length === 0,
	    dom.styled.join(', '));
	const meta = await page.evaluate(() => {
		const m = document.querySelector(
		    'meta[http-equiv="Content-Security-Policy"]');
		const s = [...document.querySelectorAll('script')];
		return { csp: m ? m.getAttribute('content') : '',
		    scripts: s.map((x) => ({ src: x.getAttribute('src'),
		    inline: x.textContent.trim() !== '' })) };
	});
	check(`${n}: CSP allows scripts and fetches from the site only`,
	    /(^|; )script-src 'self'(;|$)/.test(meta.csp) &&
	    /(^|; )connect-src 'self'(;|$)/.test(meta.csp) &&
	    /(^|; )default-src 'none'(;|$)/.test(meta.csp) &&
	    /(^|; )form-action 'none'(;|$)/.test(meta.csp) &&
	    !/unsafe|\*|https?:|data:/.test(meta.csp), meta.csp);
	check(`${n}: one script, status.js from the site, nothing inline`,
	    meta.scripts.length === 1 && meta.scripts[0].src === '../status.js' &&
	    !meta.scripts[0].inline, JSON.stringify(meta.scripts));
	const live = await page.evaluate(() => {
		const r = document.getElementById('status-result');
		const f = document.getElementById('status-form');
		const nj = document.getElementById('status-nojs');
		return { live: r && r.getAttribute('aria-live'),
		    role: r && r.getAttribute('role'),
		    formShown: f && !f.hidden && f.getBoundingClientRect().height > 0,
		    nojsHidden: nj && nj.hidden,
		    desc: (document.getElementById('status-code') || {})
		    .getAttribute('aria-describedby') };
	});
	check(`${n}: the result is a polite live region the input refers to`,
	    live.live === 'polite' && live.role === 'status' &&
	    /\bstatus-result\b/.test(live.desc || ''), JSON.stringify(live));
	check(`${n}: with JavaScript the form shows and the no-script note hides`,
	    live.formShown && live.nojsHidden, JSON.stringify(live));

	// Keyboard only: from the top of the page, Tab reaches the input.
	await page.evaluate(() => document.activeElement &&
	    document.activeElement.blur && document.activeElement.blur());
	let reached = false;
	let shown = true;
	for (let i = 0; i < 30 && !reached; i++) {
		await page.keyboard.press('Tab');
		const f = await page.evaluate(probeFocus);
		if (f && !f.visible)
			shown = false;
		reached = f !== null && f.desc.startsWith('input#status-code');
	}
	check(`${n}: Tab reaches the code input, focus visible on the way`,
	    reached && shown, reached ? 'a stop without visible focus' :
	    'input#status-code not reached in 30 Tabs');
	if (reached) {
		await page.keyboard.insertText(DEMO[0].code);
		await page.keyboard.press('Enter');
		const r = await result(page).catch((e) => ({ title: e.message }));
		check(`${n}: keyboard only: Enter looks the code up`,
		    r.title === 'Received', JSON.stringify(r));
		await page.keyboard.press('Tab');
		const f = await page.evaluate(probeFocus);
		check(`${n}: the Check button follows the input, focus visible`,
		    f && /^button/.test(f.desc) && f.visible, f ? f.desc : 'none');
	}

	// Every demo code shows its state.
	for (const d of DEMO) {
		const want = expected(d, SITE);
		const r = await lookUp(page, d.code).catch((e) =>
		    ({ title: e.message, text: '' }));
		let ok = r.title === want.title && !r.invalid;
		if (want.link !== undefined)
			ok = ok && r.link === want.link;
		if (d.state === 'rejected')
			ok = ok && (d.reason ? r.text.includes(d.reason) :
			    /gave no reason/.test(r.text));
		check(`${n}: ${d.code} (${d.state}${d.id ? ' ' + d.id : ''}) shows ` +
		    `"${want.title}"`, ok, JSON.stringify(r));
		if (want.link) {
			const a = page.locator('#status-result a');
			await Promise.all([page.waitForURL(`**/reports/${d.id}/`),
			    a.click()]);
			const h1 = await page.locator('h1').first().textContent();
			check(`${n}: the published link opens report ${d.id}`,
			    page.url() === `${BASE}reports/${d.id}/` && h1.trim() !== '',
			    page.url());
			await page.goto(URL0, { waitUntil: 'networkidle' });
		}
	}

	// A well-formed code that is not listed; an empty field.
	let r = await lookUp(page, UNKNOWN).catch((e) => ({ title: e.message }));
	check(`${n}: a wrong code says "Not found"`, r.title === 'Not found' &&
	    !r.invalid, JSON.stringify(r));
	r = await lookUp(page, '').catch((e) => ({ title: e.message }));
	check(`${n}: an empty field asks for the code`,
	    r.title === 'Type your receipt code' && r.invalid, JSON.stringify(r));

	// The C normalisation decides: valid variants are found (the hash C
	// gives is the demo entry's), ill-formed ones get a clear message.
	const vs = variants(DEMO[0].code);
	const cs = sha256C(NMRECEIPT, vs.filter((v) => v !== ''));
	let k = 0;
	for (const v of vs) {
		const c = v === '' ? 'invalid' : cs[k++];
		r = await lookUp(page, v).catch((e) => ({ title: e.message }));
		const shown = JSON.stringify(v);
		if (c === 'invalid')
			check(`${n}: C refuses ${shown}, so does the page`,
			    r.invalid && (r.title === 'This is not a receipt code' ||
			    r.title === 'Type your receipt code'), JSON.stringify(r));
		else
			check(`${n}: C hashes ${shown} to the demo entry, the page finds it`,
			    c === hashes[0] && r.title === 'Received' && !r.invalid,
			    `C ${c}, page ${JSON.stringify(r)}`);
	}
	r = await lookUp(page, UNKNOWN.replace('O', '0')).catch((e) =>
	    ({ title: e.message, text: '' }));
	check(`${n}: a malformed code names the character and the alphabet`,
	    r.invalid && r.text.includes('\u201c0\u201d') &&
	    /A to Z/.test(r.text) && /2 to 7/.test(r.text), JSON.stringify(r));
	r = await lookUp(page, 'ABCD-EFGH').catch((e) => ({ title: e.message,
	    text: '' }));
	check(`${n}: a short code says how long a code is`, r.invalid &&
	    /has 20 letters and digits; this has 8/.test(r.text), JSON.stringify(r));

	// Nothing a lookup sends carries the code; only GETs of the index.
	await page.waitForLoadState('networkidle');
	const codes = DEMO.map((d) => d.code).concat([UNKNOWN]);
	const plain = (t) => {
		try {
			t = decodeURIComponent(t.replace(/\+/g, ' '));
		} catch (e) {
			/* Keep it as it is. */
		}
		return t.toUpperCase().replace(/[\s-]/g, '');
	};
	const leaks = sent.filter((q) => q.method !== 'GET' ||
	    codes.some((c) => plain(q.url + ' ' + q.body)
	    .includes(c.replace(/-/g, ''))));
	check(`${n}: no request carries a code, every request is a GET`,
	    leaks.length === 0, leaks.map((q) => `${q.method} ${q.url}`).join(', '));
	const fetched = sent.map((q) => new URL(q.url).pathname)
	    .filter((p) => p.endsWith('.json'));
	check(`${n}: lookups fetch only status/*.json`, fetched.length > 0 &&
	    fetched.every((p) => /^\/status\/([0-9a-f]{1,3}|all|index)\.json$/.test(p)),
	    fetched.join(', '));
	const csp = await page.evaluate(() => window.__nmCsp || []);
	check(`${n}: no CSP violations`, csp.length === 0, csp.join(' | '));
	check(`${n}: no console errors`, log.console.length === 0,
	    log.console.map((e) => e.text).join(' | '));
	check(`${n}: no failed requests`, log.failed.length === 0,
	    log.failed.map((q) => `${q.url} (${q.error})`).join(', '));
	check(`${n}: no request off 127.0.0.1`, log.offhost.length === 0,
	    log.offhost.join(', '));
	await context.close();

	// Without WebCrypto (a plain-HTTP host): the built-in SHA-256.
	{
		const ctx = await newContext(browser, {});
		await ctx.addInitScript(() => {
			Object.defineProperty(window.crypto, 'subtle',
			    { value: undefined, configurable: true });
		});
		const p = await ctx.newPage();
		await p.goto(URL0, { waitUntil: 'networkidle' });
		const subtle = await p.evaluate(() => typeof window.crypto.subtle);
		const got = [];
		for (const d of DEMO) {
			const x = await lookUp(p, d.code).catch((e) => ({ title: e.message }));
			got.push(x.title === expected(d, SITE).title);
		}
		const csp2 = await p.evaluate(() => window.__nmCsp || []);
		check(`${n}: without WebCrypto every demo code is still found`,
		    subtle === 'undefined' && got.every(Boolean) && csp2.length === 0,
		    `crypto.subtle ${subtle}, found ${JSON.stringify(got)}, CSP ${csp2}`);
		await ctx.close();
	}

	// Without JavaScript: the page says the lookup needs it; no form.
	{
		const ctx = await newContext(browser, { javaScriptEnabled: false });
		const p = await ctx.newPage();
		await p.goto(URL0, { waitUntil: 'load' });
		const note = await p.locator('#status-nojs').isVisible();
		const form = await p.locator('#status-form').isVisible();
		const text = await p.locator('main').innerText();
		check(`${n}: without JavaScript it explains, and shows no form`,
		    note && !form && /needs JavaScript/.test(text),
		    `note ${note}, form ${form}`);
		check(`${n}: without JavaScript the states are explained`,
		    ['Received', 'Under review', 'Published', 'Not published',
		    'Not found']
		    .every((w) => text.includes(w)), text.slice(0, 200));
		await ctx.close();
	}

	// 375 px and both colour schemes, with a result on screen.
	for (const scheme of ['light', 'dark']) {
		const ctx = await newContext(browser, { colorScheme: scheme,
		    viewport: { width: 375, height: 740 } });
		const p = await ctx.newPage();
		await p.goto(URL0, { waitUntil: 'networkidle' });
		const rr = await lookUp(p, DEMO[3].code).catch((e) => ({ title: e.message }));
		const m = await p.evaluate(() => {
			const de = document.documentElement;
			const r = document.getElementById('status-result');
			const layers = [];
			for (let e = r; e; e = e.parentElement) {
				const bg = getComputedStyle(e).backgroundColor;
				layers.push(bg);
				if (!/rgba\(.*,\s*0\)$/.test(bg) && bg !== 'transparent')
					break;
			}
			const input = document.getElementById('status-code');
			return { sw: de.scrollWidth, cw: de.clientWidth,
			    color: getComputedStyle(r).color, bg: layers,
			    inputColor: getComputedStyle(input).color,
			    inputBg: getComputedStyle(input).backgroundColor };
		});
		check(`${n}: ${scheme} scheme at 375 px: no horizontal scroll`,
		    m.sw <= m.cw && rr.title === 'Not published',
		    `scrollWidth ${m.sw} > clientWidth ${m.cw}; ${rr.title}`);
		const cr = contrast(parseColor(m.color), blend(m.bg));
		const ci = contrast(parseColor(m.inputColor), blend([m.inputBg]));
		check(`${n}: ${scheme} scheme: result text contrast >= 4.5`, cr >= 4.5,
		    `${m.color} on ${opaque(m.bg)}: ${cr.toFixed(2)}`);
		check(`${n}: ${scheme} scheme: input text contrast >= 4.5`, ci >= 4.5,
		    `${m.inputColor} on ${m.inputBg}: ${ci.toFixed(2)}`);
		const c = await p.evaluate(probeColors);
		const low = c.links.filter((l) =>
		    contrast(parseColor(l.color), blend(l.bg)) < 4.5);
		check(`${n}: ${scheme} scheme: links contrast >= 4.5`, low.length === 0,
		    low.map((l) => `"${l.text}" ${l.color}`).join('; '));
		await ctx.close();
	}
	void luminance;
	void notes;
}
