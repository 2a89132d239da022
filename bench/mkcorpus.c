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
 * mkcorpus: write N synthetic near-miss reports (YAML front matter and
 * Markdown) plus the nearmiss.ini they refer to, for the build benchmark.
 * Output depends only on N and the seed: the PRNG is our own, there is no
 * floating point in any choice, and nothing is read from the system.
 */

/* For PATH_MAX under -std=c17. */
#define _DEFAULT_SOURCE

#include <sys/stat.h>
#include <sys/types.h>

#include <assert.h>
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEN(a)		(sizeof(a) / sizeof((a)[0]))
#define WRAP_COLS	72	/* narrative is hard-wrapped like an editor */
#define TAIL_WORDS	20000	/* pseudo-words after the built-in list */
#define FIRST_DAY	16436	/* 2015-01-01 as days since 1970-01-01 */
#define LAST_DAY	20726	/* 2026-09-30, so no report is dated ahead */
#define VALUE_MAX	1000	/* every front matter value stays below this */

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

struct term {
	const char	*slug;
	const char	*label;
	unsigned int	 weight;	/* relative frequency in the corpus */
};

struct rng {
	uint64_t	 s;
};

static void		 buf_grow(struct buf *, size_t);
static void		 buf_add(struct buf *, const char *, size_t);
static void		 buf_adds(struct buf *, const char *);
static void		 buf_addf(struct buf *, const char *, ...)
			    __attribute__((format(printf, 2, 3)));
static uint64_t		 splitmix64(uint64_t *);
static uint64_t		 rng_next(struct rng *);
static size_t		 rng_below(struct rng *, size_t);
static const char	*pick(struct rng *, const char *const *, size_t);
static size_t		 pick_term(struct rng *, const struct term *, size_t);
static void		 pick_distinct(struct rng *, size_t, size_t, size_t *);
static void		 tail_word(struct buf *, size_t);
static void		 zipf_init(void);
static void		 zipf_word(struct rng *, struct buf *);
static void		 civil(int, int *, int *, int *);
static int		 cmp_int(const void *, const void *);
static void		 capitalise_at(struct buf *, size_t);
static size_t		 count_words(const char *);
static void		 sentence(struct rng *, struct buf *, size_t, int);
static void		 wrap(struct buf *, const char *);
static void		 report(struct buf *, struct rng *, int, int, int);
static void		 write_file(const char *, const struct buf *);
static void		 mkdirp(const char *);
static void		 write_ini(const char *);
static void		 usage(void);

#define T(s, l, w)	{ s, l, w }

static const struct term incident_types[] = {
	T("traffic-stop", "Traffic stop", 30),
	T("vehicle-pursuit", "Vehicle pursuit", 10),
	T("foot-pursuit", "Foot pursuit", 8),
	T("domestic-disturbance", "Domestic disturbance", 14),
	T("robbery-in-progress", "Robbery in progress", 5),
	T("burglary", "Burglary", 5),
	T("mental-health-call", "Mental health call", 9),
	T("warrant-service", "Warrant service", 6),
	T("crowd-or-protest", "Crowd or protest", 3),
	T("firearms-training", "Firearms training", 4),
	T("arrest-or-custody", "Arrest or custody", 9),
	T("ambush", "Ambush", 2),
	T("off-duty", "Off duty", 3),
	T("other", "Other", 4),
};

static const struct term factors[] = {
	T("situational-awareness", "Situational awareness", 20),
	T("communication", "Communication", 16),
	T("decision-making", "Decision making", 12),
	T("equipment-failure", "Equipment failure", 8),
	T("policy-or-procedure", "Policy or procedure", 9),
	T("training", "Training", 10),
	T("fatigue", "Fatigue", 6),
	T("staffing", "Staffing", 7),
	T("environment-or-weather", "Environment or weather", 5),
	T("technology", "Technology", 4),
	T("complacency", "Complacency", 11),
	T("human-error", "Human error", 9),
};

static const struct term losses[] = {
	T("death", "Death", 30),
	T("serious-injury", "Serious injury", 35),
	T("minor-injury", "Minor injury", 15),
	T("property-damage", "Property damage", 8),
	T("agency-legitimacy", "Agency legitimacy", 7),
	T("career-or-discipline", "Career or discipline", 5),
};

static const struct term agencies[] = {
	T("municipal-police", "Municipal police", 40),
	T("county-sheriff", "County sheriff", 25),
	T("state-police", "State police", 12),
	T("federal", "Federal", 5),
	T("campus", "Campus", 5),
	T("tribal", "Tribal", 3),
	T("transit", "Transit", 3),
	T("corrections", "Corrections", 7),
};

