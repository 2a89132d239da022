/*
 * Copyright (c) 2026 The nearmiss authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * search.js: the search page (search/index.html).  It reads the sharded
 * index of nearmiss-index(5) from the site itself, fetching only what a
 * query needs (the entry, a vocabulary shard per word, its terms'
 * postings and positions, the chunk table and the metadata of the
 * results shown; a facet's column when it filters or its counts show),
 * ranks with the index's BM25 impacts, and keeps its state in the URL.
 * What is typed never leaves the browser.
 * Text goes into the page through textContent only (the page's CSP
 * requires Trusted Types).  Without a document (node), it only exposes
 * its engine as globalThis.NMSearch, for the tests.
 */

'use strict';

(function (G) {
	var WORD_MAX = 64;		/* TOK_WORD_MAX, in UTF-8 bytes */
	var QUERY_MAX = 256;		/* characters of a query read */
	var PREFIX_MAX = 20;		/* stems a word being typed expands to */
	var TYPO_MAX = 5;		/* words one edit away searched */
	var W_PREFIX = 0.6, W_TYPO = 0.5;
	/* PAGE: the index's best postings per word (nearmiss-index(5)). */
	var PAGE = 5, MORE = 10, PREFIX_SHARDS = 3;
	/*
	 * While typing, the pause (ms) before the full search: after first
	 * results from the vocabulary, or at most, without them.
	 */
	var PAUSE_FULL = 250, PAUSE_TYPED = 100;
	var S = 0, L = 1, D = 2, IGN = 3, APOS = 4;

	/* token.c's latin_fold[] for U+00C0 to U+017F; see fold(). */
	var LATIN = 'aaaaaaAceeeeiiiidnooooo_ouuuuyTS' +
	    'aaaaaaAceeeeiiiidnooooo_ouuuuyTy' +
	    'aaaaaaccccccccddddeeeeeeeeeegggg' +
	    'gggghhhhiiiiiiiiiiJJjjkkklllllll' +
	    'lllnnnnnnnnnooooooQQrrrrrrssssss' +
	    'sstttttt' + 'uuuuuuuuuuuu' + 'wwyyyzzzzzzs';
	var LIG = { A: 'ae', T: 'th', S: 'ss', J: 'ij', Q: 'oe' };

	/* What code point c is to the tokenizer: cls_of() of gen/token.c. */
	function cls(c) {
		if (c < 0x80) {
			if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90))
				return L;
			if (c >= 48 && c <= 57)
				return D;
			return c === 39 ? APOS : S;
		}
		if (c === 0xad || (c >= 0x300 && c <= 0x36f) ||
		    (c >= 0x1ab0 && c <= 0x1aff) || (c >= 0x1dc0 && c <= 0x1dff) ||
		    (c >= 0x200b && c <= 0x200d) || c === 0x2060 ||
		    (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe00 && c <= 0xfe0f) ||
		    (c >= 0xfe20 && c <= 0xfe2f) || c === 0xfeff)
			return IGN;
		if (c === 0x2019 || c === 0x2bc)
			return APOS;
		if (c < 0xc0 || c === 0xd7 || c === 0xf7 ||
		    (c >= 0x2b0 && c <= 0x2ff) || c === 0x37e || c === 0x387 ||
		    (c >= 0x2000 && c <= 0x2bff) || (c >= 0x2e00 && c <= 0x2e7f) ||
		    (c >= 0x3000 && c <= 0x303f) || (c >= 0xd800 && c <= 0xf8ff) ||
		    (c >= 0xfe10 && c <= 0xfe1f) || (c >= 0xfe30 && c <= 0xfe6f) ||
		    (c >= 0xff00 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
		    (c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff65) ||
		    (c >= 0xfff0 && c <= 0xffff) || (c >= 0x1f000 && c <= 0x1fbff) ||
		    c >= 0xe0000)
			return S;
		if (c >= 0xff10 && c <= 0xff19)
			return D;
		return L;
	}

	/* The folded form of letter or digit c: fold() of gen/token.c. */
	function fold(c) {
		var f;

		if (c < 0x80)
			return String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
		if (c >= 0xc0 && c <= 0x17f) {
			f = LATIN.charAt(c - 0xc0);
			return LIG[f] || f;
		}
		if ((c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) ||
		    (c >= 0xff41 && c <= 0xff5a))
			return fold(c - 0xfee0);
		if ((c >= 0x391 && c <= 0x3a9) || (c >= 0x410 && c <= 0x42f))
			c += 0x20;
		else if (c >= 0x400 && c <= 0x40f)
			c += 0x50;
		return String.fromCodePoint(c);
	}

	function utf8len(s) {
		var c = s.codePointAt(0);

		return s.length > 1 && c < 0x80 ? s.length :
		    c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
	}

	/*
	 * The words of text as tok_text() cuts and folds them: an array of
	 * { w: folded word, s: start, e: end } (UTF-16 offsets in text).
	 */
	function words(text) {
		var out = [];
		var cps = [], offs = [];
		var i, j, c, k, nk, prev = S, start = -1, w = '', wn = 0;
		var cut = false, f, fn;

		for (i = 0; i < text.length; i += c > 0xffff ? 2 : 1) {
			c = text.codePointAt(i);
			cps.push(c);
			offs.push(i);
		}
		offs.push(text.length);
		for (j = 0; j < cps.length; j++) {
			c = cps[j];
			k = cls(c);
			if (k === APOS && start >= 0 && j + 1 < cps.length) {
				nk = cls(cps[j + 1]);
				if (nk === L || nk === D)
					continue;
			}
			if (k === IGN)
				continue;
			if (start >= 0 && (k === S || k === APOS || k !== prev)) {
				out.push({ w: w, s: offs[start], e: offs[j] });
				start = -1;
			}
			if (k === S || k === APOS)
				continue;
			if (start < 0) {
				start = j;
				w = '';
				wn = 0;
				cut = false;
			}
			prev = k;
			f = fold(c);
			fn = utf8len(f);
			if (wn + fn > WORD_MAX)
				cut = true;
			else if (!cut) {
				w += f;
				wn += fn;
			}
		}
		if (start >= 0)
			out.push({ w: w, s: offs[start], e: text.length });
		return out;
	}

	/*
	 * Parses a query: "double quotes" make a phrase, a leading "-"
	 * excludes, and the last word is a prefix (being typed) unless the
	 * query ends in a space or quote, or whole is set.  Returns
	 * [{ words: [{w, s, e}], phrase, neg, prefix }].
	 */
	function parse(q, whole) {
		var out = [], re = /(-?)"([^"]*)"?|(-?)([^\s"]+)/g;
		var m, ws, i, base;

		q = q.slice(0, QUERY_MAX);
		while ((m = re.exec(q)) !== null) {
			if (m[2] !== undefined) {
				base = m.index + m[1].length + 1;
				ws = words(m[2]);
				for (i = 0; i < ws.length; i++) {
					ws[i].s += base;
					ws[i].e += base;
				}
				if (ws.length)
					out.push({ words: ws, phrase: ws.length > 1,
					    neg: m[1] === '-', prefix: false });
				continue;
			}
			base = m.index + m[3].length;
			ws = words(m[4]);
			for (i = 0; i < ws.length; i++) {
				ws[i].s += base;
				ws[i].e += base;
				out.push({ words: [ws[i]], phrase: false,
				    neg: m[3] === '-', prefix: false });
			}
		}
		if (!whole && out.length && !/[\s"]$/.test(q) &&
		    !out[out.length - 1].neg &&
		    !out[out.length - 1].phrase && q.charAt(q.length - 1) !== '"')
			out[out.length - 1].prefix = true;
		return out;
	}

	/*
	 * The value of each character of nearmiss-index(5)'s numbers, by
	 * its code; any other character (of a damaged file) is worth 0.
	 */
	var DIGIT = (function () {
		var t = new Int8Array(128), a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' +
		    'abcdefghijklmnopqrstuvwxyz0123456789-_', i;

		for (i = 0; i < a.length; i++)
			t[a.charCodeAt(i)] = i;
		return t;
	})();

	/*
	 * Decodes the varints and digits of nearmiss-index(5): a table
	 * look-up per character, as the first search runs before the
	 * browser compiles these loops.
	 */
	function Dec(s) {
		this.s = s;
		this.i = 0;
	}
	Dec.prototype.digit = function () {
		return DIGIT[this.s.charCodeAt(this.i++) & 127];
	};
	Dec.prototype.varint = function () {
		var s = this.s, i = this.i, n = s.length, v = 0, mul = 1, d;

		do {
			d = DIGIT[s.charCodeAt(i++) & 127];
			v += (d & 31) * mul;
			mul *= 32;
		} while (d >= 32 && i < n);
		this.i = i;
		return v;
	};
	Dec.prototype.more = function () {
		return this.i < this.s.length;
	};

	/* One edit (insert, delete, substitute, swap) apart, and not equal. */
	function edit1(a, b) {
		var i = 0, n = a.length, m = b.length;

		if (Math.abs(n - m) > 1 || a === b)
			return false;
		while (i < n && i < m && a[i] === b[i])
			i++;
		if (n === m)
			return a.slice(i + 1) === b.slice(i + 1) ||
			    (a[i] === b[i + 1] && a[i + 1] === b[i] &&
			    a.slice(i + 2) === b.slice(i + 2));
		return n > m ? a.slice(i + 1) === b.slice(i) :
		    a.slice(i) === b.slice(i + 1);
	}

	function idf(n, df) {
		return Math.log(1 + (n - df + 0.5) / (df + 0.5));
	}

	/*
	 * The engine: entryUrl is the entry file's URL; getJSON(url)
	 * resolves to the parsed file (fetch, or the disk in tests), each
	 * fetched once.
	 */
	function Engine(entryUrl, getJSON) {
		this.url = entryUrl;
		this.base = entryUrl.slice(0, entryUrl.lastIndexOf('/') + 1);
		this.getJSON = getJSON;
		this.files = new Map();
		this.shards = new Map();	/* loaded shards, by number */
	}

	Engine.prototype.get = function (path) {
		var p = this.files.get(path);
		var self = this;

		if (!p) {
			p = this.getJSON(path === '' ? this.url : this.base + path);
			p.catch(function () {
				self.files.delete(path);
			});
			this.files.set(path, p);
		}
		return p;
	};

	Engine.prototype.entry = function () {
		var self = this;

		return this.get('').then(function (e) {
			if (!e || e.version !== 1 || !Array.isArray(e.vocab))
				throw new Error('unknown index version');
			self.e = e;
			self.stop = new Set(e.stop || []);
			self.syn = new Map(e.synonyms || []);
			/* Every list of results needs the chunk table: fetch
			 * it now, beside the query's own files. */
			self.get(e.chunks).catch(function () {});
			return e;
		});
	};

	/*
	 * The number of the shard of a folded word or synonym term: the
	 * last whose first word is not after it (nearmiss-index(5)).
	 */
	Engine.prototype.sno = function (w) {
		var f = this.e.vocab_first, lo = 0, hi = f.length - 1, mid;

		while (lo < hi) {
			mid = (lo + hi + 1) >> 1;
			if (f[mid] <= w)
				lo = mid;
			else
				hi = mid - 1;
		}
		return lo;
	};

	/* The shard of a folded word or synonym term, or number n. */
	Engine.prototype.shard = function (w, n) {
		var self = this;

		if (n === undefined)
			n = this.sno(w);
		return this.get(this.e.vocab[n]).then(function (sh) {
			self.shards.set(n, sh);
			return sh;
		});
	};

	/* Loads the shards of the words of a parsed query (and prefixes'). */
	Engine.prototype.load = function (parsed) {
		var self = this, all = [];

		parsed.forEach(function (c) {
			c.words.forEach(function (x) {
				all.push(self.shard(x.w));
				if (c.prefix && x.w.length >= 3)
					self.range(x.w).forEach(function (n) {
						all.push(self.shard(null, n));
					});
			});
		});
		return Promise.all(all);
	};

	/* The shards for the typos of w: its own and its two letters'. */
	Engine.prototype.near = function (w) {
		var n = this.sno(w), out = this.range(w.slice(0, 2));

		if (out.indexOf(n) < 0)
			out.push(n);
		return out;
	};

	/*
	 * The numbers of the shards whose words may start with prefix w
	 * (mostly one; at most PREFIX_SHARDS).
	 */
	Engine.prototype.range = function (w) {
		var a = this.sno(w), b = this.sno(w + '\uffff'), out = [];

		for (; a <= b && out.length < PREFIX_SHARDS; a++)
			out.push(a);
		return out;
	};

	/* [stem, df, file, stop] of w if its shard is loaded, else null. */
	Engine.prototype.known = function (w) {
		var sh = this.shards.get(this.sno(w));

		return sh && Object.prototype.hasOwnProperty.call(sh.words, w) ?
		    sh.words[w] : null;
	};

	/*
	 * Skips the positions of one posting at d (a count, then that many
	 * varints, each ended by a digit below 32: A-Z, a-f).
	 */
	function skipPos(d) {
		var s = d.s, n = s.length, c = d.varint(), i = d.i;

		for (; c > 0 && i < n; i++)
			if (DIGIT[s.charCodeAt(i) & 127] < 32)
				c--;
		d.i = i;
	}

	/*
	 * Reads a term's positions (p of postings()) document by document,
	 * in increasing order, with no array per document: a phrase walks
	 * its words' positions side by side, skipping the documents it does
	 * not check.
	 */
	function PosScan(p) {
		this.d = new Dec(p.ps || '');
		this.docs = p.docs;
		this.k = 0;
	}
	/*
	 * The positions of doc (not before the last asked) into out, in
	 * order; returns how many (at most out.length), 0 for none.
	 */
	PosScan.prototype.read = function (doc, out) {
		var d = this.d, docs = this.docs, n, c, x = 0;

		while (this.k < docs.length && docs[this.k] < doc && d.more()) {
			skipPos(d);
			this.k++;
		}
		if (docs[this.k] !== doc || !d.more())
			return 0;
		this.k++;
		n = d.varint();
		for (c = 0; c < n && d.more(); c++) {
			x += d.varint();
			if (c < out.length)
				out[c] = x;
		}
		return Math.min(c, out.length);
	};

	/*
	 * Resolves to a term's postings: docs (in order), at (per document,
	 * its impact or 0) and with withPos ps (its positions string, for
	 * PosScan) and pos(doc) (a document's positions, an array).
	 */
	Engine.prototype.postings = function (sh, term, fileno, withPos) {
		var self = this;
		var key = fileno + ' ' + sh.files[fileno] + ' ' + term;
		var p;

		if (!this.pcache)
			this.pcache = new Map();
		if (this.pcache.has(key) && (!withPos || this.pcache.get(key).pos))
			return Promise.resolve(this.pcache.get(key));
		p = [this.get(sh.files[fileno])];
		if (withPos && sh.positions)
			p.push(this.get(sh.positions[fileno]));
		return Promise.all(p).then(function (r) {
			var docs = [], d = new Dec(r[0][term] || '');
			var at = new Uint8Array(self.e.docs);
			var map = { docs: docs, at: at }, po = null, doc = -1;

			while (d.more()) {
				doc += d.varint() + 1;
				at[doc] = d.digit();
				docs.push(doc);
			}
			if (r[1]) {
				map.ps = r[1][term] || '';
				/* Where each document's positions start, found at
				 * the first call: a phrase reads them with PosScan. */
				map.pos = function (doc) {
					var pd = new Dec(map.ps), v = [], x = 0, c, i;

					if (!po) {
						po = new Int32Array(self.e.docs);
						for (i = 0; i < docs.length && pd.more(); i++) {
							po[docs[i]] = pd.i + 1;
							skipPos(pd);
						}
					}
					if (!po[doc])
						return null;
					pd.i = po[doc] - 1;
					for (c = pd.varint(); c-- > 0;)
						v.push(x += pd.varint());
					return v;
				};
			}
			self.pcache.set(key, map);
			return map;
		});
	};

	/*
	 * A column: per document, a value (typed arrays: months, and a
	 * single facet's value or -1), or an array of them (a multi facet).
	 */
	Engine.prototype.column = function (k) {
		var self = this, f, path, p;

		if (k === 'months')
			path = this.e.months;
		else {
			f = this.e.facets.filter(function (x) {
				return x.key === k;
			})[0];
			if (!f)
				return Promise.resolve(null);
			path = f.file;
		}
		if (!this.cols)
			this.cols = new Map();
		/* Equal columns are one file, read as each facet says. */
		path = (f && f.multi ? 'm ' : 's ') + path;
		if (this.cols.has(path))
			return this.cols.get(path);
		p = this.get(path.slice(2)).then(function (c) {
			var n = self.e.docs, d = new Dec(k === 'months' ? c.months :
			    c.docs), out, i, j, v;

			if (k === 'months')
				for (out = new Uint16Array(n), i = 0; i < n; i++)
					out[i] = d.digit() * 64 + d.digit();
			else if (!f.multi)
				for (out = new Int32Array(n), i = 0; i < n; i++)
					out[i] = d.varint() - 1;
			else
				for (out = [], i = 0; i < n; i++) {
					for (v = [], j = d.varint(); j-- > 0;)
						v.push(d.varint());
					out.push(v);
				}
			return out;
		});
		this.cols.set(path, p);
		return p;
	};

	/* The metadata of documents docs, in order. */
	Engine.prototype.meta = function (docs) {
		var self = this, ch = this.e.chunk;

		return this.get(this.e.chunks).then(function (t) {
			return Promise.all(docs.map(function (doc) {
				var k = Math.floor(doc / ch);
				var hex = t.chunks.substr(8 * k, 8);

				return self.get('m/' + k + '.' + hex + '.json')
				    .then(function (c) {
					return c[doc - k * ch];
				});
			}));
		});
	};

	/*
	 * Maps the parsed query to clauses { alts: [{ term, w, sh, file }],
	 * need, neg, phrase }, loading its shards.  Sets r.unknown (words
	 * not found) and r.hl (words, stems and prefixes to highlight).
	 * exact: no words one edit away (nor their shards).
	 */
	Engine.prototype.terms = function (parsed, r, exact) {
		var self = this, i;

		return this.load(parsed).then(function () {
			var more = [];

			/* A word of no report: its neighbours one edit away
			 * (from the third letter on) may be in the shards of
			 * its first two letters. */
			parsed.forEach(function (c) {
				c.words.forEach(function (x) {
					if (!exact && !self.known(x.w))
						self.near(x.w).forEach(function (n) {
							more.push(self.shard(null, n));
						});
				});
			});
			return Promise.all(more);
		}).then(function () {
			var onlyStop = parsed.every(function (c) {
				return c.neg || c.words.every(function (x) {
					return self.stop.has(x.w);
				});
			});
			var clauses = [], syn = [], run = [], cl;

			function alt(w, weight) {
				var v = self.known(w);

				return v ? { term: v[0], w: weight, df: v[1],
				    sh: self.shards.get(self.sno(w)), file: v[2] } : null;
			}

			function plain(c) {
				var w = c.words[0].w, a = alt(w, 1), v, cl;
				var seen = new Set(), list = [];

				cl = { alts: [], need: true, neg: c.neg, src: c };
				if (self.stop.has(w) && !onlyStop && !c.neg) {
					if (!c.prefix)
						return null;
					a = null;
				}
				if (a) {
					cl.alts.push(a);
					seen.add(a.term);
					r.hl.words.add(w);
					r.hl.stems.add(a.term);
				}
				/* From three letters: their words mostly share a
				 * shard and a postings file. */
				if (c.prefix && w.length >= 3) {
					self.range(w).forEach(function (n) {
						var s = self.shards.get(n), v;

						for (v in s.words)
							if (v.length > w.length &&
							    v.lastIndexOf(w, 0) === 0 &&
							    v.charAt(0) !== '~' &&
							    (onlyStop || !s.words[v][3]))
								list.push([v, s.words[v]]);
					});
					list.sort(function (x, y) {
						return y[1][1] - x[1][1];
					});
					list.forEach(function (x) {
						if (seen.size <= PREFIX_MAX &&
						    !seen.has(x[1][0])) {
							seen.add(x[1][0]);
							v = alt(x[0], W_PREFIX);
							/* Never above the word typed. */
							if (a)
								v.df = Math.max(v.df, a.df);
							cl.alts.push(v);
						}
					});
					if (list.length)
						r.hl.prefix.push(w);
				}
				if (!cl.alts.length && !exact &&
				    Array.from(w).length >= 3) {
					list = [];
					self.near(w).forEach(function (n) {
						var s = self.shards.get(n), v;

						for (v in s.words)
							if (v.charAt(0) !== '~' &&
							    !s.words[v][3] &&
							    s.words[v][1] > 0 && edit1(w, v))
								list.push([v, s.words[v]]);
					});
					list.sort(function (x, y) {
						return y[1][1] - x[1][1];
					});
					if (list.length)
						r.unknown.push({ c: c, to: list[0][0] });
					if (Array.from(w).length >= 5)
						list.slice(0, TYPO_MAX).forEach(function (x) {
							cl.alts.push(alt(x[0], W_TYPO));
							r.hl.words.add(x[0]);
						});
				}
				/* A letter being typed waits for the next. */
				if (!cl.alts.length && c.prefix &&
				    Array.from(w).length < 2)
					return null;
				return cl;
			}

			/* Flushes a run of plain words through the synonyms. */
			function flush() {
				var j, n, key, stems, best, cl;

				stems = run.map(function (c) {
					var w = c.words[0].w, v = self.known(w), g = w;

					/*
					 * A word of no report: the longest stem of
					 * a synonym phrase that it starts with
					 * ("emotionally", "emot"), else itself.
					 */
					if (v)
						return v[0];
					self.synStems().forEach(function (x) {
						if (x.length >= 3 && w.length - x.length <=
						    7 && w.lastIndexOf(x, 0) === 0 &&
						    (g === w || x.length > g.length))
							g = x;
					});
					return g;
				});
				for (j = 0; j < run.length; j = best ? j + best : j + 1) {
					best = 0;
					key = '';
					for (n = 1; n <= 8 && j + n <= run.length; n++) {
						key += (n > 1 ? ' ' : '') + stems[j + n - 1];
						if (self.syn.has(key))
							best = n;
					}
					if (!best) {
						if ((cl = plain(run[j])))
							clauses.push(cl);
						continue;
					}
					key = stems.slice(j, j + best).join(' ');
					cl = best === 1 ? plain(run[j]) : null;
					if (!cl)
						cl = { alts: [], need: true, neg: false,
						    src: run[j] };
					cl.synterm = self.syn.get(key);
					run.slice(j, j + best).forEach(function (c) {
						r.hl.words.add(c.words[0].w);
					});
					syn.push(cl);
					clauses.push(cl);
				}
				run = [];
			}

			for (i = 0; i < parsed.length; i++) {
				if (!parsed[i].phrase && !parsed[i].neg) {
					run.push(parsed[i]);
					continue;
				}
				flush();
				if (parsed[i].phrase)
					clauses.push(self.phrase(parsed[i], onlyStop,
					    r));
				else if ((cl = plain(parsed[i])))
					clauses.push(cl);
			}
			flush();
			return Promise.all(syn.map(function (cl) {
				return self.shard(cl.synterm).then(function (sh) {
					var v = sh.words[cl.synterm];

					if (v)
						cl.alts.push({ term: v[0], w: 1, df: v[1],
						    sh: sh, file: v[2] });
					self.e.synonyms.forEach(function (p) {
						if (p[1] === cl.synterm)
							p[0].split(' ').forEach(function (s) {
								r.hl.stems.add(s);
							});
					});
				});
			})).then(function () {
				return clauses;
			});
		});
	};

	/* The stems of the synonym phrases. */
	Engine.prototype.synStems = function () {
		var out = new Set();

		if (!this.sstems) {
			this.syn.forEach(function (t, key) {
				key.split(' ').forEach(function (x) {
					out.add(x);
				});
			});
			this.sstems = out;
		}
		return this.sstems;
	};

	/* A phrase clause: its words that are not stop words, with gaps. */
	Engine.prototype.phrase = function (c, onlyStop, r) {
		/* Stop words have no positions: all of them is all words. */
		var self = this, cl = { alts: [], need: true, neg: c.neg,
		    phrase: [], src: c, nopos: onlyStop };

		c.words.forEach(function (x, i) {
			var v = self.known(x.w);

			if (self.stop.has(x.w) && !onlyStop)
				return;
			r.hl.words.add(x.w);
			cl.phrase.push(v ? { term: v[0], w: 1, df: v[1], off: i,
			    sh: self.shards.get(self.sno(x.w)), file: v[2] } : null);
		});
		return cl;
	};

	/* Resolves to the scores of a clause, per document (0: no match). */
	Engine.prototype.clause = function (cl) {
		var self = this, n = this.e.docs, out = new Float64Array(n);

		if (cl.phrase) {
			if (!cl.phrase.length || cl.phrase.some(function (a) {
				return a === null;
			}))
				return Promise.resolve(out);
			return Promise.all(cl.phrase.map(function (a) {
				return self.postings(a.sh, a.term, a.file,
				    cl.phrase.length > 1 && !cl.nopos);
			})).then(function (ps) {
				/*
				 * The documents of its rarest word, checked: the
				 * first word's positions (ascending) kept where
				 * each other word is at its distance.
				 */
				var scan = ps.map(function (p) {
					return new PosScan(p);
				}), l = new Int32Array(32), v = new Int32Array(32);

				ps.reduce(function (a, p) {
					return p.docs.length < a.docs.length ? p : a;
				}).docs.forEach(function (doc) {
					var s = 0, i, j, a, b, ln, vn, m;

					for (i = 0; i < ps.length; i++)
						if (!ps[i].at[doc])
							return;
					if (ps.length > 1 && !cl.nopos) {
						ln = scan[0].read(doc, l);
						for (i = 1; i < ps.length && ln; i++) {
							vn = scan[i].read(doc, v);
							m = cl.phrase[i].off - cl.phrase[0].off;
							for (a = b = j = 0; a < ln; a++) {
								while (b < vn && v[b] < l[a] + m)
									b++;
								if (b < vn && v[b] === l[a] + m)
									l[j++] = l[a];
							}
							ln = j;
						}
						if (!ln)
							return;
					}
					for (i = 0; i < ps.length; i++)
						s += idf(n, cl.phrase[i].df) * ps[i].at[doc] /
						    63;
					out[doc] = s;
				});
				return out;
			});
		}
		return Promise.all(cl.alts.map(function (a) {
			return self.postings(a.sh, a.term, a.file, false);
		})).then(function (ps) {
			ps.forEach(function (p, i) {
				var a = cl.alts[i], f = a.w * idf(n, a.df) / 63;
				var j, d, s;

				for (j = 0; j < p.docs.length; j++) {
					d = p.docs[j];
					s = f * p.at[d];
					if (!(out[d] >= s))
						out[d] = s;
				}
			});
			return out;
		});
	};

	/*
	 * Whether document doc passes the filters (cols: their columns)
	 * but those of facet skip.
	 */
	Engine.prototype.pass = function (doc, filters, cols, skip) {
		var k, v, want;

		for (k in filters) {
			if (k === skip || !cols[k])
				continue;
			want = filters[k];
			if (k === 'from' || k === 'to') {
				v = 1900 + Math.floor(cols.months[doc] / 12);
				if (k === 'from' ? v < want : v > want)
					return false;
				continue;
			}
			v = cols[k][doc];
			if (Array.isArray(v) ? !v.some(function (x) {
				return want.has(x);
			}) : !want.has(v))
				return false;
		}
		return true;
	};

	/*
	 * Filters { key: [slugs], from, to } (as in the URL) to { key: Set
	 * of value numbers, from, to }, unknown keys and slugs dropped.
	 */
	Engine.prototype.filters = function (f) {
		var out = {};

		this.e.facets.forEach(function (x) {
			var s = new Set();

			(f[x.key] || []).forEach(function (slug) {
				x.values.forEach(function (v, i) {
					if (v[0] === slug)
						s.add(i);
				});
			});
			if (s.size)
				out[x.key] = s;
		});
		['from', 'to'].forEach(function (k) {
			if (/^\d{4}$/.test(f[k] || ''))
				out[k] = +f[k];
		});
		return out;
	};

	/*
	 * Runs query q, filters f ({ key: [slugs], from, to }), sort
	 * "relevance", "newest", "oldest" or '' (the default); whole: the
	 * last word is a prefix only if no word of the vocabulary (it was
	 * submitted); k: rank only the first k (rank()); live: false once a
	 * newer search makes this one moot (it stops, rejected).  Resolves to
	 * { total, docs (ranked), base (matches before the filters), filters,
	 * note, suggest, hl }.
	 */
	Engine.prototype.search = function (q, f, sort, whole, k, live) {
		var self = this;
		var r = { hl: { words: new Set(), stems: new Set(), prefix: [] },
		    unknown: [], note: '', k: k };

		function alive(x) {
			if (live && !live())
				throw new Error('superseded');
			return x;
		}

		return this.entry().then(function () {
			var parsed = parse(q || ''), last, w;

			r.filters = self.filters(f || {});
			r.sort = sort === 'newest' || sort === 'oldest' ||
			    sort === 'relevance' ? sort : parsed.length ?
			    'relevance' : 'newest';
			r.empty = !parsed.some(function (c) {
				return !c.neg;
			});
			if (r.empty && !Object.keys(r.filters).length)
				return null;
			last = parsed[parsed.length - 1];
			if (!whole || !last || !last.prefix)
				return self.terms(parsed, r);
			/* A whole query's last word is a prefix only if no word
			 * of the archive ("retent", saved while typing). */
			w = last.words[0].w;
			return self.shard(w).then(function (sh) {
				if (Object.prototype.hasOwnProperty.call(sh.words, w))
					last.prefix = false;
				return self.terms(parsed, r);
			});
		}).then(alive).then(function (clauses) {
			if (clauses === null)
				return [];
			return Promise.all(clauses.map(function (cl) {
				return self.clause(cl).then(function (m) {
					cl.m = m;
					return cl;
				});
			}));
		}).then(alive).then(function (clauses) {
			var n = self.e.docs, score = new Float64Array(n);
			var hits = new Uint8Array(n), no = new Uint8Array(n);
			var need, d;

			r.q = q;
			if (r.empty && !Object.keys(r.filters).length) {
				r.total = 0;
				r.docs = [];
				r.base = [];
				for (d = 0; d < n; d++)
					r.base.push(d);
				return r;
			}
			need = clauses.filter(function (c) {
				return !c.neg;
			});
			clauses.forEach(function (cl) {
				for (d = 0; d < n; d++)
					if (cl.m[d] && cl.neg)
						no[d] = 1;
					else if (cl.m[d]) {
						score[d] += cl.m[d];
						hits[d]++;
					}
			});
			/* The documents of min clauses, none excluded. */
			function collect(min) {
				var out = [];

				for (d = 0; d < n; d++)
					if ((r.empty || hits[d] >= (min || 1)) &&
					    !no[d])
						out.push(d);
				return out;
			}
			r.base = collect(need.length);
			r.hits = hits;
			r.score = score;
			return self.narrow(alive(r)).then(function () {
				if (r.docs.length === 0 && need.length > 1) {
					r.base = collect(1);
					r.or = true;
					return self.narrow(r).then(function () {
						if (r.docs.length)
							r.note = 'No report has all ' +
							    'of these words: these ' +
							    'have some of them.';
						return r;
					});
				}
				return r;
			});
		}).then(function (r2) {
			var words;

			if (r2.unknown.length) {
				words = q.slice(0, QUERY_MAX);
				r2.unknown.slice().reverse().forEach(function (u) {
					var x = u.c.words[0];
					words = words.slice(0, x.s) + u.to +
					    words.slice(x.e);
				});
				r2.suggest = words.trim();
			}
			return r2;
		});
	};

	/*
	 * First results of one word by relevance, no filters, from its
	 * stems' "top" in the shards: no postings.  A doc of the first page
	 * is among the best 5 of the stem that scores it most, so these
	 * give the full search's first page; only with the exact count (one
	 * stem, or one in every report).  While typing (typed), the word is
	 * a prefix.  Resolves to a result like search()'s, or null.
	 */
	Engine.prototype.quick = function (q, f, sort, typed) {
		var self = this, parsed, r = { hl: { words: new Set(),
		    stems: new Set(), prefix: [] }, unknown: [], note: '',
		    quick: true, q: q, sort: 'relevance', filters: {} };

		return this.entry().then(function () {
			parsed = parse(q || '', !typed);
			if (parsed.length !== 1 || parsed[0].neg ||
			    parsed[0].phrase ||
			    Object.keys(self.filters(f || {})).length ||
			    (sort && sort !== 'relevance'))
				return null;
			return self.terms(parsed, r, true);
		}).then(function (cls) {
			var n = self.e.docs, best = new Map(), cl = cls && cls[0];
			var df = 0;

			if (!cl || cls.length !== 1 || cl.synterm ||
			    !cl.alts.length || r.unknown.length)
				return null;
			if (!cl.alts.every(function (a) {
				var t = a.sh.top && a.sh.top[a.term];
				var x = a.w * idf(n, a.df) / 63, d, doc, s;

				if (typeof t !== 'string')
					return false;
				df = Math.max(df, a.df);
				for (d = new Dec(t); d.more();) {
					doc = d.varint();
					s = x * d.digit();
					if (!(best.get(doc) >= s))
						best.set(doc, s);
				}
				return true;
			}) || (cl.alts.length > 1 && df !== n))
				return null;
			r.total = df;
			r.docs = Array.from(best.keys()).sort(function (a, b) {
				return best.get(b) - best.get(a) || b - a;
			}).slice(0, PAGE);
			return r;
		});
	};

	/* Applies the filters and the sort to r.base into r.docs. */
	Engine.prototype.narrow = function (r) {
		var self = this, keys = Object.keys(r.filters), cols = {};
		var need = keys.slice();

		if (keys.indexOf('from') >= 0 || keys.indexOf('to') >= 0 ||
		    r.sort !== 'relevance')
			need.push('months');
		return Promise.all(need.map(function (k) {
			return self.column(k === 'from' || k === 'to' ?
			    'months' : k).then(function (c) {
				cols[k] = c;
			});
		})).then(function () {
			var m = cols.months, sc = r.score, h = r.hits;

			r.docs = r.base.filter(function (d) {
				return self.pass(d, r.filters, cols, null);
			});
			r.total = r.docs.length;
			r.cmp = function (a, b) {
				if (r.sort !== 'relevance' && m[a] !== m[b])
					return r.sort === 'newest' ? m[b] - m[a] :
					    m[a] - m[b];
				if (r.sort === 'relevance') {
					if (r.or && h[a] !== h[b])
						return h[b] - h[a];
					if (sc[a] !== sc[b])
						return sc[b] - sc[a];
				}
				return r.sort === 'oldest' ? a - b : b - a;
			};
			if (!r.k)
				r.docs.sort(r.cmp);
		});
	};

	/* Ranks the first n of r.docs (n > PAGE: all, else no sort). */
	Engine.prototype.rank = function (r, n) {
		var d = r.docs, c = r.cmp, top = [], i, j;

		if (!c || n > PAGE)
			return c && d.sort(c);
		for (i = 0; i < d.length; i++) {
			for (j = top.length; j > 0 && c(d[i], top[j - 1]) < 0; j--)
				;
			if (j < n)
				top.splice(j, 0, d[i]);
			if (top.length > n)
				top.pop();
		}
		r.docs = top.concat(d.filter(function (x) {
			return top.length === n && c(x, top[n - 1]) > 0;
		}));
	};

	/*
	 * The count of each facet value among r.base that passes the other
	 * facets' filters (OR within a facet, AND across): { key: [n, ...] }
	 * for the facets keys names (all without).  Loads only the columns
	 * these and the filters need.
	 */
	Engine.prototype.counts = function (r, keys) {
		var self = this, cols = {}, need;

		keys = keys || this.e.facets.map(function (x) {
			return x.key;
		});
		need = keys.concat(Object.keys(r.filters)).map(function (k) {
			return k === 'from' || k === 'to' ? 'months' : k;
		});
		return Promise.all(need.map(function (k) {
			return self.column(k).then(function (c) {
				cols[k] = c;
			});
		})).then(function () {
			var out = {};

			cols.from = cols.to = cols.months;
			self.e.facets.forEach(function (x) {
				var n = x.values.map(function () {
					return 0;
				});

				if (keys.indexOf(x.key) < 0)
					return;
				r.base.forEach(function (d) {
					var v = cols[x.key][d];

					if (!self.pass(d, r.filters, cols, x.key))
						return;
					(Array.isArray(v) ? v : [v]).forEach(function (i) {
						if (i >= 0 && i < n.length)
							n[i]++;
					});
				});
				out[x.key] = n;
			});
			return out;
		});
	};

	var api = { words: words, parse: parse, Dec: Dec,
	    Engine: Engine, edit1: edit1 };

	if (typeof document === 'undefined') {
		G.NMSearch = api;
		return;
	}

	/* ---- the page ---------------------------------------------------- */

	var $ = function (id) {
		return document.getElementById(id);
	};
	var form = $('search-form'), input = $('search-q');
	var results = $('search-results'), count = $('search-count');
	var fbox = $('search-filters'), sortSel = $('search-sort');
	var box = fbox && fbox.parentNode;	/* the "Filters" <details> */
	var more = $('search-more'), extra = $('search-extra');
	var help = $('search-help');

	if (!form || !input || !results || !count || !fbox)
		return;

	var engine = new Engine(form.getAttribute('data-index') ||
	    'index.json', function (url) {
		return fetch(url, { credentials: 'omit', referrerPolicy:
		    'no-referrer', cache: /index\.json$/.test(url) ?
		    'no-cache' : 'default' }).then(function (res) {
			if (!res.ok)
				throw new Error('HTTP ' + res.status + ' ' + url);
			return res.json();
		});
	});
	var reports = form.getAttribute('data-reports') || '../reports/';
	/*
	 * The small-count rule (nearmiss.ini's min_count, k): a count below
	 * k shows as "< k"; k from the page, else the rule's default.
	 */
	var K = (function (k) {
		return k >= 1 && k <= 1000 ? k : 3;
	})(parseInt(form.getAttribute('data-min-count'), 10));
	var seq = 0, cur = null, shown = 0;
	var keyAt = 0, gap = 0, pause;	/* see the input listener */
	var full = null;	/* the full search shown, for the counts */
	var cseq = 0;		/* the latest count of the open groups */
	var sort = '';	/* the sort chosen, '' for the default */

	function el(tag, cls, text) {
		var e = document.createElement(tag);

		if (cls)
			e.className = cls;
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	function clear(e) {
		e.textContent = '';
	}

	/* The state in the URL: { q, f: { key: [slugs], from, to }, sort }. */
	function fromURL() {
		var p = new URLSearchParams(location.search), f = {};

		if (engine.e)
			engine.e.facets.forEach(function (x) {
				if (p.getAll(x.key).length)
					f[x.key] = p.getAll(x.key);
			});
		['from', 'to'].forEach(function (k) {
			if (p.get(k))
				f[k] = p.get(k);
		});
		return { q: (p.get('q') || '').slice(0, QUERY_MAX), f: f,
		    sort: p.get('sort') || '' };
	}

	function toURL(st) {
		var p = new URLSearchParams(), k;

		if (st.q)
			p.append('q', st.q);
		for (k in st.f)
			if (k !== 'from' && k !== 'to')
				st.f[k].forEach(function (v) {
					p.append(k, v);
				});
		if (st.f.from)
			p.append('from', st.f.from);
		if (st.f.to)
			p.append('to', st.f.to);
		if (st.sort)
			p.append('sort', st.sort);
		p = p.toString();
		return location.pathname + (p ? '?' + p : '');
	}

	/* The state the controls show. */
	function fromForm() {
		var f = {};

		/* Typed before the entry came: no filters yet. */
		(engine.e ? engine.e.facets : []).forEach(function (x) {
			var v = [];

			fbox.querySelectorAll('input[name="' + x.key + '"]')
			    .forEach(function (c) {
				if (c.checked)
					v.push(c.value);
			});
			if (v.length)
				f[x.key] = v;
		});
		['from', 'to'].forEach(function (k) {
			var s = $('search-' + k);

			if (s && s.value)
				f[k] = s.value;
		});
		return { q: input.value.slice(0, QUERY_MAX), f: f, sort: sort };
	}

	function toForm(st) {
		input.value = st.q;
		fbox.querySelectorAll('input[type=checkbox]').forEach(function (c) {
			c.checked = (st.f[c.name] || []).indexOf(c.value) >= 0;
		});
		['from', 'to'].forEach(function (k) {
			var s = $('search-' + k);

			if (s)
				s.value = st.f[k] || '';
		});
		/* A group with a filter set opens to show it. */
		fbox.querySelectorAll('details').forEach(function (d) {
			if (d.querySelector('input:checked,' +
			    'option:checked:not([value=""])'))
				d.open = true;
		});
		sort = st.sort;
		if (sortSel)
			sortSel.value = st.sort || defSort(st.q);
	}

	function defSort(q) {
		return parse(q).some(function (c) {
			return !c.neg;
		}) ? 'relevance' : 'newest';
	}

	/*
	 * A group of filters: a <details> named by its <summary>, holding
	 * a fieldset (its legend, the same name, for screen readers).
	 */
	function group(key, cls, label, open) {
		var d = el('details', 'search-group ' + cls);
		var fs = el('fieldset');

		d.setAttribute('data-key', key);
		d.open = open;
		d.appendChild(el('summary', '', label));
		fs.appendChild(el('legend', 'vh', label));
		d.appendChild(fs);
		fbox.appendChild(d);
		return fs;
	}

	/*
	 * The filter controls, from the entry: a group per facet (the first
	 * open; toForm() opens those that filter), then the year range.
	 */
	function build() {
		var e = engine.e, y, i, sel, lab, wrap;

		e.facets.forEach(function (x, n) {
			var ul = el('ul');

			x.values.forEach(function (v, i) {
				var li = el('li'), l = el('label'), c = el('input');

				c.type = 'checkbox';
				c.name = x.key;
				c.value = v[0];
				l.appendChild(c);
				l.appendChild(document.createTextNode(' ' + v[1] +
				    ' '));
				l.appendChild(el('span', 'count'));
				l.lastChild.id = 'n-' + x.key + '-' + i;
				li.appendChild(l);
				ul.appendChild(li);
			});
			group(x.key, 'search-facet', x.label, n === 0)
			    .appendChild(ul);
		});
		if (e.years) {
			wrap = group('years', 'search-years',
			    'Year of the event', false);
			['from', 'to'].forEach(function (k) {
				lab = el('label', '', k === 'from' ? 'From ' : 'To ');
				sel = el('select');
				sel.id = 'search-' + k;
				sel.appendChild(el('option', '', 'any'));
				sel.firstChild.value = '';
				for (y = e.years[0]; y <= e.years[1]; y++) {
					i = el('option', '', String(y));
					i.value = String(y);
					sel.appendChild(i);
				}
				lab.appendChild(sel);
				wrap.appendChild(lab);
			});
		}
	}

	function isHl(w, hl) {
		var v;

		if (hl.words.has(w))
			return true;
		if (hl.prefix.some(function (p) {
			return w.lastIndexOf(p, 0) === 0;
		}))
			return true;
		v = engine.known(w);
		if (v)
			return hl.stems.has(v[0]);
		return Array.from(hl.stems).some(function (s) {
			return s.length >= 4 && s.charAt(0) !== '~' &&
			    w.lastIndexOf(s, 0) === 0;
		});
	}

	/* Text with the query's words in <mark>, into parent. */
	function marked(parent, text, hl) {
		var at = 0;

		words(text).forEach(function (x) {
			if (!isHl(x.w, hl))
				return;
			parent.appendChild(document.createTextNode(
			    text.slice(at, x.s)));
			parent.appendChild(el('mark', '', text.slice(x.s, x.e)));
			at = x.e;
		});
		parent.appendChild(document.createTextNode(text.slice(at)));
	}

	/*
	 * "2024-03" as "March 2024", as the report pages say.  Not
	 * toLocaleDateString(): its first call loads the locale (20 ms).
	 */
	var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June',
	    'July', 'August', 'September', 'October', 'November', 'December'];

	function monthText(m) {
		var d = /^(\d{4})-(\d{2})$/.exec(m || '');

		return d && +d[2] >= 1 && +d[2] <= 12 ? MONTHS[+d[2] - 1] + ' ' +
		    d[1] : '';
	}

	/* Appends the results from r.docs[shown] on, n of them. */
	function page(r, n, mine) {
		var docs;

		engine.rank(r, shown + n);
		docs = r.docs.slice(shown, shown + n);

		return engine.meta(docs).then(function (ms) {
			var t = engine.e.facets[0];

			if (mine !== seq)
				return;
			ms.forEach(function (m) {
				var li = el('li', 'search-hit'), h = el('h2');
				var a = el('a'), p, id = String(m && m.id || '');
				var type = t && m.facets && t.values[m.facets[0]];

				if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id))
					return;
				a.href = reports + id + '/';
				marked(a, String(m.title || id), r.hl);
				h.appendChild(a);
				li.appendChild(h);
				p = el('p', 'search-meta', [monthText(m.month),
				    type ? type[1] : '', id].filter(Boolean)
				    .join(' \u00b7 '));
				li.appendChild(p);
				p = el('p', 'search-summary');
				marked(p, String(m.summary || ''), r.hl);
				li.appendChild(p);
				if (m.lead) {
					p = el('p', 'search-lead');
					marked(p, String(m.lead), r.hl);
					li.appendChild(p);
				}
				results.appendChild(li);
			});
			shown += docs.length;
			if (more)
				more.hidden = shown >= r.docs.length;
		});
	}

	/* A count as the site shows it: count_text() of gen/pages.c. */
	function countText(n) {
		return n < K ? '< ' + K : String(n);
	}

	/*
	 * The count of results, under the rule too (with filters, it is a
	 * cell of a table of counts); nothing found says so in words.
	 */
	function plural(n) {
		return n === 1 && K <= 1 ? '1 report' :
		    countText(n) + ' reports';
	}

	function showExtra(r, st) {
		var p, a;

		clear(extra);
		if (r.note)
			extra.appendChild(el('p', 'note', r.note));
		if (r.suggest && r.suggest !== st.q) {
			p = el('p', 'did-you-mean', 'Did you mean ');
			a = el('a', '', r.suggest);
			a.href = toURL({ q: r.suggest, f: st.f, sort: st.sort });
			a.addEventListener('click', function (ev) {
				ev.preventDefault();
				input.value = r.suggest;
				go(true);
			});
			p.appendChild(a);
			p.appendChild(document.createTextNode('?'));
			extra.appendChild(p);
		}
		if (help)
			help.hidden = r.total !== 0;
	}

	/* The facet groups shown open: [<details>]. */
	function opened() {
		return box.open ? Array.from(fbox.querySelectorAll(
		    '.search-facet[open]')) : [];
	}

	/* Empties the counts of the facet groups not in keep. */
	function blank(keep) {
		fbox.querySelectorAll('.count').forEach(function (s) {
			if (keep.indexOf(s.closest('details')) < 0)
				s.textContent = '';
		});
	}

	/*
	 * Shows the counts of the open facet groups for r (a column is
	 * fetched when its group opens), then sets data-facets="done" on
	 * #search-filters.  Nothing while the "Filters" box is closed.
	 */
	function setCounts(r) {
		var mine = ++cseq, keys = opened().map(function (d) {
			return d.getAttribute('data-key');
		});

		fbox.removeAttribute('data-facets');
		blank(opened());
		if (!box.open)
			return;
		engine.counts(r, keys).then(function (c) {
			var k;

			if (mine !== cseq || r !== full)
				return;
			for (k in c)
				c[k].forEach(function (n, i) {
					var s = $('n-' + k + '-' + i);

					if (s)
						s.textContent = '(' + countText(n) +
						    ')';
				});
			fbox.setAttribute('data-facets', 'done');
		}, function () {
			if (mine === cseq && r === full)
				fbox.setAttribute('data-facets', 'error');
		});
	}

	/*
	 * Runs the state st and shows its results: one word's first from
	 * the vocabulary (Engine.quick), then the full search's.  While
	 * typing (typed), first results and shards come at each key; the
	 * full search, which may need postings, waits for a pause, but
	 * after a space or a closing quote: what it fetches then, any query
	 * typed on needs too.
	 */
	function run(st, typed) {
		var mine = ++seq, fast = false, t0 = Date.now();

		if (typed && engine.e)
			engine.load(parse(st.q)).catch(function () {});
		results.setAttribute('data-state', 'busy');
		results.removeAttribute('data-full');
		fbox.removeAttribute('data-facets');
		full = null;
		/* A closed group's counts are of an older search. */
		blank(opened());
		engine.quick(st.q, st.f, st.sort, typed).then(function (r) {
			if (mine !== seq || !r)
				return;
			fast = true;
			cur = r;
			shown = 0;
			clear(results);
			if (more)
				more.hidden = true;
			return page(r, PAGE, mine).then(function () {
				if (mine !== seq)
					return;
				/* "More results" waits for the full search. */
				if (more)
					more.hidden = true;
				count.textContent = plural(r.total);
				showExtra(r, st);
				results.setAttribute('data-query', st.q);
				results.setAttribute('data-state', 'done');
			});
		}).catch(function () {
			fast = false;
		}).then(function () {
			if (mine !== seq || !typed || /[\s"]$/.test(st.q))
				return;
			return new Promise(function (ok) {
				setTimeout(ok, (fast ? PAUSE_FULL : pause) -
				    (Date.now() - t0));
			});
		}).then(function () {
			if (mine !== seq)
				return;
			return engine.search(st.q, st.f, st.sort, !typed, PAGE,
			    function () {
				return mine === seq;
			});
		}).then(function (r) {
			if (mine !== seq || !r)
				return;
			cur = r;
			if (fast) {
				/* The same first page: only what follows. */
				if (more)
					more.hidden = shown >= r.docs.length;
				count.textContent = plural(r.total);
				return r;
			}
			shown = 0;
			if (sortSel)
				sortSel.value = r.sort;
			clear(results);
			if (more)
				more.hidden = true;
			if (r.empty && !Object.keys(r.filters).length) {
				count.textContent = 'Type words to look for, or ' +
				    'choose filters.';
				clear(extra);
				if (help)
					help.hidden = true;
				return null;
			}
			return page(r, PAGE, mine).then(function () {
				if (mine !== seq)
					return;
				count.textContent = r.total === 0 ?
				    'No reports found.' : plural(r.total) +
				    (r.or ? ' with some of the words' : '');
				showExtra(r, st);
				return r;
			});
		}).then(function (r) {
			if (mine !== seq)
				return;
			results.setAttribute('data-query', st.q);
			results.setAttribute('data-state', 'done');
			results.setAttribute('data-full', 'done');
			full = r;
			/* While typing, counts wait for a pause: each facet
			 * column is a download. */
			if (r)
				setTimeout(function () {
					if (r === full)
						setCounts(r);
				}, typed ? 400 : 0);
			else
				blank([]);
		}).catch(function () {
			if (mine !== seq)
				return;
			count.textContent = 'The search index could not be ' +
			    'loaded. Check your connection and try again.';
			results.setAttribute('data-state', 'error');
		}).then(function () {
			if (typed)
				setTimeout(function () {
					if (mine === seq)
						place(st);
				});
		});
	}

	/* Puts st in the address (typed: once shown, as it costs ms). */
	function place(st, push) {
		var url = toURL(st);

		if (url !== location.pathname + location.search)
			history[push ? 'pushState' : 'replaceState'](null, '', url);
	}

	/*
	 * Searches what the form shows; push: a new history entry; typed:
	 * the last word may be unfinished.
	 */
	function go(push, typed) {
		var st = fromForm();

		if (!typed)
			place(st, push);
		run(st, typed);
	}

	/*
	 * The pause: none when keys come over PAUSE_TYPED apart (each is
	 * searched anyway), else 3 times the last two gaps, 20 ms at least.
	 */
	input.addEventListener('input', function () {
		var t = Date.now(), g = t - keyAt;

		pause = g >= PAUSE_TYPED && g < 1000 ? 0 :
		    Math.min(PAUSE_TYPED, Math.max(20, 3 * g, 3 * gap));
		gap = g;
		keyAt = t;
		go(false, true);
	});
	form.addEventListener('submit', function (ev) {
		ev.preventDefault();
		go(true);
	});
	fbox.addEventListener('change', function () {
		go(true);
	});
	if (sortSel)
		sortSel.addEventListener('change', function () {
			sort = sortSel.value;
			go(true);
		});
	if (more)
		more.addEventListener('click', function () {
			var first = shown;

			if (cur)
				page(cur, MORE, seq).then(function () {
					var a = results.children[first];

					a = a && a.querySelector('a');
					if (a)
						a.focus();
				});
		});
	/*
	 * Opening the box or a group counts what it shows (toggle does not
	 * bubble: capture); a click on a summary, which comes first, says
	 * at once that the counts are not all shown.
	 */
	box.addEventListener('toggle', function () {
		if (full)
			setCounts(full);
	}, true);
	box.addEventListener('click', function (ev) {
		if (ev.target.closest('summary'))
			fbox.removeAttribute('data-facets');
	});
	window.addEventListener('popstate', function () {
		var st = fromURL();

		toForm(st);
		run(st);
	});

	var nojs = $('search-nojs');
	if (nojs)
		nojs.hidden = true;
	form.hidden = false;
	engine.entry().then(function () {
		var st = fromURL(), k = Object.keys(st.f);

		/* Typed before the entry came. */
		if (seq) {
			st.q = input.value.slice(0, QUERY_MAX);
			place(st);
		}
		/* The columns the search needs, fetched while the controls are
		 * built. */
		if (/^(newest|oldest)$/.test(st.sort) ||
		    (k.length && !st.q && !st.sort))
			k.push('months');
		k.forEach(function (x) {
			engine.column(/^(from|to)$/.test(x) ? 'months' : x)
			    .catch(function () {});
		});
		build();
		toForm(st);
		run(st);
	}, function () {
		count.textContent = 'The search index could not be loaded.';
		results.setAttribute('data-state', 'error');
	});
})(typeof globalThis !== 'undefined' ? globalThis : this);
