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
 * Fuzz target for the report front matter: report_parse() (libyaml's
 * event API under the caps of report.h) against a fixed taxonomy, the
 * one of the demo content repository.
 */

#include <stdint.h>
#include <stdlib.h>

#include "config.h"
#include "log.h"
#include "report.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char ini[] =
	"[site]\n"
	"title = Fuzz\n"
	"base_url = https://fuzz.example/\n"
	"[incident_type]\n"
	"traffic-stop = Traffic stop\n"
	"vehicle-pursuit = Vehicle pursuit\n"
	"foot-pursuit = Foot pursuit\n"
	"domestic-disturbance = Domestic disturbance\n"
	"robbery-in-progress = Robbery in progress\n"
	"burglary = Burglary\n"
	"mental-health-call = Mental health call\n"
	"warrant-service = Warrant service\n"
	"crowd-or-protest = Crowd or protest\n"
	"firearms-training = Firearms training\n"
	"arrest-or-custody = Arrest or custody\n"
	"ambush = Ambush\n"
	"off-duty = Off duty\n"
	"other = Other\n"
	"[contributing_factors]\n"
	"situational-awareness = Situational awareness\n"
	"communication = Communication\n"
	"decision-making = Decision making\n"
	"equipment-failure = Equipment failure\n"
	"policy-or-procedure = Policy or procedure\n"
	"training = Training\n"
	"fatigue = Fatigue\n"
	"staffing = Staffing\n"
	"environment-or-weather = Environment or weather\n"
	"technology = Technology\n"
	"complacency = Complacency\n"
	"human-error = Human error\n"
	"[loss_potential]\n"
	"death = Death\n"
	"serious-injury = Serious injury\n"
	"minor-injury = Minor injury\n"
	"property-damage = Property damage\n"
	"agency-legitimacy = Agency legitimacy\n"
	"career-or-discipline = Career or discipline\n"
	"[agency_type]\n"
	"municipal-police = Municipal police\n"
	"county-sheriff = County sheriff\n"
	"state-police = State police or highway patrol\n"
	"federal = Federal\n"
	"campus = Campus police\n"
	"tribal = Tribal police\n"
	"transit = Transit police\n"
	"corrections = Corrections\n"
	"[region]\n"
	"northeast = Northeast\n"
	"southeast = Southeast\n"
	"midwest = Midwest\n"
	"southwest = Southwest\n"
	"west = West\n"
	"mountain = Mountain\n"
	"pacific-northwest = Pacific Northwest\n"
	"alaska-hawaii-territories = Alaska, Hawaii and territories\n"
	"[time_of_day]\n"
	"dawn = Dawn\n"
	"day = Day\n"
	"dusk = Dusk\n"
	"night = Night\n"
	"[lighting]\n"
	"daylight = Daylight\n"
	"artificial = Artificial light\n"
	"dark = Dark\n"
	"[weather]\n"
	"clear = Clear\n"
	"rain = Rain\n"
	"snow-or-ice = Snow or ice\n"
	"fog = Fog\n"
	"wind = Wind\n"
	"heat = Heat\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config	 cfg;
	static int		 loaded;
	struct report		 r;

	if (!loaded) {
		if (config_parse(&cfg, "fuzz.ini", ini, sizeof(ini) - 1) != 0)
			abort();
		loaded = 1;
	}
	report_parse(&r, &cfg, "fuzz.md", (const char *)data, size);
	report_free(&r);
	return 0;
}