static const struct term regions[] = {
	T("northeast", "Northeast", 14),
	T("southeast", "Southeast", 18),
	T("midwest", "Midwest", 16),
	T("southwest", "Southwest", 13),
	T("west", "West", 15),
	T("mountain", "Mountain", 8),
	T("pacific-northwest", "Pacific Northwest", 8),
	T("alaska-hawaii-territories", "Alaska, Hawaii and territories", 3),
};

static const struct term times[] = {
	T("dawn", "Dawn", 2),
	T("day", "Day", 5),
	T("dusk", "Dusk", 2),
	T("night", "Night", 6),
};

static const struct term lightings[] = {
	T("daylight", "Daylight", 1),
	T("artificial", "Artificial", 1),
	T("dark", "Dark", 1),
};

static const struct term weathers[] = {
	T("clear", "Clear", 20),
	T("rain", "Rain", 6),
	T("snow-or-ice", "Snow or ice", 3),
	T("fog", "Fog", 2),
	T("wind", "Wind", 2),
	T("heat", "Heat", 3),
};

#undef T

/*
 * Opening sentences, one set per incident type, in the order of
 * incident_types[].  %s is a place.
 */
static const char *const openers[][3] = {
	{ "I stopped a sedan for a broken taillight on %s.",
	  "We made a felony stop on a pickup on %s.",
	  "The stop looked routine: expired tags, %s, one occupant." },
	{ "A vehicle fled from a stop and I took up the pursuit on %s.",
	  "Dispatch put out a stolen car and we caught up with it on %s.",
	  "The pursuit started when a driver refused to yield on %s." },
	{ "The subject bailed out of the passenger door and ran toward %s.",
	  "I chased a man on foot through %s.",
	  "The foot pursuit began behind the bar and ended in %s." },
	{ "We were sent to a domestic with a caller screaming, near %s.",
	  "The call came in as a verbal argument at a house by %s.",
	  "It was the third domestic call to the same address near %s." },
	{ "A silent alarm came in for a store near %s.",
	  "Dispatch reported an armed robbery in progress at %s.",
	  "We arrived while the robbery was still going on at %s." },
	{ "A neighbour reported someone breaking in near %s.",
	  "We cleared a burglary call at a closed business by %s.",
	  "The burglary alarm had sounded twice before at %s." },
	{ "We were called to a man in crisis standing in %s.",
	  "A family member asked for a welfare check at %s.",
	  "The caller said her son was off his medication, near %s." },
	{ "The team served an arrest warrant at a duplex by %s.",
	  "We knocked on the door of a warrant address near %s.",
	  "The warrant was for a probation violation, served at %s." },
	{ "A march turned hostile as it reached %s.",
	  "Our line held a crowd back near %s.",
	  "We were assigned to a protest that moved toward %s." },
	{ "During qualification at the range a round went off near %s.",
	  "A training scenario with simunitions ran in %s.",
	  "Live-fire drills were running on the range by %s." },
	{ "I was placing a prisoner in the car on %s.",
	  "We took a subject into custody in %s.",
	  "The booking went wrong in %s." },
	{ "Shots came from a parked car as I pulled into %s.",
	  "Someone lured us to %s with a false call.",
	  "We were fired on from the tree line beside %s." },
	{ "I was off duty with my family near %s when it started.",
	  "Off duty and unarmed, I saw a fight break out at %s.",
	  "I was driving home after shift past %s." },
	{ "The call did not fit any category; it started at %s.",
	  "We responded to an odd report from %s.",
	  "What began as a found property call took us to %s." },
};

static const char *const places[] = {
	"the shoulder of the interstate", "a dark parking lot",
	"the apartment stairwell", "the back yard", "a convenience store",
	"the sally port", "the booking area", "an alley behind the bar",
	"a rural county road", "the motel parking lot", "the rail yard",
	"the campus garage", "the on-ramp", "the hospital entrance",
	"a trailer park", "the school pickup lane", "the gas station",
	"a construction site", "the county fairgrounds", "the bus terminal",
	"a strip mall", "the river trail", "a farm lane",
	"the courthouse steps",
};

static const char *const officers[] = {
	"my partner", "the backup officer", "a deputy", "the sergeant",
	"a trooper", "the rookie", "my field training officer",
	"the dispatcher", "a corrections officer", "the detective",
	"the K-9 handler", "the shift supervisor", "a reserve officer",
	"the second unit", "the lieutenant",
};

static const char *const subjects[] = {
	"the driver", "the passenger", "the suspect", "a bystander",
	"the caller", "the subject", "a second male", "the homeowner",
	"the juvenile", "the occupant", "the woman in the doorway",
	"the man on the porch",
};

