package engine

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// The everyday cases of an enrollment analyst (issue 13), each a sequence
// of partner files and the 834 member loops it must produce, segment by
// segment. Today is 2026-12-07; coverage starts 2027-01-01.
const scenarioToday = "2026-12-07"

// The members' loop segments that do not change from case to case.
var (
	mariaID    = []string{"REF*0F*E1001", "REF*1L*GCM-001"}
	maria      = []string{"NM1*IL*1*ALVAREZ*MARIA*L***34*412551201", "N3*114 BALDWIN AVE", "N4*DEFUNIAK SPRINGS*FL*32435", "DMG*D8*19840302*F"}
	jorge      = []string{"NM1*IL*1*ALVAREZ*JORGE****34*412551202", "DMG*D8*19821120*M"}
	darnellID  = []string{"REF*0F*E1002", "REF*1L*GCM-001"}
	darnell    = []string{"NM1*IL*1*BROOKS*DARNELL****34*398217788", "N3*22 NELSON AVE", "N4*DEFUNIAK SPRINGS*FL*32435", "DMG*D8*19900719*M"}
	hannahID   = []string{"REF*0F*E1003", "REF*1L*GCM-001"}
	hannah     = []string{"NM1*IL*1*NGUYEN*HANNAH*Q***34*512093341", "N3*55 THOMAS DR", "N4*PANAMA CITY BEACH*FL*32408", "DMG*D8*19771230*F"}
	minh       = []string{"NM1*IL*1*NGUYEN*MINH****34*512093342", "DMG*D8*19750408*M"}
	mariaHired = "DTP*336*D8*20150601"
	darnHired  = "DTP*336*D8*20190211"
	hannHired  = "DTP*336*D8*20100907"
)

// seg joins segments and lists of them into one list.
func seg(parts ...any) []string {
	var out []string
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			out = append(out, v)
		case []string:
			out = append(out, v...)
		}
	}
	return out
}

// started is a scenario whose initial enrollment was sent.
func started(t *testing.T, census, carrierExtra string) *scenario {
	t.Helper()
	s := newScenario(t, census, scenarioToday, carrierExtra)
	s.accepted(rows(t))
	if got := s.transmit(); len(got) == 0 {
		t.Fatal("the initial enrollment sent nothing")
	}
	return s
}

func TestScenarioInitialEnrollment(t *testing.T) {
	s := newScenario(t, "full", scenarioToday, "")
	s.accepted(rows(t))
	got := s.transmit()
	expect(t, got[:12], seg("BGN*00*0001*20261207*0902****2",
		"INS*Y*18*021*28*A***FT", mariaID, mariaHired, maria,
		"HD*021**HLT*BC-PPO-500*FAM", "DTP*348*D8*20270101", "HD*021**DEN*BC-DEN-STD*FAM"))
}

func TestScenarioCoverageAdded(t *testing.T) {
	s := started(t, "full", "")
	s.on("2026-12-08")
	s.accepted(rows(t, [3]string{"E1002", "BC-DEN-STD,EE,,,", "BC-DEN-STD,EE,BC-VIS-BASIC,EE,"}))
	expect(t, s.transmit(), seg("BGN*00*0002*20261208*0902****2",
		"INS*Y*18*001*22*A***FT", darnellID, "DTP*303*D8*20270101", darnHired, darnell,
		"HD*021**VIS*BC-VIS-BASIC*EMP", "DTP*348*D8*20270101"))
}

// Dropping vision is a 001 with an HD*024 for vision alone: never a 024 of
// the member (nor of her family); before coverage starts, the vision
// coverage is cancelled on its start date.
func TestScenarioCoverageDropped(t *testing.T) {
	s := started(t, "full", "")
	s.on("2026-12-08")
	s.accepted(rows(t, [3]string{"E1001", "BC-VIS-BASIC,EE", ","}))
	expect(t, s.transmit(), seg("BGN*00*0002*20261208*0902****2",
		"INS*Y*18*001*22*A***FT", mariaID, "DTP*303*D8*20270101", mariaHired, maria,
		"HD*024**VIS*BC-VIS-BASIC*EMP", "DTP*348*D8*20270101", "DTP*349*D8*20270101"))
}

