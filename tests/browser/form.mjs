// form.mjs: the real-browser checks of the intake form that
// `nearmiss-intake serve` answers.  checks.mjs calls formChecks() when
// run.sh passes FORM_URL (the form, http://127.0.0.1:PORT/) and INBOX (the
// folder the server seals submissions into).  The helpers (check, watch, the
// probes and the colour functions) come from checks.mjs.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// What the intake form's DOM says about the things the checks need.
function probeForm() {
	const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : '');
	const hp = document.getElementById('website');
	const hpBox = hp ? hp.getBoundingClientRect() : null;
	const vw = document.documentElement.clientWidth;
	let hpShown = false;
	if (hp) {
		const cs = getComputedStyle(hp);
		hpShown = hpBox.width > 1 && hpBox.height > 1 &&
		    hpBox.right > 0 && hpBox.bottom > 0 && hpBox.left < vw &&
		    cs.visibility !== 'hidden' && cs.display !== 'none';
		// Clipped by an ancestor with overflow hidden and a tiny box?
		for (let e = hp.parentElement; e && hpShown; e = e.parentElement) {
			const r = e.getBoundingClientRect();
			const ov = getComputedStyle(e).overflow;
			if (ov !== 'visible' && (r.width <= 1 || r.height <= 1 ||
			    r.right <= 0))
				hpShown = false;
		}
	}
	let hpAriaHidden = false;
	for (let e = hp; e; e = e.parentElement)
		if (e.getAttribute('aria-hidden') === 'true')
			hpAriaHidden = true;
	return {
		hp: hp ? { shown: hpShown, tabIndex: hp.tabIndex,
		    attr: hp.getAttribute('tabindex'), ariaHidden: hpAriaHidden,
		    label: hp.labels && hp.labels[0] ? text(hp.labels[0]) : '' } :
		    null,
	};
}

// After an invalid submission: where the message of FIELD stands and
// whether the control is tied to it.
function probeError(field) {
	const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : '');
	const c = document.getElementById(field);
	if (!c)
		return null;
	const errs = [...document.querySelectorAll('form .error')];
	// The message "next to the field": the nearest .error among the
	// siblings between the control's label and the control.
	let near = null;
	for (let e = c.previousElementSibling; e; e = e.previousElementSibling) {
		if (e.classList.contains('error')) {
			near = e;
			break;
		}
		if (e.tagName === 'LABEL' || ['INPUT', 'SELECT', 'TEXTAREA']
		    .includes(e.tagName))
			break;
	}
	if (!near && c.nextElementSibling &&
	    c.nextElementSibling.classList.contains('error'))
		near = c.nextElementSibling;
	const inLabel = [...(c.labels || [])].some((l) =>
	    l.querySelector('.error'));
	const ids = (c.getAttribute('aria-describedby') || '').split(/\s+/)
	    .filter(Boolean);
	const described = ids.map((id) => document.getElementById(id))
	    .filter(Boolean);
	const byDesc = near !== null && described.includes(near);
	const helpTied = ids.length > 0;
	return {
		count: errs.length,
		near: near ? text(near) : null,
		nearId: near ? near.id : '',
		associated: inLabel || byDesc ||
		    described.some((d) => d.classList.contains('error')),
		describedby: c.getAttribute('aria-describedby'),
		invalid: c.getAttribute('aria-invalid'),
		helpTied,
		focused: document.activeElement ? document.activeElement.id ||
		    document.activeElement.tagName.toLowerCase() : '',
	};
}

// The values of the form, to compare before and after a round trip.
function probeValues() {
	const v = {};
	for (const el of document.querySelectorAll('form input, form select, form textarea')) {
		if (el.type === 'hidden' || el.name === 'website')
			continue;
		if (el.type === 'checkbox' || el.type === 'radio')
			v[el.id] = el.checked;
		else
			v[el.id] = el.value;
	}
	return v;
}

function newFiles(inbox) {
	try {
		return readdirSync(join(inbox, 'new')).filter((f) =>
		    !f.startsWith('.'));
	} catch (e) {
		return null;
	}
}

