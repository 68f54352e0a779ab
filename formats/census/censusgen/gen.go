package censusgen

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// Header is the census-standard header the generator writes (DESIGN.md §4).
var Header = []string{
	"group_id", "employer_name", "fein", "established_date", "employer_type",
	"location_id", "location_type", "address_line_1", "address_line_2", "city", "state", "zip", "fips_county_code",
	"member_id", "subscriber_id", "relationship", "first_name", "middle_name", "last_name", "ssn", "birth_date", "gender",
	"hire_date", "employment_status", "annual_salary", "home_address_line_1", "home_city", "home_state", "home_zip",
	"medical_plan", "medical_level", "dental_plan", "dental_level", "vision_plan", "vision_level", "life_plan", "add_plan",
	"coverage_start", "coverage_end",
}

// Column positions in Header.
const (
	colGroup = iota
	colEmployer
	colFEIN
	colEstablished
	colEmployerType
	colLocation
	colLocationType
	colAddress1
	colAddress2
	colCity
	colState
	colZip
	colFIPS
	colMember
	colSubscriber
	colRelationship
	colFirst
	colMiddle
	colLast
	colSSN
	colBirth
	colGender
	colHire
	colEmployment
	colSalary
	colHomeAddress
	colHomeCity
	colHomeState
	colHomeZip
	colMedicalPlan
	colMedicalLevel
	colDentalPlan
	colDentalLevel
	colVisionPlan
	colVisionLevel
	colLifePlan
	colADDPlan
	colCoverageStart
	colCoverageEnd
	numCols
)

// The bluecross plan catalog of config.example.yaml.
const (
	planPPO    = "BC-PPO-500"
	planHMO    = "BC-HMO-250"
	planDental = "BC-DEN-STD"
	planVision = "BC-VIS-BASIC"
	planLife   = "BC-LIFE-50K"
	planADD    = "BC-ADD-50K"
)