// E1003 adds dental and drops vision: one loop per member, her spouse
// following her dental and vision, nobody terminated.
func TestScenarioCoverageAddedAndDropped(t *testing.T) {
	s := started(t, "full", "")
	s.on("2027-03-10")
	s.accepted(rows(t,
		[3]string{"E1003", "BC-PPO-500,ES,,,BC-VIS-BASIC,ES", "BC-PPO-500,ES,BC-DEN-STD,ES,,"},
		[3]string{"E1003-S", "BC-PPO-500,,,,BC-VIS-BASIC,", "BC-PPO-500,,BC-DEN-STD,,,"},
		[3]string{"E1003", "2027-01-01,,,,", "2027-04-01,,,,"},
	))
	got := s.transmit()
	if strings.Count(strings.Join(got, "\n"), "INS*") != 2 {
		t.Errorf("want one loop for E1003 and one for her spouse")
	}
	expect(t, got, seg("BGN*00*0002*20270310*0902****2",
		"INS*Y*18*001*22*A***PT", hannahID, "DTP*303*D8*20270401", hannHired, hannah,
		"HD*001**HLT*BC-PPO-500*ESP", "DTP*348*D8*20270401", "DTP*303*D8*20270401",
		"HD*021**DEN*BC-DEN-STD*ESP", "DTP*348*D8*20270401",
		"HD*024**VIS*BC-VIS-BASIC*ESP", "DTP*348*D8*20270101", "DTP*349*D8*20270331",
		"INS*N*01*001*22*A", hannahID, "DTP*303*D8*20270401", minh,
		"HD*001**HLT*BC-PPO-500", "DTP*348*D8*20270401", "DTP*303*D8*20270401",
		"HD*021**DEN*BC-DEN-STD", "DTP*348*D8*20270401",
		"HD*024**VIS*BC-VIS-BASIC", "DTP*348*D8*20270101", "DTP*349*D8*20270331"))
}

// A plan change during coverage ends the old plan the day before the new
// one starts (the first of the next month).
func TestScenarioPlanChange(t *testing.T) {
	s := started(t, "full", "")
	s.on("2027-03-10")
	s.accepted(rows(t, [3]string{"E1002", "BC-HMO-250,EE", "BC-PPO-500,EE"}))
	expect(t, s.transmit(), seg("BGN*00*0002*20270310*0902****2",
		"INS*Y*18*001*22*A***FT", darnellID, "DTP*303*D8*20270401", darnHired, darnell,
		"HD*024**HLT*BC-HMO-250*EMP", "DTP*348*D8*20270101", "DTP*349*D8*20270331",
		"HD*021**HLT*BC-PPO-500*EMP", "DTP*348*D8*20270401"))
}

func TestScenarioCoverageLevelChange(t *testing.T) {
	s := started(t, "full", "")
	s.on("2027-03-10")
	s.accepted(rows(t, [3]string{"E1001", "BC-DEN-STD,FAM", "BC-DEN-STD,ES"}))
	expect(t, s.transmit(), seg("BGN*00*0002*20270310*0902****2",
		"INS*Y*18*001*22*A***FT", mariaID, "DTP*303*D8*20270401", mariaHired, maria,
		"HD*001**DEN*BC-DEN-STD*ESP", "DTP*348*D8*20270101", "DTP*303*D8*20270401"))
}

