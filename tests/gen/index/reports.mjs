// Prints, as JSON, the published reports of a site's build state
// (OUTDIR/.nearmiss-state, lines "R<TAB>path<TAB>oid<TAB>id<TAB>title<TAB>
// summary<TAB>YYYY-MM<TAB>...", with \\, \t and \n escaped): what the
// report parser read, for tests/gen/index/check.mjs to hold the index to.
import fs from "node:fs";

const unesc = (s) => s.replace(/\\(.)/g, (_, c) => (c === "t" ? "\t" : c === "n" ? "\n" : c));
const out = [];
for (const line of fs.readFileSync(process.argv[2], "utf8").split("\n")) {
	const f = line.split("\t");
	if (f[0] !== "R")
		continue;
	out.push({ id: unesc(f[3]), title: unesc(f[4]), summary: unesc(f[5]), month: f[6] });
}
process.stdout.write(JSON.stringify(out));
