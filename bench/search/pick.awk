# pick.awk: chooses the queries of bench/search.sh from the corpus text.
# Input: the reports of mkcorpus, concatenated (each starts with its front
# matter between two "---" lines).  Run with -v n=N (the report count).
# Output: the queries file of client.mjs (name, text, facet key, facet
# value, how it is entered; "-" for none), then one comment line per
# chosen word with its document frequency (df).
#
# Words are runs of ASCII letters, lowercased, from the title, the summary
# and the body.  The choice depends on the corpus alone (mkcorpus is
# deterministic for a seed), ties broken by the word's byte order:
#   rare     a word of 5+ letters with the df nearest 0.1% of n (at least 2)
#   common   a word of 5+ letters with the df nearest 30% of n
#   medium   one with the df nearest 10% of n, the other word of "two"
#   prefix   the first three letters of the common word, typed key by key
#   phrase   two adjacent words (4+ letters each) with the df nearest 5%
#   facet    the common word and the most frequent incident type
#   filter   that incident type alone
# Stop words are never chosen but for "the": those of -v stop="w1 w2 ..."
# (search.sh passes the site index's list), else the list below.

BEGIN {
	if (stop == "")
		stop = "a about after all also an and any are as at be been " \
		    "before but by can could did do does each for from had has " \
		    "have he her him his how i if in into is it its just may me " \
		    "more most my no not now of off on one only or other our " \
		    "out over said she should so some such than that the their " \
		    "them then there these they this those through to too under " \
		    "until up very was we were what when where which while who " \
		    "why will with would you your"
	split(stop, sw, " ")
	for (i in sw)
		stops[sw[i]] = 1
	doc = 0
	fm = 0
}

# The front matter: the incident type, the title and the summary.
$0 == "---" {
	if (fm == 0) {
		doc++
		delete seen
		delete seenb
		fm = 1
	} else
		fm = 0
	prev = ""
	next
}

fm && /^incident_type:/ {
	t = $2
	types[t]++
	next
}

fm && !/^(title|summary):/ {
	next
}

{
	line = tolower($0)
	if (fm)
		sub(/^[a-z_]+:/, "", line)
	gsub(/[^a-z]+/, " ", line)
	k = split(line, w, " ")
	for (i = 1; i <= k; i++) {
		x = w[i]
		if (!(x in seen)) {
			seen[x] = 1
			df[x]++
		}
		if (prev != "" && length(prev) >= 4 && length(x) >= 4 &&
		    !(prev in stops) && !(x in stops)) {
			b = prev " " x
			if (!(b in seenb)) {
				seenb[b] = 1
				dfb[b]++
			}
		}
		prev = x
	}
	# A phrase does not run over a blank line (a paragraph).
	if (k == 0)
		prev = ""
}

# nearest(arr, target, minlen): the key of arr of minlen letters or more,
# not a stop word, whose value is nearest target; ties to the smaller key.
function nearest(arr, target, minlen, not1,    x, d, best, bd) {
	best = ""
	for (x in arr) {
		if (length(x) < minlen || (x in stops) || x == not1)
			continue
		if (arr[x] < 2)
			continue
		d = arr[x] - target
		if (d < 0)
			d = -d
		if (best == "" || d < bd || (d == bd && x < best)) {
			best = x
			bd = d
		}
	}
	return best
}

END {
	if (doc == 0) {
		print "pick.awk: no reports in the input" > "/dev/stderr"
		exit 1
	}
	rare = nearest(df, (n / 1000 < 2 ? 2 : n / 1000), 5, "")
	common = nearest(df, n * 0.3, 5, "")
	medium = nearest(df, n * 0.1, 5, common)
	phrase = nearest(dfb, n * 0.05, 0, "")
	type = ""
	for (t in types)
		if (type == "" || types[t] > types[type] ||
		    (types[t] == types[type] && t < type))
			type = t
	if (rare == "" || common == "" || medium == "" || phrase == "" ||
	    type == "") {
		print "pick.awk: the corpus is too small to choose queries" \
		    > "/dev/stderr"
		exit 1
	}
	printf "rare word\t%s\t-\t-\turl\n", rare
	printf "common word\t%s\t-\t-\turl\n", common
	printf "stop word\tthe\t-\t-\turl\n"
	printf "two words\t%s %s\t-\t-\turl\n", medium, common
	printf "prefix typed\t%s\t-\t-\tkeys\n", substr(common, 1, 3)
	printf "phrase\t\"%s\"\t-\t-\turl\n", phrase
	printf "word + facet\t%s\ttype\t%s\turl\n", common, type
	printf "facet only\t-\ttype\t%s\turl\n", type
	printf "# df (of %d reports): %s %d, %s %d, the %d, %s %d, \"%s\" %d;" \
	    " type=%s %d\n", doc, rare, df[rare], common, df[common],
	    df["the"], medium, df[medium], phrase, dfb[phrase], type,
	    types[type]
}