func TestScenarioAddressChange(t *testing.T) {
	s := started(t, "full", "")
	s.on("2027-03-10")
	s.accepted(rows(t, [3]string{"E1002", "22 Nelson Ave", "9 Oak St"}))
	expect(t, s.transmit(), seg("BGN*00*0002*20270310*0902****2",
		"INS*Y*18*001*25*A***FT", darnellID, "DTP*303*D8*20270310", darnHired,
		"NM1*IL*1*BROOKS*DARNELL****34*398217788", "N3*9 OAK ST", "N4*DEFUNIAK SPRINGS*FL*32435", "DMG*D8*19900719*M"))
}

func TestScenarioSalaryChange(t *testing.T) {
	s := started(t, "full", "")
	s.on("2027-03-10")
	s.accepted(rows(t, [3]string{"E1002", ",47500,", ",52000,"}))
	expect(t, s.transmit(), seg("BGN*00*0002*20270310*0902****2",
		"INS*Y*18*001*25*A***FT", darnellID, "DTP*303*D8*20270310", darnHired, darnell))
}

// A newborn is covered from birth, and her mother's level changes then.
func TestScenarioNewborn(t *testing.T) {
	s := started(t, "full", "")
	s.on("2027-03-10")
	s.accepted(rows(t,
		[3]string{"E1003", "BC-PPO-500,ES,,,BC-VIS-BASIC,ES", "BC-PPO-500,FAM,,,BC-VIS-BASIC,FAM"},
		[3]string{"+", "", `GCM-001,Gulf Coast Marine Supply LLC,59-1234567,1999-08-13,private_sector,,,,,,,,,E1003-C1,E1003,child,Lan,,Nguyen,,2027-03-01,F,,,,,,,,BC-PPO-500,,,,BC-VIS-BASIC,,,,2027-01-01,,,,`},
	))
	expect(t, s.transmit(), seg("BGN*00*0002*20270310*0902****2",
		"INS*Y*18*001*02*A***PT", hannahID, "DTP*303*D8*20270301", hannHired, hannah,
		"HD*001**HLT*BC-PPO-500*FAM", "DTP*348*D8*20270101", "DTP*303*D8*20270301",
		"HD*001**VIS*BC-VIS-BASIC*FAM", "DTP*348*D8*20270101", "DTP*303*D8*20270301",
		"INS*N*19*021*02*A", hannahID, "NM1*IL*1*NGUYEN*LAN", "DMG*D8*20270301*F",
		"HD*021**HLT*BC-PPO-500", "DTP*348*D8*20270301", "HD*021**VIS*BC-VIS-BASIC", "DTP*348*D8*20270301"))
}

// An adoption the partner names explicitly: INS04 05 for the family.
func TestScenarioAdoption(t *testing.T) {
	s := started(t, "full", "")
	s.on("2027-03-10")
	res := s.accepted(rows(t,
		[3]string{"E1003", "BC-PPO-500,ES,,,BC-VIS-BASIC,ES", "BC-PPO-500,FAM,,,BC-VIS-BASIC,FAM"},
		[3]string{"+", "", `GCM-001,Gulf Coast Marine Supply LLC,59-1234567,1999-08-13,private_sector,,,,,,,,,E1003-C2,E1003,child,Bao,,Nguyen,,2019-06-11,M,,,,,,,,BC-PPO-500,,,,BC-VIS-BASIC,,,,2027-03-01,,adoption,2027-02-20,`},
	))
	// The result file and the history name the partner's event.
	text := mustJSON(t, res["groups"])
	for _, want := range []string{`"type":"adoption"`, `"subscriber":"E1003"`, `"members":["E1003-C2"]`, `"event_date":"2027-02-20"`,
		`"source":"partner"`, `"status":"pending"`} {
		if !strings.Contains(text, want) {
			t.Errorf("result file lacks %s: %s", want, text)
		}
	}
	rec, err := s.e.Store.GroupByExternal(context.Background(), "acme", "GCM-001")
	if err != nil {
		t.Fatal(err)
	}
	hist, err := s.e.Store.GroupHistory(context.Background(), rec.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mustJSON(t, hist), "events: adoption E1003-C2") {
		t.Errorf("history lacks the event: %s", mustJSON(t, hist))
	}
	expect(t, s.transmit(), seg("BGN*00*0002*20270310*0902****2",
		"INS*Y*18*001*05*A***PT", hannahID, "DTP*303*D8*20270220", hannHired, hannah,
		"HD*001**HLT*BC-PPO-500*FAM", "DTP*348*D8*20270101", "DTP*303*D8*20270220",
		"HD*001**VIS*BC-VIS-BASIC*FAM", "DTP*348*D8*20270101", "DTP*303*D8*20270220",
		"INS*N*19*021*05*A", hannahID, "NM1*IL*1*NGUYEN*BAO", "DMG*D8*20190611*M",
		"HD*021**HLT*BC-PPO-500", "DTP*348*D8*20270220", "HD*021**VIS*BC-VIS-BASIC", "DTP*348*D8*20270220"))
}

