// relevance.mjs: the ranking of the search client against the demo site,
// without a browser.  It loads themes/default/static/search.js in a node vm
// (the script exposes its engine as globalThis.NMSearch when there is no
// document), points it at the index nearmiss-gen wrote under SITE/search/,
// and runs each query of tests/search/relevance.txt (or RELEVANCE): every
// id listed must be among the first three results.  It also checks that
// the client's folding agrees with the index's vocabulary: every word of
// every shard is, folded by search.js, that one word, and sits in the shard
// search.js computes for it.  Prints a line per
// failure (with the top five ids) and, with VERBOSE=1, per pass too; writes
// "browser: N passed, N failed" (run.sh adds it up) to RESULT.
// Environment: TOP, SITE, RESULT (optional), RELEVANCE (optional).

import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

const TOP = process.env.TOP;
const SITE = process.env.SITE;
const RESULT = process.env.RESULT;
const FILE = process.env.RELEVANCE || join(TOP, 'tests/search/relevance.txt');
const VERBOSE = !!process.env.VERBOSE;

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

// The engine, loaded as the browser loads it but without a document.
function load() {
	const src = readFileSync(join(TOP, 'themes/default/static/search.js'),
	    'utf8');
	const ctx = vm.createContext({ TextEncoder, URLSearchParams, Map, Set,
	    Promise, Math, Array, Object, JSON, String, Number, Error });
	vm.runInContext(src, ctx, { filename: 'search.js' });
	return ctx.NMSearch;
}

// Reads a file of the site from disk, as fetch would over HTTP.
function getJSON(url) {
	return new Promise((resolve, reject) => {
		try {
			resolve(JSON.parse(readFileSync(url, 'utf8')));
		} catch (e) {
			reject(e);
		}
	});
}

async function main() {
	const entry = join(SITE, 'search', 'index.json');
	if (!existsSync(entry)) {
		check('the site has a search index', false, `no ${entry}`);
		return;
	}
	const S = load();
	check('search.js exposes NMSearch without a document',
	    S && typeof S.Engine === 'function', typeof S);
	const eng = new S.Engine(entry, getJSON);
	const e = await eng.entry();

	// Folding: each vocabulary word is one word, unchanged, to search.js;
	// and search.js looks each word up in the shard it is in.
	let words = 0;
	const bad = [];
	const lost = [];
	for (const [i, p] of e.vocab.entries()) {
		const sh = await getJSON(join(SITE, 'search', p));
		for (const w of Object.keys(sh.words)) {
			if (eng.sno(w) !== i)
				lost.push(`${w} (shard ${i})`);
			if (w.startsWith('~'))
				continue;
			words++;
			const f = S.words(w).map((x) => x.w);
			if (f.length !== 1 || f[0] !== w)
				bad.push(`${w} -> ${f.join(' ')}`);
		}
	}
	check(`folding: the ${words} words of the vocabulary fold to themselves`,
	    words > 0 && bad.length === 0, bad.slice(0, 10).join(', '));
	check('every word and synonym term is in the shard search.js reads',
	    lost.length === 0, lost.slice(0, 10).join(', '));

	// The compact numbers: all 64 digits, and varints around 32^k.
	const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz' +
	    '0123456789-_';
	const enc = (v) => {
		let o = '';
		do {
			let d = v % 32;
			v = Math.floor(v / 32);
			if (v)
				d += 32;
			o += B64[d];
		} while (v);
		return o;
	};
	const nums = [0, 1, 31, 32, 33, 1023, 1024, 32767, 32768, 1e6, 2 ** 31];
	const wrong = [...B64].filter((c, i) => new S.Dec(c).digit() !== i)
	    .concat(nums.filter((v) => new S.Dec(enc(v)).varint() !== v));
	check('search.js decodes every digit and varint', wrong.length === 0,
	    wrong.join(', '));

	// Every term's postings and positions, read by search.js: df
	// documents in order, impacts 1-63, a list of at most 32 positions
	// per posting.
	const seen = new Set();
	const badp = [];
	for (const p of e.vocab) {
		const sh = await getJSON(join(SITE, 'search', p));
		for (const [w, v] of Object.entries(sh.words)) {
			if (seen.has(v[0]))
				continue;
			seen.add(v[0]);
			const m = await eng.postings(sh, v[0], v[2], true);
			const docs = m.docs;
			const imp = docs.map((d) => m.at[d]);
			if (docs.length !== v[1] || docs.some((d, i) => i > 0 &&
			    d <= docs[i - 1]) || docs[docs.length - 1] >= e.docs ||
			    imp.some((x) => x < 1 || x > 63))
				badp.push(`postings of ${v[0]} (${w})`);
			const x = (await getJSON(join(SITE, 'search',
			    sh.positions[v[2]])))[v[0]];
			if (x !== undefined && docs.some((d) => !m.pos(d) ||
			    m.pos(d).length > 32))
				badp.push(`positions of ${v[0]} (${w})`);
		}
	}
	check(`search.js reads the postings and positions of the ${seen.size} ` +
	    'terms', seen.size > 0 && badp.length === 0,
	    badp.slice(0, 8).join(', '));

	if (!existsSync(FILE)) {
		check('relevance queries', false, `no ${FILE}`);
		return;
	}
	const lines = readFileSync(FILE, 'utf8').split('\n');
	let n = 0;
	for (const [i, line] of lines.entries()) {
		if (/^\s*(#|$)/.test(line))
			continue;
		const [q, ids] = line.split('\t');
		const want = (ids || '').trim().split(/\s+/).filter(Boolean);
		if (!q || want.length === 0) {
			check(`${FILE}:${i + 1}: a query and ids`, false, line);
			continue;
		}
		n++;
		const r = await eng.search(q, {}, '');
		const top = r && r.docs.length ?
		    (await eng.meta(r.docs.slice(0, 5))).map((m) => m.id) : [];
		const miss = want.filter((id) => top.slice(0, 3).indexOf(id) < 0);
		check(`relevance: "${q}" has ${want.join(' ')} in the top three`,
		    miss.length === 0, `missing ${miss.join(' ')}; top five: ` +
		    `${top.join(' ') || '(none)'}${r && r.note ? ' (' + r.note +
		    ')' : ''}`);
	}
	check(`relevance: ${FILE} has queries`, n > 0, 'none found');
}

try {
	await main();
} catch (e) {
	check('the relevance run finished', false, e.stack || String(e));
}
const line = `browser: ${passed} passed, ${failed} failed\n`;
if (RESULT)
	writeFileSync(RESULT, line);
console.log(`relevance: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