static const char *const gear[] = {
	"radio", "holster", "patrol car", "body camera", "flashlight",
	"Taser", "spotlight", "handcuffs", "portable radio", "MDT",
	"seat belt", "duty belt", "vest", "ballistic shield", "spike strip",
	"dash camera", "prisoner cage", "magazine pouch", "light bar",
	"rifle rack", "shotgun", "pepper spray", "baton", "door lock",
};

static const char *const faults[] = {
	"failed", "was not working", "came loose", "was left behind",
	"had a dead battery", "jammed", "was out of reach",
	"had not been checked at the start of shift", "cut out",
	"was set to the wrong channel",
};

static const char *const causes[] = {
	"the radio channel was congested",
	"dispatch had not relayed the earlier weapons call",
	"I had been on shift for fourteen hours",
	"the nearest backup unit was twenty minutes out",
	"the holster retention had worn",
	"nobody had set a perimeter",
	"the pursuit policy had changed the month before",
	"our training had never covered this",
	"the call was dispatched as a simple welfare check",
	"I approached on the traffic side",
	"we had not agreed who was contact and who was cover",
	"the address on the screen was wrong",
	"the premise history showed no prior calls",
	"I was looking at the MDT instead of the car",
	"we were two officers short that night",
	"the street lights were out on that block",
	"I assumed the first pat-down had been done",
	"the radio dropped out in the basement",
	"I had done that stop a hundred times",
	"the rain made it impossible to hear",
};

static const char *const actions[] = {
	"stepped back to the B-pillar", "called for a second unit",
	"gave loud, clear commands", "moved to cover behind the engine block",
	"kept my hand on my holster", "lit the car up with the spotlight",
	"asked dispatch to hold the channel", "slowed everything down",
	"backed off and set a perimeter", "waited for the sergeant",
	"repositioned to see both hands", "switched to the car-to-car channel",
	"terminated the pursuit", "let the subject talk",
};

static const char *const outcomes[] = {
	"Nobody was hurt, but it was a matter of inches.",
	"A second later and %s would have been in the line of fire.",
	"The only reason nobody was shot is that %s hesitated.",
	"Looking back, the %s was the only thing between us and a funeral.",
	"We found a loaded handgun under the seat afterwards.",
	"The knife was found in a waistband during the second search.",
	"The car missed %s by about two feet.",
	"It ended without injury, but it should not have.",
};

static const char *const quotes[] = {
	"\"[He] kept reaching toward the console,\" %s said later.",
	"\"I never saw [the second subject] until he was beside me,\" "
	    "%s told the reviewer.",
	"\"We just got lucky,\" %s said in the debrief.",
	"\"[The caller] told us there were no weapons in the house,\" "
	    "according to %s.",
};

static const char *const hazards[] = {
	"Hidden handgun", "Crossfire risk", "Holster retention failure",
	"Radio dead zone", "Unexpected second occupant",
	"Officer nearly struck", "Knife missed in pat-down", "Backup delayed",
	"Wrong address", "Dropped magazine", "Blue-on-blue near miss",
	"Suspect reached for weapon", "Partner in line of fire",
	"Uncleared room", "Vehicle used as weapon", "Handcuffed subject armed",
	"Negligent discharge", "Lost sight of suspect", "Ambush set-up",
	"Fatigue behind the wheel", "Body camera failure",
	"Unsecured rifle", "Loss of radio contact", "Missed prior warning",
};

static const char *const tods[] = {
	"at dawn", "in daylight", "at dusk", "at night",
};

static const char *const lessons[] = {
	"Approach from the passenger side when traffic allows.",
	"Agree on contact and cover before you get out of the car.",
	"Search every prisoner yourself, every time.",
	"Check your radio and your holster at the start of every shift.",
	"Call for backup early; cancelling is cheap.",
	"Slow down: time and distance are your friends.",
	"Watch the hands, not the face.",
	"Clear the car before you relax.",
	"Tell dispatch where you are before you step out.",
	"Terminate a pursuit when the risk outweighs the crime.",
	"Know the premise history before you knock.",
	"Do not let a routine call make you routine.",
	"Train for the low-light version of every scenario.",
	"Speak up when a partner is in your line of fire.",
	"Carry a spare light and a spare magazine.",
	"Rotate long shifts; fatigue kills as surely as a bullet.",
	"Supervisors: staff for the worst night, not the average one.",
	"Use cover, not concealment, when you can.",
	"Treat every domestic as a call that can turn.",
	"Ask for a crisis team on mental health calls when one exists.",
	"Verify the address twice before a warrant service.",
	"Report the near miss the same day, while it is fresh.",
	"Debrief as a team, without blame.",
	"Make sure body cameras are charged and on before arrival.",
	"Plan an exit route as well as an approach.",
	"Assume there is a second subject until proven otherwise.",
};