// fill PAGE TITLE MONTH: fills the form the way a person would, by mouse
// and keyboard.  MONTH is typed into "Month of the event".
async function fill(page, title, month) {
	await page.getByLabel('What happened (required)').click();
	await page.keyboard.type('The car stopped on the shoulder. Backup was ' +
	    'far away. A second occupant got out before I was ready.');
	await page.getByLabel('Title', { exact: true }).click();
	await page.keyboard.type(title);
	await page.getByLabel('Month of the event').click();
	await page.keyboard.type(month);
	await page.getByLabel('Type of incident').selectOption('traffic-stop');
	await page.getByLabel('Communication', { exact: true }).check();
	await page.getByLabel('Loss potential').selectOption('serious-injury');
	await page.getByLabel('Summary').click();
	await page.keyboard.type('A stop on a dark road nearly went wrong.');
	await page.getByLabel(/de-identified version/).check();
}

// What the page says about its required controls and its header.
function probeRequired() {
	const req = [...document.querySelectorAll('form [required]')]
	    .map((e) => `${e.tagName.toLowerCase()}#${e.id}`);
	const aria = [...document.querySelectorAll('[aria-required="true"]')]
	    .map((e) => `${e.tagName.toLowerCase()}#${e.id || e.getAttribute('role')}`);
	const radios = [...document.querySelectorAll('input[name="consent"]')]
	    .map((e) => `${e.type}:${e.value}`);
	const a = document.querySelector('header.site-header .site-title a');
	const meta = document.querySelector('meta[name="referrer"]');
	return { req, aria, radios, home: a ? a.getAttribute('href') : null,
	    homeText: a ? a.textContent.trim() : '',
	    referrer: meta ? meta.getAttribute('content') : null };
}

// The colours of the hints and of the notice box, to check contrast.
function probeHelp() {
	const bgOf = (el) => {
		for (let e = el; e; e = e.parentElement) {
			const bg = getComputedStyle(e).backgroundColor;
			if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent')
				return bg;
		}
		return 'rgb(255, 255, 255)';
	};
	const out = [];
	for (const sel of ['.help', '.notice li', '.site-title a', 'legend']) {
		const el = document.querySelector(sel);
		if (el)
			out.push({ sel, color: getComputedStyle(el).color,
			    bg: bgOf(el) });
	}
	return out;
}

async function submit(page) {
	const [resp] = await Promise.all([
		page.waitForResponse((r) => r.request().method() === 'POST' &&
		    new URL(r.url()).pathname === '/submit'),
		page.getByRole('button', { name: /send/i }).click(),
	]);
	await page.waitForLoadState('load');
	return resp;
}

