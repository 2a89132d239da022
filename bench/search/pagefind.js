// pagefind.js (bench/search): the Pagefind half of bench/search.sh in the
// bench/search.sh copies it and pagefind.html into the Hugo output, beside
// the pagefind/ folder that Pagefind wrote; client.mjs opens the page and
// calls window.pfBench.  It does what a search UI does for one query and
// no more: search, then the data() of the first results shown.

const pagefind = await import('/pagefind/pagefind.js');

// run(words, filters, shown): search for each of words in turn (a word
// typed key by key is several searches), the last one with filters, then
// load the data of its first `shown` results.  Returns the time taken in
// ms, the number of results and the titles shown.
async function run(words, filters, shown) {
	const t0 = performance.now();
	let s = null;
	for (const w of words)
		s = await pagefind.search(w, filters ? { filters } : {});
	const data = await Promise.all(s.results.slice(0, shown).map(
	    (r) => r.data()));
	const t1 = performance.now();
	return {
		ms: t1 - t0,
		count: s.results.length,
		titles: data.map((d) => d.meta && d.meta.title),
	};
}

// facets(): what a faceted UI loads to show a count beside every value.
async function facets() {
	const f = await pagefind.filters();
	return Object.keys(f).length;
}

window.pfBench = { init: () => pagefind.init(), run, facets };
document.getElementById('state').textContent = 'ready';