static const char *const reviews[] = {
	"Details that could identify the agency have been removed.",
	"Text in brackets was added by the reviewers for clarity.",
	"This is a common pattern in the archive.",
	"Several similar reports involve the same equipment.",
	"The reporter's candour about fatigue is worth noting.",
	"Agencies should review their policy on this type of call.",
	"Times and distances have been rounded.",
	"This report was edited for length.",
	"The lesson about contact and cover applies well beyond stops.",
	"Trainers may want to use this as a scenario.",
};

/*
 * The most frequent words of the Zipf vocabulary, most frequent first:
 * English function words, then the words of patrol narratives.  Ranks
 * beyond this list are pseudo-words made by tail_word().
 */
static const char *const words[] = {
	"the", "of", "and", "to", "a", "in", "was", "he", "that", "it",
	"is", "we", "on", "for", "with", "his", "at", "had", "as", "my",
	"but", "from", "not", "by", "car", "they", "this", "be", "were",
	"she", "there", "or", "an", "out", "her", "one", "all", "when",
	"him", "up", "back", "door", "officer", "so", "no", "what", "said",
	"into", "then", "them", "side", "about", "could", "would", "hands",
	"radio", "our", "time", "over", "again", "two", "after", "just",
	"down", "unit", "call", "did", "like", "see", "street", "house",
	"still", "before", "only", "around", "hand", "window", "light",
	"seat", "front", "through", "right", "left", "man", "driver",
	"stop", "suspect", "gun", "partner", "scene", "behind", "toward",
	"dispatch", "night", "while", "road", "told", "saw", "where",
	"shift", "cover", "because", "yard", "first", "last", "other",
	"second", "away", "knife", "vehicle", "pulled", "heard", "never",
	"sergeant", "deputy", "backup", "holster", "weapon", "report",
	"something", "moved", "turned", "looked", "ran", "walked", "asked",
	"came", "went", "got", "knew", "felt", "thought", "open", "close",
	"under", "inside", "outside", "hallway", "room", "porch", "alley",
	"lot", "corner", "block", "lane", "traffic", "highway", "shoulder",
	"lights", "siren", "channel", "dispatcher", "backseat", "trunk",
	"console", "waistband", "pocket", "jacket", "hood", "bag",
	"phone", "keys", "license", "registration", "plate", "tags",
	"pursuit", "foot", "fence", "gate", "stairs", "basement", "kitchen",
	"bedroom", "garage", "truck", "sedan", "van", "motorcycle", "bike",
	"crowd", "protest", "line", "shield", "helmet", "baton", "spray",
	"taser", "rifle", "pistol", "shotgun", "magazine", "round", "shot",
	"shots", "fired", "cuffs", "custody", "prisoner", "booking", "cell",
	"jail", "court", "warrant", "judge", "probation", "parole", "gang",
	"drugs", "alcohol", "bottle", "smell", "voice", "yelled", "screamed",
	"quiet", "dark", "rain", "snow", "ice", "fog", "wind", "heat",
	"cold", "wet", "slick", "blind", "curve", "intersection", "signal",
	"brake", "tires", "engine", "speed", "miles", "hour", "minutes",
	"seconds", "feet", "yards", "distance", "angle", "position",
	"contact", "training", "policy", "procedure", "supervisor",
	"lieutenant", "chief", "agency", "department", "sheriff", "trooper",
	"county", "city", "state", "federal", "campus", "transit", "tribal",
	"corrections", "academy", "range", "qualification", "scenario",
	"debrief", "lesson", "mistake", "lucky", "near", "fatigue",
	"overtime", "staffing", "camera", "battery", "flashlight",
	"spotlight", "mdt", "computer", "screen", "address", "history",
	"premise", "caller", "neighbor", "witness", "victim", "family",
	"child", "dog", "mother", "father", "brother", "wife", "husband",
	"girlfriend", "boyfriend", "roommate", "landlord", "clerk",
	"manager", "bystander", "paramedics", "fire", "ambulance",
	"hospital", "crisis", "team", "perimeter", "containment", "tactics",
	"approach", "exit", "escape", "threat", "risk", "danger", "safety",
	"awareness", "complacency", "routine", "assumption", "habit",
};

static const char *const syllables[] = {
	"ka", "ro", "mi", "te", "lu", "san", "vor", "el", "dri", "pa",
	"qu", "ist", "ne", "bo", "rha", "tum", "gel", "os", "fa", "wen",
};