// Generate writes a census-standard CSV of groups groups with exactly
// membersPerGroup rows (members: employees and their dependents) each.
// The output is a function of its arguments alone: the same seed gives the
// same bytes.
func Generate(w io.Writer, seed int64, groups, membersPerGroup int) error {
	if groups < 0 || membersPerGroup < 1 {
		return fmt.Errorf("generating census: %d groups of %d members: want groups >= 0 and members per group >= 1", groups, membersPerGroup)
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	g := &gen{
		r:   rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
		cw:  csv.NewWriter(bw),
		rec: make([]string, numCols),
		// A seed-dependent start keeps SSNs distinct within a file and
		// different between seeds.
		ssnSeq: uint64(seed) % 1_000_003 * 1009,
	}
	if err := g.cw.Write(Header); err != nil {
		return fmt.Errorf("writing census header: %w", err)
	}
	for i := 0; i < groups; i++ {
		if err := g.group(i, membersPerGroup); err != nil {
			return fmt.Errorf("writing group %d: %w", i+1, err)
		}
	}
	g.cw.Flush()
	if err := g.cw.Error(); err != nil {
		return fmt.Errorf("writing census: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing census: %w", err)
	}
	return nil
}

// gen holds the generator's state across groups.
type gen struct {
	r      *rand.Rand
	cw     *csv.Writer
	rec    []string
	ssnSeq uint64
}

// location is one work site of a group.
type location struct {
	id, typ, line1, line2 string
	c                     city
}

// family is an employee's elections and dependents, decided before any of
// its rows is written so that coverage levels match the dependents.
type family struct {
	medical, dental, vision, life, add string
	deps                               []dependent
	start, end                         string
}

type dependent struct {
	relationship string
	medical      bool
	dental       bool
	vision       bool
}

// group writes one group's rows.
func (g *gen) group(idx, members int) error {
	r := g.r
	reg := regions[r.IntN(len(regions))]
	groupCols := [5]string{
		fmt.Sprintf("G%06d", idx+1),
		g.employerName(),
		g.fein(),
		g.date(1950, 2020),
		pick(r, []string{"private_sector", "private_sector", "private_sector", "private_sector", "private_sector", "private_sector",
			"private_sector", "non_profit", "public_sector", "government", "church"}),
	}
	nloc := 1
	if r.IntN(10) < 3 {
		nloc++
	}
	if r.IntN(10) == 0 {
		nloc++
	}
	locs := make([]location, nloc)
	for i := range locs {
		l := &locs[i]
		l.id = fmt.Sprintf("LOC-%02d", i+1)
		l.typ = "physical"
		if i > 0 && r.IntN(5) == 0 {
			l.typ = "remote"
		}
		l.line1 = g.street()
		if r.IntN(5) == 0 {
			l.line2 = "Suite " + strconv.Itoa(100+r.IntN(900))
		}
		l.c = reg.cities[r.IntN(len(reg.cities))]
	}
	// The group's effective date: a first of the month in 2027. Medical
	// offers one or both plans.
	month := 1 + r.IntN(12)
	effective := fmt.Sprintf("2027-%02d-01", month)
	offer := []string{planPPO, planHMO}[:1+r.IntN(2)]
	if r.IntN(4) == 0 {
		offer = []string{planHMO}
	}

	emp := 0
	for row := 0; row < members; {
		emp++
		f := g.family(members-row-1, effective, month, offer)
		id := fmt.Sprintf("E%06d", emp)
		last := lastNames[r.IntN(len(lastNames))]
		l := &locs[0]
		if r.IntN(4) == 0 {
			l = &locs[r.IntN(len(locs))]
		}
		rec := g.clear(groupCols)
		rec[colLocation], rec[colLocationType], rec[colAddress1], rec[colAddress2] = l.id, l.typ, l.line1, l.line2
		rec[colCity], rec[colState], rec[colZip], rec[colFIPS] = l.c.name, reg.state, l.c.zip, l.c.fips
		rec[colMember], rec[colRelationship] = id, "employee"
		if r.IntN(10) == 0 {
			rec[colSubscriber] = id // allowed: equal to member_id
		}
		female := r.IntN(2) == 0
		born := 1958 + r.IntN(47)
		rec[colFirst], rec[colLast] = firstName(r, female), last
		if r.IntN(3) == 0 {
			rec[colMiddle] = string(rune('A' + r.IntN(26)))
		}
		rec[colSSN], rec[colBirth], rec[colGender] = g.ssn(), g.dateIn(born), gender(r, female)
		rec[colHire] = g.date(max(born+18, 1985), 2025)
		rec[colEmployment] = "full_time"
		if r.IntN(7) == 0 {
			rec[colEmployment] = "part_time"
		}
		rec[colSalary] = g.salary()
		home := reg.cities[r.IntN(len(reg.cities))]
		rec[colHomeAddress], rec[colHomeCity], rec[colHomeState], rec[colHomeZip] = g.street(), home.name, reg.state, home.zip
		level := func(plan string, covered func(dependent) bool) string {
			if plan == "" {
				return ""
			}
			spouse, children := false, false
			for _, d := range f.deps {
				if covered(d) {
					if d.relationship == "child" {
						children = true
					} else {
						spouse = true
					}
				}
			}
			switch {
			case spouse && children:
				return "FAM"
			case spouse:
				return "ES"
			case children:
				return "EC"
			}
			return "EE"
		}
		rec[colMedicalPlan], rec[colMedicalLevel] = f.medical, level(f.medical, func(d dependent) bool { return d.medical })
		rec[colDentalPlan], rec[colDentalLevel] = f.dental, level(f.dental, func(d dependent) bool { return d.dental })
		rec[colVisionPlan], rec[colVisionLevel] = f.vision, level(f.vision, func(d dependent) bool { return d.vision })
		rec[colLifePlan], rec[colADDPlan] = f.life, f.add
		rec[colCoverageStart], rec[colCoverageEnd] = f.start, f.end
		if err := g.cw.Write(rec); err != nil {
			return err
		}
		row++
		children := 0
		for _, d := range f.deps {
			rec := g.clear(groupCols)
			rec[colSubscriber], rec[colRelationship] = id, d.relationship
			switch d.relationship {
			case "child":
				children++
				rec[colMember] = fmt.Sprintf("%s-C%d", id, children)
				rec[colBirth] = g.dateIn(min(max(born+20, 2000)+r.IntN(8), 2024))
			default:
				rec[colMember] = id + "-S"
				rec[colBirth] = g.dateIn(min(max(born-6+r.IntN(13), 1950), 2006))
			}
			dfemale := r.IntN(2) == 0
			rec[colFirst], rec[colLast], rec[colGender] = firstName(r, dfemale), last, gender(r, dfemale)
			if d.relationship != "child" || r.IntN(10) != 0 { // infants may have no SSN yet
				rec[colSSN] = g.ssn()
			}
			if d.medical {
				rec[colMedicalPlan] = f.medical
			}
			if d.dental {
				rec[colDentalPlan] = f.dental
			}
			if d.vision {
				rec[colVisionPlan] = f.vision
			}
			rec[colCoverageStart], rec[colCoverageEnd] = f.start, f.end
			if err := g.cw.Write(rec); err != nil {
				return err
			}
			row++
		}
	}
	return nil
}

// clear resets the record to the group's columns and blanks elsewhere.
func (g *gen) clear(groupCols [5]string) []string {
	rec := g.rec
	for i := range rec {
		rec[i] = ""
	}
	copy(rec, groupCols[:])
	return rec
}

// family decides an employee's elections and up to room dependents.
func (g *gen) family(room int, effective string, month int, offer []string) family {
	r := g.r
	var f family
	f.start = effective
	if r.IntN(20) == 0 && month < 12 {
		// A newer hire whose coverage starts on a later first of the month.
		f.start = fmt.Sprintf("2027-%02d-01", month+1+r.IntN(12-month))
	}
	if r.IntN(50) == 0 {
		return family{} // waived every coverage: the row carries no plan
	}
	if r.IntN(10) < 9 {
		f.medical = offer[r.IntN(len(offer))]
	}
	if r.IntN(4) < 3 {
		f.dental = planDental
	}
	if r.IntN(20) < 11 {
		f.vision = planVision
	}
	if r.IntN(20) < 17 {
		f.life = planLife
		if r.IntN(3) < 2 {
			f.add = planADD
		}
	}
	if f.medical == "" && f.dental == "" && f.vision == "" && f.life == "" {
		f.medical = offer[0]
	}
	if r.IntN(100) == 0 {
		// Terminated: coverage ends on the last day of a month after it
		// started (dependents' rows carry the same end).
		f.end = lastOfMonth(f.start, 1+r.IntN(6))
	}
	if f.medical == "" && f.dental == "" && f.vision == "" {
		return f // life and AD&D cover the employee alone
	}
	var rels []string
	switch n := r.IntN(100); {
	case n < 45: // alone
	case n < 65:
		rels = []string{"spouse"}
	case n < 85:
		rels = []string{"spouse"}
		for range 1 + r.IntN(3) {
			rels = append(rels, "child")
		}
	default:
		for range 1 + r.IntN(3) {
			rels = append(rels, "child")
		}
	}
	if len(rels) > 0 && rels[0] == "spouse" && r.IntN(15) == 0 {
		rels[0] = "domestic_partner"
	}
	if len(rels) > room {
		rels = rels[:room]
	}
	for _, rel := range rels {
		d := dependent{relationship: rel,
			medical: f.medical != "" && r.IntN(20) != 0,
			dental:  f.dental != "" && r.IntN(7) != 0,
			vision:  f.vision != "" && r.IntN(5) != 0}
		if !d.medical && !d.dental && !d.vision {
			// Every dependent listed is covered under some line.
			switch {
			case f.medical != "":
				d.medical = true
			case f.dental != "":
				d.dental = true
			default:
				d.vision = true
			}
		}
		f.deps = append(f.deps, d)
	}
	return f
}

// lastOfMonth returns the last day of the month months after start's month
// (start is YYYY-MM-01 in 2027).
func lastOfMonth(start string, months int) string {
	m, _ := strconv.Atoi(start[5:7])
	m = min(m+months, 12)
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	return fmt.Sprintf("2027-%02d-%02d", m, days[m])
}

func (g *gen) employerName() string {
	r := g.r
	switch r.IntN(6) {
	case 0:
		// A partnership of two names: a comma the CSV quotes.
		return fmt.Sprintf("%s, %s & Partners %s", pick(r, lastNames), pick(r, lastNames), pick(r, entityTypes))
	case 1:
		return fmt.Sprintf("%s %s %s", pick(r, lastNames), pick(r, industries), pick(r, entityTypes))
	}
	return fmt.Sprintf("%s %s %s", pick(r, employerWords), pick(r, industries), pick(r, entityTypes))
}

func (g *gen) fein() string {
	r := g.r
	p := feinPrefixes[r.IntN(len(feinPrefixes))]
	rest := r.IntN(10_000_000)
	if r.IntN(10) == 0 {
		return fmt.Sprintf("%02d%07d", p, rest)
	}
	return fmt.Sprintf("%02d-%07d", p, rest)
}

// ssn returns the next SSN of a sequence that never repeats within a
// file and never uses area 000, 666 or 9xx, group 00 or serial 0000.
func (g *gen) ssn() string {
	const areas, groups, serials = 898, 99, 9999 // 001-899 without 666; 01-99; 0001-9999
	const total = areas * groups * serials
	// 2654435761 is prime and no factor of total: multiplying by it permutes the
	// sequence, so consecutive members get unrelated numbers.
	n := g.ssnSeq % total * 2654435761 % total
	g.ssnSeq++
	area := 1 + n%areas
	if area >= 666 {
		area++
	}
	group := 1 + (n/areas)%groups
	serial := 1 + n/(areas*groups)
	if g.r.IntN(5) == 0 {
		return fmt.Sprintf("%03d%02d%04d", area, group, serial)
	}
	return fmt.Sprintf("%03d-%02d-%04d", area, group, serial)
}

// date returns a date in [from, to] years, in the layouts the census
// accepts (mostly YYYY-MM-DD, some MM/DD/YYYY).
func (g *gen) date(from, to int) string {
	return g.dateIn(from + g.r.IntN(to-from+1))
}

func (g *gen) dateIn(year int) string {
	m, d := 1+g.r.IntN(12), 1+g.r.IntN(28)
	if g.r.IntN(8) == 0 {
		return fmt.Sprintf("%02d/%02d/%04d", m, d, year)
	}
	return fmt.Sprintf("%04d-%02d-%02d", year, m, d)
}

func (g *gen) street() string {
	r := g.r
	return fmt.Sprintf("%d %s %s", 1+r.IntN(9999), pick(r, streets), pick(r, suffixes))
}

// salary returns an annual salary as partners write them: "58,000.00" or 47500.
func (g *gen) salary() string {
	d := 24_000 + g.r.IntN(180)*500
	if g.r.IntN(3) == 0 {
		return fmt.Sprintf("%d,%03d.00", d/1000, d%1000)
	}
	return strconv.Itoa(d)
}

func firstName(r *rand.Rand, female bool) string {
	if female {
		return pick(r, femaleNames)
	}
	return pick(r, maleNames)
}

func gender(r *rand.Rand, female bool) string {
	switch r.IntN(100) {
	case 0:
		return "X"
	case 1:
		return "U"
	}
	if female {
		return "F"
	}
	return "M"
}

func pick(r *rand.Rand, from []string) string { return from[r.IntN(len(from))] }
