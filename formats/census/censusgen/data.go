package censusgen

// The reference tables the generator draws from. Every city's ZIP code and
// FIPS county code are real and belong to its state, so generated addresses
// pass onboard's reference-data checks (engine/validate).

// city is a place a location or a home can be.
type city struct {
	name, zip, fips string
}

// region is a state and some of its cities.
type region struct {
	state  string
	cities []city
}

var regions = []region{
	{"FL", []city{{"Defuniak Springs", "32435", "12131"}, {"Panama City Beach", "32407", "12005"}, {"Tampa", "33602", "12057"}, {"Orlando", "32801", "12095"}, {"Miami", "33130", "12086"}}},
	{"GA", []city{{"Atlanta", "30309", "13121"}, {"Savannah", "31401", "13051"}, {"Athens", "30601", "13059"}}},
	{"TX", []city{{"Austin", "78701", "48453"}, {"Houston", "77002", "48201"}, {"Dallas", "75201", "48113"}}},
	{"CA", []city{{"Sacramento", "95814", "06067"}, {"San Diego", "92101", "06073"}, {"Fresno", "93721", "06019"}}},
	{"NY", []city{{"Albany", "12207", "36001"}, {"Buffalo", "14202", "36029"}, {"Rochester", "14604", "36055"}}},
	{"IL", []city{{"Chicago", "60601", "17031"}, {"Springfield", "62701", "17167"}, {"Peoria", "61602", "17143"}}},
	{"OH", []city{{"Columbus", "43215", "39049"}, {"Cleveland", "44113", "39035"}, {"Dayton", "45402", "39113"}}},
	{"NC", []city{{"Raleigh", "27601", "37183"}, {"Charlotte", "28202", "37119"}, {"Durham", "27701", "37063"}}},
	{"WA", []city{{"Seattle", "98101", "53033"}, {"Spokane", "99201", "53063"}, {"Tacoma", "98402", "53053"}}},
	{"AZ", []city{{"Phoenix", "85004", "04013"}, {"Tucson", "85701", "04019"}, {"Flagstaff", "86001", "04005"}}},
	{"CO", []city{{"Denver", "80202", "08031"}, {"Boulder", "80302", "08013"}, {"Colorado Springs", "80903", "08041"}}},
	{"PA", []city{{"Philadelphia", "19107", "42101"}, {"Pittsburgh", "15222", "42003"}, {"Harrisburg", "17101", "42043"}}},
	{"MN", []city{{"Minneapolis", "55401", "27053"}, {"Saint Paul", "55101", "27123"}, {"Duluth", "55802", "27137"}}},
	{"MA", []city{{"Boston", "02108", "25025"}, {"Worcester", "01608", "25027"}, {"Springfield", "01103", "25013"}}},
}

// feinPrefixes are EIN prefixes the IRS assigns (a sample of the valid
// ranges 01-06, 10-16, 20-27, 30-48, 50-68, 71-77, 80-88, 90-95, 98, 99).
var feinPrefixes = []int{1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 25, 26, 27,
	30, 31, 33, 35, 36, 38, 41, 42, 45, 46, 47, 51, 52, 54, 56, 58, 59, 61, 62, 65, 68,
	71, 72, 74, 75, 77, 81, 82, 84, 86, 88, 90, 91, 93, 94, 95, 98, 99}

var (
	femaleNames = []string{"Maria", "Hannah", "Rebecca", "Sofia", "Ada", "Emily", "Olivia", "Grace", "Chloe", "Aisha",
		"Mei", "Priya", "Fatima", "Lucia", "Nora", "Ruth", "Keisha", "Anna", "Elena", "Yuki", "Zoe", "Claire", "Imani", "Rosa"}
	maleNames = []string{"Jorge", "Darnell", "Minh", "Oluwaseun", "James", "Liam", "Noah", "Mateo", "Ethan", "Omar",
		"Wei", "Arjun", "Samuel", "Luis", "Henry", "Isaac", "Malik", "Daniel", "Kenji", "Pavel", "Tomas", "Caleb", "Andre", "Hugo"}
	lastNames = []string{"Alvarez", "Brooks", "Nguyen", "Adeyemi", "Goldberg", "Smith", "Johnson", "Williams", "Garcia",
		"Martinez", "Robinson", "Clark", "Rodriguez", "Lewis", "Lee", "Walker", "Hall", "Allen", "Young", "Hernandez",
		"King", "Wright", "Lopez", "Hill", "Scott", "Green", "Adams", "Baker", "Gonzalez", "Nelson", "Carter", "Mitchell",
		"Perez", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart", "Sanchez",
		"Morris", "Rogers", "Reed", "Cook", "Morgan", "Bell", "Murphy", "Bailey", "Rivera", "Cooper", "Richardson", "Cox",
		"Howard", "Ward", "Torres", "Peterson", "Gray", "Ramirez", "James", "Watson", "Kim", "Patel", "Chen", "Okafor", "O'Brien"}
	streets  = []string{"Main", "Oak", "Live Oak", "Peachtree", "Baldwin", "Nelson", "Thomas", "Spring", "Jones", "Bay", "Front Beach", "Maple", "Cedar", "Elm", "Lake", "Hill", "Park", "Washington", "Lincoln", "Jefferson", "Sunset", "River", "Mill", "Church"}
	suffixes = []string{"St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Way", "Ct"}

	employerWords = []string{"Gulf Coast", "Peachtree", "Harbor", "Summit", "Blue Ridge", "Prairie", "Lakeside", "Pioneer",
		"Keystone", "Evergreen", "Redwood", "Granite", "Silver Creek", "Riverbend", "Northstar", "Canyon", "Liberty", "Cascade"}
	industries = []string{"Marine Supply", "Dental Partners", "Logistics", "Construction", "Family Medicine", "Software",
		"Manufacturing", "Hospitality Group", "Auto Parts", "Credit Union", "Engineering", "Foods", "Plumbing & Heating", "Academy"}
	entityTypes = []string{"LLC", "Inc", "PC", "Co", "LLP", "Corp"}
)