static uint64_t		*zipf_cum;	/* cumulative integer weights */
static size_t		 zipf_n;

static void
buf_grow(struct buf *b, size_t more)
{
	size_t	 ncap;
	char	*p;

	if (b->len + more + 1 <= b->cap)
		return;
	ncap = b->cap ? b->cap : 4096;
	while (ncap < b->len + more + 1)
		ncap *= 2;
	if ((p = realloc(b->data, ncap)) == NULL)
		err(1, NULL);
	b->data = p;
	b->cap = ncap;
}

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 avail;
	int	 n;

	buf_grow(b, 128);
	avail = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, avail, fmt, ap);
	va_end(ap);
	if (n < 0)
		err(1, "vsnprintf");
	if ((size_t)n >= avail) {
		buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t	 z;

	z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* xorshift64*: small, fast and identical on every platform. */
static uint64_t
rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

/* A value in [0, n).  The modulo bias is below 2^-40 for our small n. */
static size_t
rng_below(struct rng *r, size_t n)
{
	return (size_t)((rng_next(r) >> 11) % n);
}

static const char *
pick(struct rng *r, const char *const *v, size_t n)
{
	return v[rng_below(r, n)];
}

static size_t
pick_term(struct rng *r, const struct term *t, size_t n)
{
	size_t		 i;
	unsigned int	 total = 0, x;

	for (i = 0; i < n; i++)
		total += t[i].weight;
	x = (unsigned int)rng_below(r, total);
	for (i = 0; i < n - 1; i++) {
		if (x < t[i].weight)
			break;
		x -= t[i].weight;
	}
	return i;
}

/*
 * Fill out[0..k) with k distinct indices below n (a partial
 * Fisher-Yates shuffle); out must have room for n entries.
 */
static void
pick_distinct(struct rng *r, size_t n, size_t k, size_t *out)
{
	size_t	 i, j, t;

	assert(k <= n);
	for (i = 0; i < n; i++)
		out[i] = i;
	for (i = 0; i < k; i++) {
		j = i + rng_below(r, n - i);
		t = out[i];
		out[i] = out[j];
		out[j] = t;
	}
}

/* The pseudo-word of tail rank k: its base-20 digits spell syllables. */
static void
tail_word(struct buf *b, size_t k)
{
	size_t	 n = LEN(syllables);

	k += n * n;		/* at least three syllables */
	do {
		buf_adds(b, syllables[k % n]);
		k /= n;
	} while (k > 0);
}

/*
 * Zipf weights with exponent 1 over the built-in words followed by
 * TAIL_WORDS pseudo-words: the word of rank r has weight 2^32 / r.
 * Integers keep the distribution exact across libm implementations.
 */
static void
zipf_init(void)
{
	size_t		 i;
	uint64_t	 acc = 0;

	zipf_n = LEN(words) + TAIL_WORDS;
	if ((zipf_cum = calloc(zipf_n, sizeof(*zipf_cum))) == NULL)
		err(1, NULL);
	for (i = 0; i < zipf_n; i++) {
		acc += (UINT64_C(1) << 32) / (i + 1);
		zipf_cum[i] = acc;
	}
}

static void
zipf_word(struct rng *r, struct buf *b)
{
	uint64_t	 x;
	size_t		 lo = 0, hi = zipf_n - 1, mid;

	x = (rng_next(r) >> 8) % zipf_cum[zipf_n - 1];
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (zipf_cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo < LEN(words))
		buf_adds(b, words[lo]);
	else
		tail_word(b, lo - LEN(words));
}

/* Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant). */
static void
civil(int z, int *y, int *m, int *d)
{
	int	 era, doe, yoe, doy, mp;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int
cmp_int(const void *a, const void *b)
{
	int	 x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void
capitalise_at(struct buf *b, size_t off)
{
	if (off < b->len && b->data[off] >= 'a' && b->data[off] <= 'z')
		b->data[off] -= 'a' - 'A';
}

static size_t
count_words(const char *s)
{
	size_t	 n = 0;
	int	 in = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\n') {
			in = 0;
		} else if (!in) {
			in = 1;
			n++;
		}
	}
	return n;
}

/*
 * Append one narrative sentence, the opener of the incident type if
 * `opener' is set.  Otherwise roughly a third are free text drawn
 * from the Zipf vocabulary, so the corpus has a long tail of distinct
 * words like a real archive; the rest are templated patrol prose.
 */
static void
sentence(struct rng *r, struct buf *b, size_t type, int opener)
{
	const char	*fmt, *s1, *s2, *s3;
	size_t		 start = b->len, i, n;
	int		 x, y;

	/*
	 * Each draw is a statement of its own: the order in which function
	 * arguments are evaluated is unspecified, and compilers differ.
	 */
	switch (opener ? 0 : rng_below(r, 12)) {
	case 0:
		if (opener) {
			fmt = openers[type][rng_below(r, 3)];
			s1 = pick(r, places, LEN(places));
			buf_addf(b, fmt, s1);
		} else {
			s1 = pick(r, subjects, LEN(subjects));
			s2 = pick(r, places, LEN(places));
			buf_addf(b, "By then %s had moved to %s.", s1, s2);
		}
		break;
	case 1:
		s1 = pick(r, causes, LEN(causes));
		buf_addf(b, "Later it turned out that %s.", s1);
		break;
	case 2:
		s1 = pick(r, gear, LEN(gear));
		s2 = pick(r, faults, LEN(faults));
		s3 = pick(r, subjects, LEN(subjects));
		buf_addf(b, "My %s %s just as %s moved.", s1, s2, s3);
		break;
	case 3:
		s1 = pick(r, actions, LEN(actions));
		s2 = pick(r, officers, LEN(officers));
		s3 = pick(r, actions, LEN(actions));
		buf_addf(b, "I %s and %s %s.", s1, s2, s3);
		break;
	case 4:
		fmt = pick(r, outcomes, LEN(outcomes));
		s1 = pick(r, officers, LEN(officers));
		buf_addf(b, fmt, s1);
		break;
	case 5:
		fmt = pick(r, quotes, LEN(quotes));
		s1 = pick(r, officers, LEN(officers));
		buf_addf(b, fmt, s1);
		break;
	case 6:
		x = (int)rng_below(r, 24);
		y = (int)rng_below(r, 4) * 15;
		s1 = pick(r, subjects, LEN(subjects));
		s2 = pick(r, officers, LEN(officers));
		buf_addf(b, "At about %02d%02d hours %s got out of the car "
		    "and %s followed.", x, y, s1, s2);
		break;
	case 7:
		x = 20 + (int)rng_below(r, 70);
		s1 = pick(r, causes, LEN(causes));
		buf_addf(b, "We were doing about %d mph when %s.", x, s1);
		break;
	default:
		n = 8 + rng_below(r, 15);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_add(b, " ", 1);
			zipf_word(r, b);
		}
		buf_add(b, ".", 1);
		break;
	}
	capitalise_at(b, start);
}

