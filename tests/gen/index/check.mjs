// Reads a site's search index (docs/nearmiss-index.5) back from disk and
// checks it against the reports it was made from.  Used by
// tests/gen/index.sh:  node check.mjs SITE REPORTS.json
// REPORTS.json: [{id, title, summary, month, body}] as the reports say.
// Prints one line per failed check ("FAIL: ...") and "checks: N passed,
// N failed"; exits 1 if any failed.
import fs from "node:fs";
import path from "node:path";

const [site, reportsFile] = process.argv.slice(2);
const dir = path.join(site, "search");
const reports = JSON.parse(fs.readFileSync(reportsFile, "utf8"));
let passed = 0, failed = 0;

function check(cond, what) {
	if (cond) {
		passed++;
	} else {
		failed++;
		console.log("FAIL: " + what);
	}
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const val = {};
for (let i = 0; i < 64; i++)
	val[B64[i]] = i;

// A reader of compact numbers: varints and digits.
function reader(s) {
	let i = 0;
	return {
		more: () => i < s.length,
		digit() {
			if (i >= s.length || !(s[i] in val))
				throw new Error("bad digit at " + i + " of " + s.slice(0, 40));
			return val[s[i++]];
		},
		varint() {
			let v = 0, sh = 0, d;
			do {
				d = this.digit();
				v += (d & 31) * 2 ** sh;
				sh += 5;
			} while (d >= 32);
			return v;
		},
	};
}

function load(rel) {
	const p = path.join(dir, rel);
	const text = fs.readFileSync(p, "utf8");
	return JSON.parse(text);
}

const entry = load("index.json");
const used = new Set(["index.json"]);
function use(rel) {
	check(/^(x\/[0-9a-f]{16}|m\/[0-9]+\.[0-9a-f]{8})\.json$/.test(rel),
	    "file name " + rel);
	used.add(rel);
	return load(rel);
}

check(entry.version === 1, "version 1");
check(entry.docs === reports.length, `docs ${entry.docs} = ${reports.length} reports`);
check(entry.chunk === 16, "chunk 16");
const V = entry.vocab.length;
check(V >= 1 && V <= 64, "1 to 64 vocabulary shards");
const first = entry.vocab_first;
check(Array.isArray(first) && first.length === V && first[0] === "" &&
    first.every((f, i) => i === 0 || Buffer.compare(Buffer.from(first[i - 1]),
    Buffer.from(f)) < 0), "vocab_first: one per shard, increasing, from \"\"");

// Documents are numbered in id order.
const byId = [...reports].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const chunks = use(entry.chunks).chunks;
check(chunks.length === 8 * Math.ceil(byId.length / 16), "chunk table length");
const meta = [];
for (let k = 0; k * 8 < chunks.length; k++) {
	const c = use(`m/${k}.${chunks.slice(8 * k, 8 * k + 8)}.json`);
	check(Array.isArray(c) && c.length === Math.min(16, byId.length - 16 * k), `chunk ${k} size`);
	meta.push(...c);
}
byId.forEach((r, d) => {
	const m = meta[d] || {};
	check(m.id === r.id, `doc ${d} is ${r.id} (got ${m.id})`);
	check(m.title === r.title, `title of ${r.id} parses back exactly: ${JSON.stringify(m.title)} vs ${JSON.stringify(r.title)}`);
	check(m.summary === r.summary, `summary of ${r.id} parses back exactly`);
	check(m.month === r.month, `month of ${r.id}: ${m.month} vs ${r.month}`);
	check(typeof m.lead === "string" && Buffer.byteLength(m.lead) <= 283, `lead of ${r.id} short`);
	check(Array.isArray(m.facets) && m.facets.length === entry.facets.length, `facets of ${r.id}`);
});

// Months column.
const months = use(entry.months).months;
check(months.length === 2 * byId.length, "months column length");
byId.forEach((r, d) => {
	const v = val[months[2 * d]] * 64 + val[months[2 * d + 1]];
	const want = (Number(r.month.slice(0, 4)) - 1900) * 12 + Number(r.month.slice(5)) - 1;
	check(v === want, `months column of ${r.id}`);
});

// Facet columns agree with the metadata.
entry.facets.forEach((f, i) => {
	const rd = reader(use(f.file).docs);
	for (let d = 0; d < byId.length; d++) {
		const m = meta[d].facets[i];
		if (f.multi) {
			const n = rd.varint(), got = [];
			for (let k = 0; k < n; k++)
				got.push(rd.varint());
			check(JSON.stringify(got) === JSON.stringify(m), `${f.key} column of ${byId[d].id}`);
		} else {
			check(rd.varint() - 1 === m, `${f.key} column of ${byId[d].id}`);
		}
	}
	check(!rd.more(), `${f.key} column has no trailing data`);
});

// Vocabulary: every word of every shard is in the right shard (its range
// of words in byte order), and its stem's postings decode to df
// increasing document numbers.
function shardOf(w) {
	const b = Buffer.from(w);
	let i = 0;
	while (i + 1 < V && Buffer.compare(Buffer.from(first[i + 1]), b) <= 0)
		i++;
	return i;
}
const words = new Map();
const postingsOf = new Map();
entry.vocab.forEach((rel, v) => {
	const sh = use(rel);
	check(sh.files.length === sh.positions.length, `shard ${v}: files and positions in step`);
	for (const [w, e] of Object.entries(sh.words)) {
		check(shardOf(w) === v, `word ${w} in shard ${v}`);
		words.set(w, e);
		const [stem, df, fi] = e;
		const pf = use(sh.files[fi]);
		const xf = use(sh.positions[fi]);
		if (postingsOf.has(stem))
			continue;
		const s = pf[stem];
		check(typeof s === "string", `postings of ${stem} in its file`);
		if (typeof s !== "string")
			continue;
		const rd = reader(s), docs = [], all = [];
		let last = -1;
		while (rd.more()) {
			const d = last + 1 + rd.varint();
			const imp = rd.digit();
			check(imp >= 1 && imp <= 63, `impact of ${stem}`);
			docs.push(d);
			all.push([d, imp]);
			last = d;
		}
		// The shard's top: the best 5 by impact, then the newer.
		const want = all.sort((a, b) => b[1] - a[1] || b[0] - a[0]).slice(0, 5)
		    .map((x) => x.join(":")).join(",");
		const tr = reader(sh.top[stem] || ""), got = [];
		while (tr.more()) {
			const d = tr.varint();
			got.push(d + ":" + tr.digit());
		}
		check(got.join(",") === want, `top of ${stem}: ${got.join(",")} vs ${want}`);
		check(docs.length === df, `df of ${stem}: ${docs.length} = ${df}`);
		check(last < byId.length, `postings of ${stem} within the documents`);
		postingsOf.set(stem, docs);
		if (xf[stem] !== undefined) {
			const xr = reader(xf[stem]);
			for (let k = 0; k < docs.length; k++) {
				const c = xr.varint();
				check(c >= 0 && c <= 32, `positions count of ${stem}`);
				for (let j = 0; j < c; j++)
					xr.varint();
			}
			check(!xr.more(), `positions of ${stem} end with its postings`);
		} else {
			// Stop words' stems, synonym terms and the words of
			// synonym phrases that no report uses (df 0).
			check(e[3] === 1 || stem.startsWith("~") || df === 0,
			    `positions of ${stem}`);
		}
	}
});

// Every plain ASCII word of each title is found, with its document.
byId.forEach((r, d) => {
	// Folded as gen/token.h says, as far as plain words go; words with
	// other letters are left to tests/gen/test_token.c.
	const ws = r.title.normalize("NFD")
	    .replace(/[\u0300-\u036f\u00ad\u200b-\u200d\u2060\ufeff]/g, "")
	    .replace(/\u0131/g, "i").toLowerCase()
	    .replace(/([a-z0-9])['\u2019\u02bc]([a-z0-9])/g, "$1$2")
	    .split(/[^\p{L}\p{N}]+/u).filter((w) => /^[a-z0-9]+$/.test(w))
	    .flatMap((w) => w.split(/(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])/));
	for (const w of ws) {
		if (w.length > 64)
			continue;
		const e = words.get(w);
		check(e !== undefined, `title word "${w}" of ${r.id} in the vocabulary`);
		if (e !== undefined)
			check(postingsOf.get(e[0]).includes(d), `"${w}" finds ${r.id}`);
	}
});

// Synonyms table and the stop list.
check(Array.isArray(entry.synonyms) && entry.synonyms.every((p) => p[1].startsWith("~")), "synonyms");
check(Array.isArray(entry.stop) && entry.stop.includes("the"), "stop list");

// Nothing in search/ that the index does not name.
const onDisk = [];
for (const sub of ["x", "m"])
	if (fs.existsSync(path.join(dir, sub)))
		for (const f of fs.readdirSync(path.join(dir, sub)))
			onDisk.push(sub + "/" + f);
for (const f of onDisk)
	check(used.has(f), `${f} is named by the index`);
const nfiles = onDisk.length + 1;
console.log(`index: ${byId.length} documents, ${words.size} words, ${postingsOf.size} terms, ${nfiles} files`);
if (process.env.FILES_OUT)
	fs.writeFileSync(process.env.FILES_OUT, String(nfiles));
console.log(`checks: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