func TestScenarioMarriage(t *testing.T) {
	s := started(t, "full", "")
	s.on("2026-12-08")
	s.accepted(rows(t,
		[3]string{"E1002", "BC-HMO-250,EE,BC-DEN-STD,EE", "BC-HMO-250,ES,BC-DEN-STD,ES"},
		[3]string{"+", "", `GCM-001,Gulf Coast Marine Supply LLC,59-1234567,1999-08-13,private_sector,,,,,,,,,E1002-S,E1002,spouse,Keisha,,Brooks,398-21-7790,1991-02-02,F,,,,,,,,BC-HMO-250,,BC-DEN-STD,,,,,,2027-01-01,,,,`},
	))
	expect(t, s.transmit(), seg("BGN*00*0002*20261208*0902****2",
		"INS*Y*18*001*32*A***FT", darnellID, "DTP*303*D8*20270101", darnHired, darnell,
		"HD*001**HLT*BC-HMO-250*ESP", "DTP*348*D8*20270101", "DTP*303*D8*20270101",
		"HD*001**DEN*BC-DEN-STD*ESP", "DTP*348*D8*20270101", "DTP*303*D8*20270101",
		"INS*N*01*021*32*A", darnellID, "NM1*IL*1*BROOKS*KEISHA****34*398217790", "DMG*D8*19910202*F",
		"HD*021**HLT*BC-HMO-250", "DTP*348*D8*20270101", "HD*021**DEN*BC-DEN-STD", "DTP*348*D8*20270101"))
}

// The spouse leaves at the end of the month; the employee's level changes
// the next day.
func TestScenarioDivorce(t *testing.T) {
	s := started(t, "full", "")
	s.on("2027-03-10")
	s.accepted(rows(t,
		[3]string{"E1003", "BC-PPO-500,ES,,,BC-VIS-BASIC,ES", "BC-PPO-500,EE,,,BC-VIS-BASIC,EE"},
		[3]string{"E1003-S", "", ""},
	))
	expect(t, s.transmit(), seg("BGN*00*0002*20270310*0902****2",
		"INS*Y*18*001*01*A***PT", hannahID, "DTP*303*D8*20270401", hannHired, hannah,
		"HD*001**HLT*BC-PPO-500*EMP", "DTP*348*D8*20270101", "DTP*303*D8*20270401",
		"HD*001**VIS*BC-VIS-BASIC*EMP", "DTP*348*D8*20270101", "DTP*303*D8*20270401",
		"INS*N*01*024*01*A", hannahID, "DTP*303*D8*20270331", "DTP*357*D8*20270331", minh,
		"HD*024**HLT*BC-PPO-500", "DTP*348*D8*20270101", "DTP*349*D8*20270331",
		"HD*024**VIS*BC-VIS-BASIC", "DTP*348*D8*20270101", "DTP*349*D8*20270331"))
}