/* Append text hard-wrapped at WRAP_COLS, ending with a newline. */
static void
wrap(struct buf *b, const char *s)
{
	size_t	 col = 0, n;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		n = strcspn(s, " ");
		if (n == 0)
			break;
		if (col > 0 && col + 1 + n > WRAP_COLS) {
			buf_add(b, "\n", 1);
			col = 0;
		} else if (col > 0) {
			buf_add(b, " ", 1);
			col++;
		}
		buf_add(b, s, n);
		col += n;
		s += n;
	}
	buf_add(b, "\n", 1);
}

/*
 * Append report `seq' of year `year', published on day `pub', to b.
 * All front matter values are short by construction; VALUE_MAX is
 * checked anyway so a template change cannot break the contract.
 */
static void
report(struct buf *b, struct rng *r, int year, int seq, int pub)
{
	struct buf	 para = { NULL, 0, 0 }, title = { NULL, 0, 0 };
	struct buf	 summary = { NULL, 0, 0 };
	size_t		 type, tod, light, i, k, n, nf, target, words_done;
	int		 py, pm, pd, ey, em, back, first, x;
	int		 chosen[LEN(factors)];
	char		 label[64];
	const char	*article, *s1, *s2, *s3;
	size_t		 idx[LEN(lessons)];

	type = pick_term(r, incident_types, LEN(incident_types));
	tod = pick_term(r, times, LEN(times));
	switch (tod) {
	case 1:
		light = rng_below(r, 10) == 0 ? 1 : 0;
		break;
	case 3:
		light = 1 + rng_below(r, 2);
		break;
	default:
		light = rng_below(r, 3);
		break;
	}

	civil(pub, &py, &pm, &pd);
	back = (int)rng_below(r, 4);
	back *= (int)rng_below(r, 6);		/* 0-15 months, mostly few */
	ey = py;
	em = pm - back;
	while (em < 1) {
		em += 12;
		ey--;
	}

	/* Draws are sequenced one per statement, as in sentence(). */
	snprintf(label, sizeof(label), "%s", incident_types[type].label);
	label[0] = (char)tolower((unsigned char)label[0]);
	article = strchr("aeiou", label[0]) != NULL ? "an" : "a";
	s1 = pick(r, hazards, LEN(hazards));
	if (rng_below(r, 2))
		buf_addf(&title, "%s %s during %s %s", s1, tods[tod], article,
		    label);
	else
		buf_addf(&title, "%s during %s %s", s1, article, label);

	s1 = pick(r, causes, LEN(causes));
	s2 = rng_below(r, 2) ? "and nobody noticed in time" :
	    "until the last second";
	s3 = rng_below(r, 3) ? "Nobody was hurt." :
	    "Luck, not tactics, kept everyone alive.";
	buf_addf(&summary, "During %s %s, %s %s. %s", article, label, s1, s2,
	    s3);
	capitalise_at(&summary, 0);

	if (title.len >= VALUE_MAX || summary.len >= VALUE_MAX)
		errx(1, "%d-%06d: value too long", year, seq);

	buf_addf(b, "---\nid: %d-%06d\ntitle: \"%s\"\n", year, seq,
	    title.data);
	buf_addf(b, "event_date: %04d-%02d\npublished: %04d-%02d-%02d\n",
	    ey, em, py, pm, pd);
	buf_addf(b, "incident_type: %s\n", incident_types[type].slug);

	/* 1-5 distinct factors, weighted, listed in nearmiss.ini order. */
	nf = 1 + rng_below(r, 3);
	nf += rng_below(r, 3);
	memset(chosen, 0, sizeof(chosen));
	for (i = 0; i < nf; ) {
		k = pick_term(r, factors, LEN(factors));
		if (!chosen[k]) {
			chosen[k] = 1;
			i++;
		}
	}
	buf_adds(b, "contributing_factors: [");
	for (i = 0, k = 0; i < LEN(factors); i++) {
		if (!chosen[i])
			continue;
		buf_addf(b, "%s%s", k++ ? ", " : "", factors[i].slug);
	}
	buf_adds(b, "]\n");

	s1 = losses[pick_term(r, losses, LEN(losses))].slug;
	x = 1 + (int)rng_below(r, 3);
	x += (int)rng_below(r, 4);
	buf_addf(b, "loss_potential: %s\nofficers_on_scene: %d\n", s1, x);
	s1 = weathers[pick_term(r, weathers, LEN(weathers))].slug;
	buf_addf(b, "environment:\n  time_of_day: %s\n  lighting: %s\n"
	    "  weather: %s\n", times[tod].slug, lightings[light].slug, s1);
	s1 = agencies[pick_term(r, agencies, LEN(agencies))].slug;
	s2 = regions[pick_term(r, regions, LEN(regions))].slug;
	buf_addf(b, "agency_type: %s\nregion: %s\n", s1, s2);
	buf_addf(b, "summary: \"%s\"\n---\n\n", summary.data);

	/*
	 * Narrative: 400-800 words in paragraphs of 3-7 sentences.  The
	 * target leaves room for the one sentence that may overshoot it.
	 */
	target = 400 + rng_below(r, 376);
	words_done = 0;
	for (first = 1; words_done < target; first = 0) {
		if (!first)
			buf_add(b, "\n", 1);
		para.len = 0;
		k = 3 + rng_below(r, 5);
		for (i = 0; i < k && words_done < target; i++) {
			if (i > 0)
				buf_add(&para, " ", 1);
			n = para.len;
			sentence(r, &para, type, first && i == 0);
			words_done += count_words(para.data + n);
		}
		wrap(b, para.data);
	}

	buf_adds(b, "\n## Lessons learned\n\n");
	k = 3 + rng_below(r, 4);
	pick_distinct(r, LEN(lessons), k, idx);
	for (i = 0; i < k; i++)
		buf_addf(b, "- %s\n", lessons[idx[i]]);

	if (rng_below(r, 2)) {
		buf_adds(b, "\n## Reviewer comments\n\n");
		para.len = 0;
		k = 2 + rng_below(r, 3);
		pick_distinct(r, LEN(reviews), k, idx);
		for (i = 0; i < k; i++) {
			if (i > 0)
				buf_add(&para, " ", 1);
			buf_adds(&para, reviews[idx[i]]);
		}
		wrap(b, para.data);
	}

	free(para.data);
	free(title.data);
	free(summary.data);
}