export async function formChecks(browser, h) {
	const { check, watch, newContext, probeDom, probeFocus, probeColors,
	    parseColor, blend, luminance, contrast, opaque, defaults, notes } = h;
	const URL0 = process.env.FORM_URL;
	const INBOX = process.env.INBOX;
	const n = 'intake form';

	const context = await newContext(browser, { colorScheme: 'light',
	    viewport: { width: 1280, height: 800 } });
	const page = await context.newPage();
	const log = watch(page);
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
	const rph = resp ? resp.headers()['referrer-policy'] || '' : '';
	check(`${n}: Referrer-Policy same-origin`, rph === 'same-origin',
	    `got "${rph}"`);
	const rq = await page.evaluate(probeRequired);
	check(`${n}: referrer meta same-origin`, rq.referrer === 'same-origin',
	    `got ${rq.referrer}`);
	check(`${n}: required: the narrative and the consent radios only`,
	    JSON.stringify(rq.req) === JSON.stringify(['textarea#narrative',
	    'input#consent_yes', 'input#consent_no']), rq.req.join(', '));
	check(`${n}: aria-required on the narrative and the consent group`,
	    rq.aria.length === 2, rq.aria.join(', '));
	check(`${n}: consent is two radio buttons`,
	    JSON.stringify(rq.radios) === '["radio:yes","radio:no"]',
	    rq.radios.join(', '));
	check(`${n}: the site's header links back to the archive`,
	    rq.home !== null && /^https?:\/\//.test(rq.home) && rq.homeText !== '',
	    `href ${rq.home}, text "${rq.homeText}"`);
	const csph = resp ? resp.headers()['content-security-policy'] || '' : '';
	check(`${n}: sends a Content-Security-Policy header`, csph !== '',
	    'no CSP header');

	const dom = await page.evaluate(probeDom);
	check(`${n}: stylesheet applied`, dom.sheets === 1 && dom.rules > 0 &&
	    dom.bodyFont !== defaults.font,
	    `sheets ${dom.sheets}, rules ${dom.rules}, body font "${dom.bodyFont}"`);
	check(`${n}: exactly one h1`, dom.h1.length === 1, JSON.stringify(dom.h1));
	const mains = await page.getByRole('main').count();
	check(`${n}: one main landmark`, mains === 1, `${mains} found`);
	check(`${n}: every form control has a label`, dom.unlabelled.length === 0,
	    dom.unlabelled.join(', '));

	const f = await page.evaluate(probeForm);
	check(`${n}: honeypot field present and not visible`,
	    f.hp !== null && !f.hp.shown, JSON.stringify(f.hp));
	check(`${n}: honeypot field not in the tab order`,
	    f.hp !== null && f.hp.tabIndex < 0, JSON.stringify(f.hp));
	if (f.hp && f.hp.attr !== null)
		notes.push(`${n}: the honeypot input#website has tabindex="${f.hp.attr}": ` +
		    'out of the tab order but still focusable (by click or script)');
	check(`${n}: honeypot hidden from screen readers (aria-hidden)`,
	    f.hp !== null && f.hp.ariaHidden, JSON.stringify(f.hp));

	// Tab through the whole form: every stop shows its focus, and the
	// honeypot is never one of them.
	await page.evaluate(() => document.activeElement &&
	    document.activeElement.blur && document.activeElement.blur());
	const seen = [];
	const bad = [];
	let hpFocused = false;
	for (let i = 0; i < 80; i++) {
		await page.keyboard.press('Tab');
		const fo = await page.evaluate(probeFocus);
		if (!fo || (seen.length && fo.desc === seen[0]))
			break;
		if (fo.desc.startsWith('input#website'))
			hpFocused = true;
		seen.push(fo.desc);
		if (!fo.visible)
			bad.push(`${fo.desc} (${fo.style})`);
	}
	check(`${n}: focus visible on all ${seen.length} Tab stops`,
	    seen.length > 10 && bad.length === 0,
	    bad.length ? bad.slice(0, 6).join('; ') : `only ${seen.length} stops`);
	check(`${n}: Tab never lands on the honeypot`, !hpFocused,
	    'input#website got focus');

	await page.waitForLoadState('networkidle');
	const csp = await page.evaluate(() => window.__nmCsp || []);
	check(`${n}: no console errors`, log.console.length === 0,
	    log.console.map((e) => `${e.text} (${e.url})`).join(' | '));
	check(`${n}: no CSP violations`, csp.length === 0, csp.join(' | '));
	check(`${n}: no request off 127.0.0.1`, log.offhost.length === 0,
	    log.offhost.join(', '));
	await page.close();

	// 375 px wide.
	const narrow = await newContext(browser, {
	    viewport: { width: 375, height: 740 } });
	const np = await narrow.newPage();
	await np.goto(URL0, { waitUntil: 'load' });
	const r = await np.evaluate(() => ({
	    sw: document.documentElement.scrollWidth,
	    cw: document.documentElement.clientWidth }));
	check(`${n}: no horizontal scroll at 375x740`, r.sw <= r.cw,
	    `scrollWidth ${r.sw} > clientWidth ${r.cw}`);
	await narrow.close();

	// Body text contrast, light and dark.
	const css = await context.request.get(new URL('style.css', URL0).href)
	    .then((x) => x.text()).catch(() => '');
	const hasDark = /prefers-color-scheme\s*:\s*dark/.test(css);
	check(`${n}: style.css has a dark scheme`, hasDark);
	for (const scheme of hasDark ? ['light', 'dark'] : ['light']) {
		const sc = await newContext(browser, { colorScheme: scheme });
		const sp = await sc.newPage();
		await sp.goto(URL0, { waitUntil: 'load' });
		const c = await sp.evaluate(probeColors);
		const bg = blend(c.body.bg);
		const cr = contrast(parseColor(c.body.color), bg);
		check(`${n}: ${scheme} scheme body text contrast >= 4.5`, cr >= 4.5,
		    `${c.body.color} on ${opaque(c.body.bg)}: ${cr.toFixed(2)}`);
		for (const x of await sp.evaluate(probeHelp)) {
			const xr = contrast(parseColor(x.color),
			    blend([x.bg]));
			check(`${n}: ${scheme} scheme ${x.sel} contrast >= 4.5`,
			    xr >= 4.5, `${x.color} on ${x.bg}: ${xr.toFixed(2)}`);
		}
		await sc.close();
	}

	// A valid report, typed in, as the browser sends it.
	const before = newFiles(INBOX);
	let fp = await context.newPage();
	let flog = watch(fp);
	await fp.goto(URL0, { waitUntil: 'load' });
	let sresp = null;
	let detail = '';
	try {
		await fill(fp, 'Dark road stop', '2026-01');
		sresp = await submit(fp);
	} catch (e) {
		detail = e.message.split('\n')[0];
	}
	let origin = '?';
	if (sresp)
		origin = (await sresp.request().allHeaders()).origin;
	check(`${n}: the browser sends the form's real Origin`,
	    origin === new URL(URL0).origin,
	    `sent ${origin}, the form is at ${new URL(URL0).origin}`);
	const real = sresp !== null && sresp.status() === 200;
	check(`${n}: valid submission, as the browser sends it, answers 200`, real,
	    detail || `got ${sresp ? sresp.status() : 'nothing'} ` +
	    `(the browser sent Origin: ${origin}; the server wants ` +
	    `${new URL(URL0).origin})`);
	// If the server refused the browser's Origin, go on with the Origin the
	// server wants (set by the test), so the receipt and the error page
	// still get checked.
	let ctx2 = context;
	if (!real && sresp !== null) {
		await fp.close();
		notes.push(`${n}: the submissions below were sent with the ` +
		    `Origin header rewritten to ${new URL(URL0).origin} by the test`);
		ctx2 = await newContext(browser, { colorScheme: 'light',
		    viewport: { width: 1280, height: 800 } });
		// Chromium keeps its own Origin on route.continue(), so the
		// request is replayed from Node and its answer handed back.
		await ctx2.route('**/submit', async (route) => {
			const hd = { ...route.request().headers() };
			hd.origin = new URL(URL0).origin;
			try {
				const r = await route.fetch({ headers: hd,
				    maxRedirects: 0 });
				await route.fulfill({ response: r });
			} catch (e) {
				/* The context closed. */
			}
		});
		fp = await ctx2.newPage();
		flog = watch(fp);
		await fp.goto(URL0, { waitUntil: 'load' });
		detail = '';
		try {
			await fill(fp, 'Dark road stop', '2026-01');
			sresp = await submit(fp);
		} catch (e) {
			detail = e.message.split('\n')[0];
		}
	}
	const tag = real ? '' : ' (Origin rewritten)';
	check(`${n}: valid submission${tag}: receipt page answers 200`,
	    sresp !== null && sresp.status() === 200,
	    detail || `got ${sresp ? sresp.status() : 'nothing'}`);
	const body = sresp ? await fp.evaluate(() => document.body.innerText) : '';
	const code = (/[A-Z2-7]{4}(-[A-Z2-7]{4}){4}/.exec(body) || [])[0];
	check(`${n}: receipt page shows a receipt code`, !!code,
	    body.slice(0, 200));
	const after = newFiles(INBOX);
	const added = before && after ? after.filter((x) => !before.includes(x)) :
	    null;
	check(`${n}: exactly one file appeared in INBOX/new`,
	    added !== null && added.length === 1 && after.length ===
	    before.length + 1, added === null ? `cannot read ${INBOX}/new` :
	    `${before.length} before, ${after.length} after`);
	if (sresp) {
		const rdom = await fp.evaluate(probeDom);
		const rcsp = await fp.evaluate(() => window.__nmCsp || []);
		const errs = flog.console.filter((e) => !/favicon\.ico/.test(e.url));
		check(`${n}: receipt page: one h1, no console errors or CSP violations`,
		    rdom.h1.length === 1 && errs.length === 0 &&
		    rcsp.length === 0 && flog.offhost.length === 0,
		    `h1 ${JSON.stringify(rdom.h1)}, console ` +
		    JSON.stringify(errs.map((e) => `${e.text} (${e.url})`)) +
		    `, CSP ${JSON.stringify(rcsp)}, off-host ${flog.offhost}`);
	}
	await fp.close();

	// An empty narrative: the browser itself holds the form back.
	const np2 = await ctx2.newPage();
	await np2.goto(URL0, { waitUntil: 'load' });
	let posted = false;
	np2.on('request', (rr) => {
		if (rr.method() === 'POST')
			posted = true;
	});
	await np2.getByLabel(/de-identified version/).check();
	await np2.getByRole('button', { name: /send/i }).click();
	await np2.waitForTimeout(500);
	const blocked = await np2.evaluate(() =>
	    document.getElementById('narrative').matches(':invalid'));
	check(`${n}: empty narrative: the browser does not send the form`,
	    !posted && blocked, `posted ${posted}, :invalid ${blocked}`);
	await np2.close();

	// An impossible month (13): the message by the field, tied to it, and the
	// other values kept.
	const ip = await ctx2.newPage();
	await ip.goto(URL0, { waitUntil: 'load' });
	let iresp = null;
	let sent = null;
	detail = '';
	try {
		await fill(ip, 'Dark road stop', '2026-13');
		sent = await ip.evaluate(probeValues);
		iresp = await submit(ip);
	} catch (e) {
		detail = e.message.split('\n')[0];
	}
	const e = iresp ? await ip.evaluate(probeError, 'event_date') : null;
	check(`${n}: an impossible month: the error message is shown next to the field`,
	    e !== null && e.near !== null && await ip.locator('form .error')
	    .first().isVisible(), detail || JSON.stringify(e));
	check(`${n}: an impossible month: the message is tied to the field ` +
	    '(aria-describedby or inside the label)', e !== null && e.associated,
	    e ? `input#event_date aria-describedby=${JSON.stringify(e.describedby)}, ` +
	    `message "${e.near}"` : detail);
	if (e && e.invalid !== 'true')
		notes.push(`${n}: after the failed submission input#event_date ` +
		    'has no aria-invalid="true"');
	if (e && !e.helpTied)
		notes.push(`${n}: the p.help hints are not tied to their controls ` +
		    '(no aria-describedby on any input/select/textarea)');
	const got = iresp ? await ip.evaluate(probeValues) : null;
	const lost = sent && got ? Object.keys(sent).filter((k) =>
	    sent[k] !== got[k]).map((k) => `${k}: ${JSON.stringify(sent[k])} -> ` +
	    JSON.stringify(got[k])) : ['no round trip'];
	check(`${n}: an impossible month: the other values are kept`,
	    lost.length === 0, lost.join(', '));
	const after2 = newFiles(INBOX);
	check(`${n}: an impossible month: nothing stored`, after2 !== null && after &&
	    after2.length === after.length,
	    `${after ? after.length : '?'} -> ${after2 ? after2.length : '?'}`);
	await ip.close();
	if (ctx2 !== context)
		await ctx2.close();
	await context.close();
}