func TestScenarioDeathOfADependent(t *testing.T) {
	s := started(t, "full", "")
	s.on("2027-03-10")
	s.accepted(rows(t, [3]string{"E1001-S", "2027-01-01,,,,", "2027-01-01,2027-02-14,death,2027-02-14,"}))
	expect(t, s.transmit(), seg("BGN*00*0002*20270310*0902****2",
		"INS*N*01*024*03*A", mariaID, "DTP*303*D8*20270214", "DTP*357*D8*20270214", jorge,
		"HD*024**HLT*BC-PPO-500", "DTP*348*D8*20270101", "DTP*349*D8*20270214",
		"HD*024**DEN*BC-DEN-STD", "DTP*348*D8*20270101", "DTP*349*D8*20270214"))
}

// An employee missing from a full census ends on the carrier's
// termination_policy.
func TestScenarioTerminationOfEmployment(t *testing.T) {
	for _, tc := range []struct{ policy, day, end string }{
		{"end_of_month", "2027-03-10", "20270331"},
		{"file_date", "2027-03-10", "20270310"},
		{"day_before_next_start", "2027-04-01", "20270331"},
		{"end_of_month", "2027-04-01", "20270430"},
	} {
		t.Run(tc.policy+" "+tc.day, func(t *testing.T) {
			s := started(t, "full", "    termination_policy: "+tc.policy)
			s.on(tc.day)
			s.accepted(rows(t, [3]string{"E1002", "", ""}))
			got := s.transmit()
			expect(t, got, seg(got[0],
				"INS*Y*18*024*08*A***FT", darnellID, "DTP*303*D8*"+tc.end, darnHired, "DTP*357*D8*"+tc.end, darnell,
				"HD*024**HLT*BC-HMO-250*EMP", "DTP*348*D8*20270101", "DTP*349*D8*"+tc.end,
				"HD*024**DEN*BC-DEN-STD*EMP", "DTP*348*D8*20270101", "DTP*349*D8*"+tc.end))
		})
	}
}

// A member dropped before coverage starts is cancelled on the start date:
// never DTP*349 before DTP*348.
func TestScenarioDroppedBeforeCoverageStarts(t *testing.T) {
	s := started(t, "full", "")
	s.on("2026-12-08")
	s.accepted(rows(t, [3]string{"E1002", "", ""}))
	expect(t, s.transmit(), seg("BGN*00*0002*20261208*0902****2",
		"INS*Y*18*024*08*A***FT", darnellID, "DTP*303*D8*20270101", darnHired, "DTP*357*D8*20270101", darnell,
		"HD*024**HLT*BC-HMO-250*EMP", "DTP*348*D8*20270101", "DTP*349*D8*20270101",
		"HD*024**DEN*BC-DEN-STD*EMP", "DTP*348*D8*20270101", "DTP*349*D8*20270101"))
}

func TestScenarioReHire(t *testing.T) {
	s := started(t, "full", "")
	s.on("2027-03-10")
	s.accepted(rows(t, [3]string{"E1002", "", ""}))
	s.transmit()
	s.on("2027-05-03")
	s.accepted(rows(t, [3]string{"E1002", "2019-02-11", "2027-05-01"}, [3]string{"E1002", "2027-01-01", "2027-06-01"}))
	expect(t, s.transmit(), seg("BGN*00*0003*20270503*0902****2",
		"INS*Y*18*001*41*A***FT", darnellID, "DTP*303*D8*20270601", "DTP*336*D8*20270501", darnell,
		"HD*021**HLT*BC-HMO-250*EMP", "DTP*348*D8*20270601", "HD*021**DEN*BC-DEN-STD*EMP", "DTP*348*D8*20270601"))
}