static void
mkdirp(const char *path)
{
	char	 tmp[PATH_MAX], *p;

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		errx(1, "%s: path too long", path);
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) == -1 && errno != EEXIST)
			err(1, "mkdir %s", tmp);
		*p = '/';
	}
	if (mkdir(tmp, 0755) == -1 && errno != EEXIST)
		err(1, "mkdir %s", tmp);
}

static void
write_file(const char *path, const struct buf *b)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	if (fwrite(b->data, 1, b->len, f) != b->len || fflush(f) == EOF ||
	    ferror(f))
		err(1, "%s", path);
	if (fclose(f) == EOF)
		err(1, "%s", path);
}

static void
write_ini(const char *path)
{
	static const struct {
		const char		*name;
		const struct term	*t;
		size_t			 n;
	} sect[] = {
		{ "incident_type", incident_types, LEN(incident_types) },
		{ "contributing_factors", factors, LEN(factors) },
		{ "loss_potential", losses, LEN(losses) },
		{ "agency_type", agencies, LEN(agencies) },
		{ "region", regions, LEN(regions) },
		{ "time_of_day", times, LEN(times) },
		{ "lighting", lightings, LEN(lightings) },
		{ "weather", weathers, LEN(weathers) },
	};
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, j;

	buf_adds(&b, "[site]\n"
	    "title = Benchmark archive\n"
	    "description = Synthetic reports\n"
	    "base_url = https://bench.example.org/\n"
	    "intake_url = https://report.bench.example.org/\n"
	    "intake_email = report@bench.example.org\n"
	    "language = en\n"
	    "per_page = 25\n"
	    "feed_items = 50\n"
	    "home_items = 12\n");
	for (i = 0; i < LEN(sect); i++) {
		buf_addf(&b, "\n[%s]\n", sect[i].name);
		for (j = 0; j < sect[i].n; j++)
			buf_addf(&b, "%s = %s\n", sect[i].t[j].slug,
			    sect[i].t[j].label);
	}
	write_file(path, &b);
	free(b.data);
}

