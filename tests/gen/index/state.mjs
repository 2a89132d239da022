// Prints the index's state file (OUTDIR.index.state, gen/ixstate.c says
// its format) as text, one line per item, words sorted: two states that
// print the same describe the same index, the same way.  Exits 1 if the
// file is not a whole state (magic, lengths; gen checks its hash).
import fs from "node:fs";

const d = fs.readFileSync(process.argv[2]);
let p = 8 + 20 + 16 + 16;
const out = [];
const bad = (why) => {
	console.error(`${process.argv[2]}: ${why} at byte ${p}`);
	process.exit(1);
};
if (d.length < p + 16 || d.toString("latin1", 0, 8) !== "NMIS0001")
	bad("not a state");
const end = d.length - 16;
const vu = () => {
	let v = 0n, sh = 0n;
	for (;;) {
		if (p >= end)
			bad("a number runs past the end");
		const c = d[p++];
		v |= BigInt(c & 0x7f) << sh;
		if (c < 0x80)
			return Number(v);
		sh += 7n;
	}
};
const str = () => {
	const n = vu();
	if (p + n > end)
		bad("a string runs past the end");
	const s = d.toString("utf8", p, p + n);
	p += n;
	return s;
};
out.push(`tree ${d.toString("hex", 8, 28)}`);
out.push(`docs ${vu()} groups ${vu()}`);
const npost = vu();
for (let i = 0; i < npost; i++)
	out.push(`post ${i} ${str()} ${vu()}`);
const nposx = vu();
for (let i = 0; i < nposx; i++)
	out.push(`posx ${i} ${str()} ${vu()}`);
out.push(`chunks ${str()}`);
out.push(`months ${str()}`);
for (let k = 0; k < 8; k++)
	out.push(`col ${k} ${str()}`);
const nt = vu();
for (let i = 0; i < nt; i++) {
	const t = [str(), vu(), vu(), vu()];
	const xlen = vu();
	t.push(xlen, vu(), vu());
	if (xlen > 0)
		t.push(vu(), vu());
	const n = vu();
	for (let k = 0; k < n; k++) {
		t.push(vu());
		t.push(d[p++]);
	}
	out.push(`term ${JSON.stringify(t)}`);
}
const nw = vu();
const words = [];
for (let i = 0; i < nw; i++)
	words.push(`word ${JSON.stringify([str(), vu(), vu()])}`);
words.sort();
out.push(...words);
if (p !== end)
	bad("bytes after the words");
process.stdout.write(out.join("\n") + "\n");