// COBRA continuation: INS05 C with INS07, the qualifying event.
func TestScenarioCobra(t *testing.T) {
	s := started(t, "full", "")
	s.on("2027-03-10")
	s.accepted(rows(t, [3]string{"E1002", "2019-02-11,full_time,47500", "2019-02-11,cobra,47500"},
		[3]string{"E1002", "2027-01-01,,,,", "2027-01-01,,,,termination_of_employment"}))
	expect(t, s.transmit(), seg("BGN*00*0002*20270310*0902****2",
		"INS*Y*18*001*09*C**1*TE", darnellID, "DTP*303*D8*20270310", darnHired, darnell))
	// A COBRA member without the qualifying event is refused at intake.
	res := s.drop(rows(t, [3]string{"E1002", "2019-02-11,full_time,47500", "2019-02-11,cobra,47500"}))
	if res["outcome"] != "rejected" || !strings.Contains(mustJSON(t, res), "cobra_event") {
		t.Errorf("COBRA without cobra_event: %s", mustJSON(t, res))
	}
}

func TestScenarioOpenEnrollment(t *testing.T) {
	s := started(t, "full", `    open_enrollment: {from: "11-01", to: "11-30", effective: "01-01"}`)
	s.on("2027-11-15")
	s.accepted(rows(t, [3]string{"E1002", "BC-HMO-250,EE", "BC-PPO-500,EE"}))
	expect(t, s.transmit(), seg("BGN*00*0002*20271115*0902****2",
		"INS*Y*18*001*EC*A***FT", darnellID, "DTP*303*D8*20280101", darnHired, darnell,
		"HD*024**HLT*BC-HMO-250*EMP", "DTP*348*D8*20270101", "DTP*349*D8*20271231",
		"HD*021**HLT*BC-PPO-500*EMP", "DTP*348*D8*20280101"))
}

// A change effective within max_retro_days is sent; one older is refused
// at intake with a carrier_rule error telling the partner to call the
// carrier.
func TestScenarioRetroChange(t *testing.T) {
	s := started(t, "full", "    max_retro_days: 60")
	s.on("2027-03-10")
	s.accepted(rows(t, [3]string{"E1002", "2027-01-01,,,,", "2027-01-01,2027-02-01,,,"}))
	got := s.transmit()
	expect(t, got[:2], seg("BGN*00*0002*20270310*0902****2", "INS*Y*18*024*08*A***FT"))

	s.on("2027-05-20")
	res := s.drop(rows(t, [3]string{"E1002", "2027-01-01,,,,", "2027-01-01,2027-02-01,,,"},
		[3]string{"E1003", "2027-01-01,,,,", "2027-01-01,2027-03-01,,,"}))
	text := mustJSON(t, res)
	if res["outcome"] != "rejected" || !strings.Contains(text, `"carrier_rule"`) || !strings.Contains(text, "contact carrier bluecross") {
		t.Errorf("a change 80 days back: %s", text)
	}
	if got := s.transmit(); got != nil {
		t.Errorf("a rejected file sent %v", got)
	}
}

func TestScenarioFullModeReplace(t *testing.T) {
	s := started(t, "full", "    mode: full")
	s.on("2027-03-10")
	s.accepted(rows(t, [3]string{"E1002", "", ""}))
	got := strings.Join(s.transmit(), "\n")
	for _, want := range []string{"BGN*00*0002*20270310*0902****RX", "INS*Y*18*030*XN*A***FT\nREF*0F*E1001",
		"INS*Y*18*024*08*A***FT\nREF*0F*E1002", "INS*Y*18*030*XN*A***PT\nREF*0F*E1003", "HD*030**HLT*BC-PPO-500*FAM"} {
		if !strings.Contains(got, want) {
			t.Errorf("full file lacks %q:\n%s", want, got)
		}
	}
}

func TestScenarioFullModeVerify(t *testing.T) {
	s := started(t, "full", "    mode: full\n    full_purpose: verify")
	s.on("2027-03-10")
	s.accepted(rows(t, [3]string{"E1002", "", ""}))
	got := strings.Join(s.transmit(), "\n")
	if !strings.Contains(got, "BGN*00*0002*20270310*0902****4") || strings.Contains(got, "*024*") || strings.Contains(got, "E1002") {
		t.Errorf("a verify file is 030 only:\n%s", got)
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