static void
usage(void)
{
	fprintf(stderr, "usage: mkcorpus N OUTDIR [SEED]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct buf	 b = { NULL, 0, 0 };
	struct rng	 r;
	char		 path[PATH_MAX], *ep;
	const char	*out;
	long long	 n, seed = 42;
	uint64_t	 sm;
	int		*days, i, y, m, d, year = 0, seq = 0;
	size_t		 bytes = 0, nwords = 0;

	if (argc < 3 || argc > 4)
		usage();
	errno = 0;
	n = strtoll(argv[1], &ep, 10);
	if (errno != 0 || *ep != '\0' || n < 1 || n > 999999)
		errx(2, "%s: N must be 1-999999", argv[1]);
	out = argv[2];
	if (argc == 4) {
		seed = strtoll(argv[3], &ep, 10);
		if (errno != 0 || *ep != '\0')
			errx(2, "%s: bad seed", argv[3]);
	}

	zipf_init();
	if (snprintf(path, sizeof(path), "%s/content/reports", out) >=
	    (int)sizeof(path))
		errx(1, "%s: path too long", out);
	mkdirp(path);
	snprintf(path, sizeof(path), "%s/content/nearmiss.ini", out);
	write_ini(path);

	/*
	 * Publication days are drawn first and sorted, so ids count up in
	 * publication order within each year, as they would in an archive.
	 */
	sm = (uint64_t)seed;
	r.s = splitmix64(&sm) | 1;
	if ((days = calloc((size_t)n, sizeof(*days))) == NULL)
		err(1, NULL);
	for (i = 0; i < n; i++)
		days[i] = FIRST_DAY +
		    (int)rng_below(&r, LAST_DAY - FIRST_DAY + 1);
	qsort(days, (size_t)n, sizeof(*days), cmp_int);

	for (i = 0; i < n; i++) {
		civil(days[i], &y, &m, &d);
		if (y != year) {
			year = y;
			seq = 0;
			snprintf(path, sizeof(path), "%s/content/reports/%d",
			    out, year);
			mkdirp(path);
		}
		seq++;
		/* Each report has its own stream, seeded from (seed, i). */
		sm = (uint64_t)seed ^ ((uint64_t)(i + 1) << 32);
		r.s = splitmix64(&sm) | 1;
		b.len = 0;
		report(&b, &r, year, seq, days[i]);
		if (snprintf(path, sizeof(path), "%s/content/reports/%d/"
		    "%d-%06d.md", out, year, year, seq) >= (int)sizeof(path))
			errx(1, "%s: path too long", out);
		write_file(path, &b);
		bytes += b.len;
		nwords += count_words(b.data);
	}
	printf("%lld reports, %zu bytes, %zu words (%zu per report)\n",
	    n, bytes, nwords, nwords / (size_t)n);

	free(days);
	free(b.data);
	free(zipf_cum);
	return 0;
}
