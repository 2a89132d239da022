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
 * status.js: the receipt lookup of the status page (status/index.html),
 * the only script of the site.  It normalises the code exactly as
 * receipt_hash() in lib/receipt.c does, hashes it with SHA-256 in the
 * browser (WebCrypto, or the small implementation below where WebCrypto
 * is missing, as on plain-HTTP hosts), fetches status/index.json and the
 * one shard the hash falls in, and shows the entry.  The code never
 * leaves the page; nothing is stored.  Text goes into the page through
 * textContent only (the page's CSP requires Trusted Types).
 */

'use strict';

(function () {
	var CODE_CHARS = 20;

	/*
	 * receipt_hash()'s normalisation: drop space, tab, CR, LF and "-";
	 * a-z to upper case; keep A-Z and 2-7; anything else (0, 1, 8, 9,
	 * other punctuation, any non-ASCII character) makes the code
	 * ill-formed.  Returns { code } or { error, bad } (bad: the first
	 * character refused, or the count of characters when too few/many).
	 */
	function normalise(typed) {
		var out = '';
		var n = 0;
		var bad = null;
		var i, c;

		for (i = 0; i < typed.length; i++) {
			c = typed.charCodeAt(i);
			if (c === 0x20 || c === 0x09 || c === 0x0d ||
			    c === 0x0a || c === 0x2d)
				continue;
			if (c >= 0x61 && c <= 0x7a)
				c -= 0x20;
			if (!((c >= 0x41 && c <= 0x5a) ||
			    (c >= 0x32 && c <= 0x37))) {
				if (bad === null)
					bad = typed.charAt(i);
				continue;
			}
			n++;
			if (n <= CODE_CHARS)
				out += String.fromCharCode(c);
		}
		if (bad !== null)
			return { error: 'char', bad: bad };
		if (n === 0)
			return { error: 'empty' };
		if (n !== CODE_CHARS)
			return { error: 'length', bad: n };
		return { code: out };
	}

	/* SHA-256 (FIPS 180-4) of an ASCII string, for browsers without
	 * WebCrypto; returns lowercase hex. */
	var K = [
		0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
		0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
		0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
		0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
		0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
		0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
		0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
		0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
		0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
		0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
		0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
		0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
		0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
	];

	function rotr(x, n) {
		return (x >>> n) | (x << (32 - n));
	}

	function sha256Soft(s) {
		var H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
		var len = s.length;
		var nblk = ((len + 8) >> 6) + 1;
		var m = new Uint8Array(nblk * 64);
		var w = new Array(64);
		var i, j, b, o, x, y, a, bb, c, d, e, f, g, h, t1, t2;
		var hex = '';

		for (i = 0; i < len; i++)
			m[i] = s.charCodeAt(i) & 0xff;
		m[len] = 0x80;
		/* Bit length, big-endian, in the last 8 bytes (< 2^32 here). */
		x = len * 8;
		for (i = 0; i < 4; i++)
			m[m.length - 1 - i] = (x >>> (8 * i)) & 0xff;
		for (b = 0; b < nblk; b++) {
			o = b * 64;
			for (i = 0; i < 16; i++)
				w[i] = (m[o + 4 * i] << 24 | m[o + 4 * i + 1] << 16 |
				    m[o + 4 * i + 2] << 8 | m[o + 4 * i + 3]) >>> 0;
			for (i = 16; i < 64; i++) {
				x = w[i - 15];
				y = w[i - 2];
				w[i] = (w[i - 16] + (rotr(x, 7) ^ rotr(x, 18) ^
				    (x >>> 3)) + w[i - 7] + (rotr(y, 17) ^
				    rotr(y, 19) ^ (y >>> 10))) >>> 0;
			}
			a = H[0]; bb = H[1]; c = H[2]; d = H[3];
			e = H[4]; f = H[5]; g = H[6]; h = H[7];
			for (i = 0; i < 64; i++) {
				t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
				    ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
				t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) +
				    ((a & bb) ^ (a & c) ^ (bb & c))) >>> 0;
				h = g; g = f; f = e;
				e = (d + t1) >>> 0;
				d = c; c = bb; bb = a;
				a = (t1 + t2) >>> 0;
			}
			H[0] = (H[0] + a) >>> 0; H[1] = (H[1] + bb) >>> 0;
			H[2] = (H[2] + c) >>> 0; H[3] = (H[3] + d) >>> 0;
			H[4] = (H[4] + e) >>> 0; H[5] = (H[5] + f) >>> 0;
			H[6] = (H[6] + g) >>> 0; H[7] = (H[7] + h) >>> 0;
		}
		for (i = 0; i < 8; i++)
			for (j = 28; j >= 0; j -= 4)
				hex += ((H[i] >>> j) & 0xf).toString(16);
		return hex;
	}

	/* Resolves to the lowercase hex SHA-256 of the ASCII string s. */
	function sha256(s) {
		var subtle = window.crypto && window.crypto.subtle;
		var bytes, i;

		if (!subtle || typeof subtle.digest !== 'function')
			return Promise.resolve(sha256Soft(s));
		bytes = new Uint8Array(s.length);
		for (i = 0; i < s.length; i++)
			bytes[i] = s.charCodeAt(i);
		return subtle.digest('SHA-256', bytes).then(function (buf) {
			var v = new Uint8Array(buf);
			var hex = '';

			for (i = 0; i < v.length; i++)
				hex += (v[i] < 16 ? '0' : '') + v[i].toString(16);
			return hex;
		}, function () {
			return sha256Soft(s);
		});
	}

	/* Fetches a JSON file of the status index, always revalidated. */
	function getJSON(url) {
		return fetch(url, { cache: 'no-cache', credentials: 'omit',
		    referrerPolicy: 'no-referrer' }).then(function (r) {
			if (!r.ok)
				throw new Error('HTTP ' + r.status);
			return r.json();
		});
	}

	function shardName(hash, digits) {
		return digits === 0 ? 'all' : hash.slice(0, digits);
	}

	var form = document.getElementById('status-form');
	var input = document.getElementById('status-code');
	var result = document.getElementById('status-result');
	var nojs = document.getElementById('status-nojs');
	var seq = 0;

	if (!form || !input || !result)
		return;

	/* Shows a result: a heading line and optional lines after it. */
	function show(kind, title, lines, link) {
		var h, p, a, i;

		while (result.firstChild)
			result.removeChild(result.firstChild);
		result.className = 'status-result status-' + kind;
		h = document.createElement('p');
		h.className = 'status-title';
		h.textContent = title;
		result.appendChild(h);
		for (i = 0; i < lines.length; i++) {
			p = document.createElement('p');
			p.textContent = lines[i];
			result.appendChild(p);
		}
		if (link) {
			p = document.createElement('p');
			a = document.createElement('a');
			a.href = link.href;
			a.textContent = link.text;
			p.appendChild(a);
			result.appendChild(p);
		}
		if (kind === 'invalid')
			input.setAttribute('aria-invalid', 'true');
		else
			input.removeAttribute('aria-invalid');
	}

	function showEntry(e) {
		var id, base;

		switch (e && e.s) {
		case 'received':
			show('received', 'Received', ['Your report has ' +
			    'arrived and is waiting for review.']);
			return;
		case 'review':
			show('review', 'Under review', ['Reviewers are ' +
			    'preparing your report for publication: they ' +
			    'check it and remove anything that could ' +
			    'identify a person, a place or an agency.']);
			return;
		case 'published':
			id = String(e.id || '');
			if (!/^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$/.test(id))
				break;
			base = form.getAttribute('data-reports') || '../reports/';
			show('published', 'Published as ' + id,
			    ['Your report is in the archive.'],
			    { href: base + id + '/', text: 'Read report ' + id });
			return;
		case 'withdrawn':
			show('withdrawn', 'Withdrawn', ['Your report was ' +
			    'published, then taken off the archive by the ' +
			    'reviewers, for example because it could ' +
			    'identify someone. It may come back once ' +
			    'corrected and approved again.']);
			return;
		case 'rejected':
			show('rejected', 'Not published',
			    typeof e.reason === 'string' && e.reason !== '' ?
			    ['The reviewers decided not to publish this ' +
			    'report. Their reason: ' + e.reason] :
			    ['The reviewers decided not to publish this ' +
			    'report. They gave no reason.']);
			return;
		default:
			break;
		}
		show('error', 'Unknown status', ['The status of this code ' +
		    'could not be read. Try again later.']);
	}

	function lookup() {
		var n = normalise(input.value);
		var mine = ++seq;
		var indexUrl = form.getAttribute('data-index') || 'index.json';
		var dir = indexUrl.slice(0, indexUrl.lastIndexOf('/') + 1);
		var hash;

		if (n.error === 'empty') {
			show('invalid', 'Type your receipt code', ['It has ' +
			    CODE_CHARS + ' letters and digits, for example ' +
			    'ABCD-EFGH-JKLM-NPQR-STUV.']);
			return;
		}
		if (n.error === 'char') {
			show('invalid', 'This is not a receipt code', [
			    'It contains \u201c' + n.bad + '\u201d. Receipt ' +
			    'codes use only the letters A to Z and the digits ' +
			    '2 to 7: there is no 0, 1, 8 or 9 in a code. ' +
			    'Check it for a letter O, I or B typed as a ' +
			    'digit.']);
			return;
		}
		if (n.error === 'length') {
			show('invalid', 'This is not a receipt code', [
			    'A receipt code has ' + CODE_CHARS + ' letters ' +
			    'and digits; this has ' + n.bad + '.']);
			return;
		}
		show('busy', 'Looking up\u2026', []);
		sha256(n.code).then(function (h) {
			hash = h;
			return getJSON(indexUrl);
		}).then(function (idx) {
			var d = idx && idx.digits;

			if (typeof d !== 'number' || d < 0 || d > 8 ||
			    Math.floor(d) !== d)
				throw new Error('bad status index');
			return getJSON(dir + shardName(hash, d) + '.json');
		}).then(function (shard) {
			if (mine !== seq)
				return;
			if (shard && Object.prototype.hasOwnProperty.call(shard,
			    hash))
				showEntry(shard[hash]);
			else
				show('notfound', 'Not found', ['No report ' +
				    'with this code is listed. Check the code ' +
				    'for typing mistakes. A report sent in the ' +
				    'last few days may not be listed yet: the ' +
				    'list is updated when the archive is ' +
				    'rebuilt.']);
		}).catch(function () {
			if (mine !== seq)
				return;
			show('error', 'The status could not be loaded',
			    ['Check your connection and try again.']);
		});
	}

	form.addEventListener('submit', function (ev) {
		ev.preventDefault();
		lookup();
	});
	if (nojs)
		nojs.hidden = true;
	form.hidden = false;
})();
