package x12

import (
	"fmt"
	"strings"
)

// Code tables of the acknowledgements (005010X231A1 and the TA1 of the
// 00501 control standards). Each entry is the code's name in the guide and,
// for the codes that end up in messages, the phrase a sentence uses.

type codeText struct{ name, phrase string }

// ta104Codes: TA104 interchange acknowledgment code.
var ta104Codes = map[string]codeText{
	"A": {"The Transmitted Interchange Control Structure Header and Trailer Have Been Received and Have No Errors", "was accepted"},
	"E": {"The Transmitted Interchange Control Structure Header and Trailer Have Been Received and Are Accepted But Errors Are Noted", "was accepted with errors"},
	"R": {"The Transmitted Interchange Control Structure Header and Trailer are Rejected Because of Errors", "was rejected"},
}

// ta105Codes: TA105 interchange note code.
var ta105Codes = map[string]codeText{
	"000": {"No error", "no error"},
	"001": {"The Interchange Control Number in the Header and Trailer Do Not Match", "the interchange control numbers in the ISA and IEA do not match"},
	"002": {"This Standard as Noted in the Control Standards Identifier is Not Supported", "the control standard is not supported"},
	"003": {"This Version of the Controls is Not Supported", "the version of the controls (ISA12) is not supported"},
	"004": {"The Segment Terminator is Invalid", "the segment terminator is invalid"},
	"005": {"Invalid Interchange ID Qualifier for Sender", "the sender id qualifier (ISA05) is invalid"},
	"006": {"Invalid Interchange Sender ID", "the sender id (ISA06) is invalid"},
	"007": {"Invalid Interchange ID Qualifier for Receiver", "the receiver id qualifier (ISA07) is invalid"},
	"008": {"Invalid Interchange Receiver ID", "the receiver id (ISA08) is invalid"},
	"009": {"Unknown Interchange Receiver ID", "the receiver id (ISA08) is unknown"},
	"010": {"Invalid Authorization Information Qualifier Value", "the authorization information qualifier (ISA01) is invalid"},
	"011": {"Invalid Authorization Information Value", "the authorization information (ISA02) is invalid"},
	"012": {"Invalid Security Information Qualifier Value", "the security information qualifier (ISA03) is invalid"},
	"013": {"Invalid Security Information Value", "the security information (ISA04) is invalid"},
	"014": {"Invalid Interchange Date Value", "the interchange date (ISA09) is invalid"},
	"015": {"Invalid Interchange Time Value", "the interchange time (ISA10) is invalid"},
	"016": {"Invalid Interchange Standards Identifier Value", "the interchange standards identifier is invalid"},
	"017": {"Invalid Interchange Version ID Value", "the interchange version (ISA12) is invalid"},
	"018": {"Invalid Interchange Control Number Value", "the interchange control number (ISA13) is invalid"},
	"019": {"Invalid Acknowledgment Requested Value", "the acknowledgment requested flag (ISA14) is invalid"},
	"020": {"Invalid Test Indicator Value", "the usage indicator (ISA15) is invalid"},
	"021": {"Invalid Number of Included Groups Value", "the number of functional groups (IEA01) is wrong"},
	"022": {"Invalid Control Structure", "the envelope structure is invalid"},
	"023": {"Improper (Premature) End-of-File (Transmission)", "the file ended prematurely"},
	"024": {"Invalid Interchange Content (e.g., Invalid GS Segment)", "the interchange content is invalid"},
	"025": {"Duplicate Interchange Control Number", "the interchange control number was already used"},
	"026": {"Invalid Data Element Separator", "the element separator is invalid"},
	"027": {"Invalid Component Element Separator", "the component separator (ISA16) is invalid"},
	"028": {"Invalid Delivery Date in Deferred Delivery Request", "the deferred delivery date is invalid"},
	"029": {"Invalid Delivery Time in Deferred Delivery Request", "the deferred delivery time is invalid"},
	"030": {"Invalid Delivery Time Code in Deferred Delivery Request", "the deferred delivery time code is invalid"},
	"031": {"Invalid Grade of Service Code", "the grade of service code is invalid"},
}

// ik304Codes: IK304 implementation segment syntax error code; the phrase
// follows "segment X at position N in loop L".
var ik304Codes = map[string]codeText{
	"1":  {"Unrecognized segment ID", "is not a recognized segment"},
	"2":  {"Unexpected segment", "is unexpected"},
	"3":  {"Required Segment Missing", "is required but missing"},
	"4":  {"Loop Occurs Over Maximum Times", "begins a loop that occurs more times than allowed"},
	"5":  {"Segment Exceeds Maximum Use", "occurs more times than allowed"},
	"6":  {"Segment Not in Defined Transaction Set", "is not defined in this transaction set"},
	"7":  {"Segment Not in Proper Sequence", "is out of sequence"},
	"8":  {"Segment Has Data Element Errors", "has data element errors"},
	"I4": {"Implementation \"Not Used\" Segment Present", "is not used by the implementation guide but is present"},
	"I6": {"Implementation Dependent Segment Missing", "is required in this situation by the implementation guide but missing"},
	"I7": {"Implementation Loop Occurs Under Minimum Times", "begins a loop that occurs fewer times than the implementation guide requires"},
	"I8": {"Implementation Segment Below Minimum Use", "occurs fewer times than the implementation guide requires"},
	"I9": {"Implementation Dependent \"Not Used\" Segment Present", "must not be present in this situation by the implementation guide"},
}

// ik403Codes: IK403 implementation data element syntax error code; the
// phrase follows "element N (name)". noValue marks codes about a missing
// element, whose bad value is not quoted.
var ik403Codes = map[string]codeText{
	"1":   {"Required Data Element Missing", "is required but missing"},
	"2":   {"Conditional Required Data Element Missing", "is required by another element's value but missing"},
	"3":   {"Too Many Data Elements", "is one data element too many"},
	"4":   {"Data Element Too Short", "is too short"},
	"5":   {"Data Element Too Long", "is too long"},
	"6":   {"Invalid Character In Data Element", "contains an invalid character"},
	"7":   {"Invalid Code Value", "has an invalid code value"},
	"8":   {"Invalid Date", "has an invalid date"},
	"9":   {"Invalid Time", "has an invalid time"},
	"10":  {"Exclusion Condition Violated", "is present together with an element it excludes"},
	"12":  {"Too Many Repetitions", "repeats too many times"},
	"13":  {"Too Many Components", "has too many components"},
	"I6":  {"Code Value Not Used in Implementation", "has a code value the implementation guide does not use"},
	"I9":  {"Implementation Dependent Data Element Missing", "is required in this situation by the implementation guide but missing"},
	"I10": {"Implementation \"Not Used\" Data Element Present", "is not used by the implementation guide but is present"},
	"I11": {"Implementation Too Few Repetitions", "repeats fewer times than the implementation guide requires"},
	"I12": {"Implementation Pattern Match Failure", "does not match the pattern the implementation guide requires"},
	"I13": {"Implementation Dependent \"Not Used\" Data Element Present", "must not be present in this situation by the implementation guide"},
}

var ik403NoValue = map[string]bool{"1": true, "2": true, "I9": true}

// ik501Codes: IK501 transaction set acknowledgment code.
var ik501Codes = map[string]codeText{
	"A": {"Accepted", "was accepted"},
	"E": {"Accepted But Errors Were Noted", "was accepted with errors"},
	"M": {"Rejected, Message Authentication Code (MAC) Failed", "was rejected: its message authentication code failed"},
	"R": {"Rejected", "was rejected"},
	"W": {"Rejected, Assurance Failed Validity Tests", "was rejected: it failed assurance validity tests"},
	"X": {"Rejected, Content After Decryption Could Not Be Analyzed", "was rejected: its content could not be analyzed after decryption"},
}

// ak901Codes: AK901 functional group acknowledge code.
var ak901Codes = map[string]codeText{
	"A": {"Accepted", "was accepted"},
	"E": {"Accepted, But Errors Were Noted", "was accepted with errors"},
	"M": {"Rejected, Message Authentication Code (MAC) Failed", "was rejected: its message authentication code failed"},
	"P": {"Partially Accepted, At Least One Transaction Set Was Rejected", "was partially accepted"},
	"R": {"Rejected", "was rejected"},
	"W": {"Rejected, Assurance Failed Validity Tests", "was rejected: it failed assurance validity tests"},
	"X": {"Rejected, Content After Decryption Could Not Be Analyzed", "was rejected: its content could not be analyzed after decryption"},
}

// ik502Codes: IK502..IK506 implementation transaction set syntax error code.
var ik502Codes = map[string]string{
	"1": "Transaction Set Not Supported", "2": "Transaction Set Trailer Missing",
	"3": "Transaction Set Control Number in Header and Trailer Do Not Match",
	"4": "Number of Included Segments Does Not Match Actual Count",
	"5": "One or More Segments in Error", "6": "Missing or Invalid Transaction Set Identifier",
	"7": "Missing or Invalid Transaction Set Control Number", "8": "Authentication Key Name Unknown",
	"9": "Encryption Key Name Unknown", "10": "Requested Service (Authentication or Encrypted) Not Available",
	"11": "Unknown Security Recipient", "12": "Incorrect Message Length (Encryption Only)",
	"13": "Message Authentication Code Failed", "15": "Unknown Security Originator",
	"16": "Syntax Error in Decrypted Text", "17": "Security Not Supported",
	"18": "Transaction Set not in Functional Group",
	"19": "Invalid Transaction Set Implementation Convention Reference",
	"23": "Transaction Set Control Number Not Unique within the Functional Group",
	"24": "S3E Security End Segment Missing for S3S Security Start Segment",
	"25": "S3S Security Start Segment Missing for S3E Security End Segment",
	"26": "S4E Security End Segment Missing for S4S Security Start Segment",
	"27": "S4S Security Start Segment Missing for S4E Security End Segment",
	"I5": "Implementation One or More Segments in Error", "I6": "Implementation Convention Not Supported",
}

// ak905Codes: AK905..AK909 functional group syntax error code.
var ak905Codes = map[string]string{
	"1": "Functional Group Not Supported", "2": "Functional Group Version Not Supported",
	"3": "Functional Group Trailer Missing",
	"4": "Group Control Number in the Functional Group Header and Trailer Do Not Agree",
	"5": "Number of Included Transaction Sets Does Not Match Actual Count",
	"6": "Group Control Number Violates Syntax", "10": "Authentication Key Name Unknown",
	"11": "Encryption Key Name Unknown", "12": "Requested Service (Authentication or Encryption) Not Available",
	"13": "Unknown Security Recipient", "14": "Unknown Security Originator",
	"15": "Syntax Error in Decrypted Text", "16": "Security Not Supported",
	"17": "Incorrect Message Length (Encryption Only)", "18": "Message Authentication Code Failed",
	"19": "Functional Group Control Number not Unique within Interchange",
	"23": "S3E Security End Segment Missing for S3S Security Start Segment",
	"24": "S3S Security Start Segment Missing for S3E End Segment",
	"25": "S4E Security End Segment Missing for S4S Security Start Segment",
	"26": "S4S Security Start Segment Missing for S4E Security End Segment",
}

// DescribeCode returns the implementation guide's name of an
// acknowledgement code, e.g. DescribeCode("IK403", "7") is "Invalid Code
// Value". element is one of TA104, TA105, IK304, IK403, IK501, IK502, AK901
// or AK905 (997 names AK304, AK403, AK501 and AK502 are accepted too). It
// returns "" for an unknown code.
func DescribeCode(element, code string) string {
	var t map[string]codeText
	switch element {
	case "TA104":
		t = ta104Codes
	case "TA105":
		t = ta105Codes
	case "IK304", "AK304":
		t = ik304Codes
	case "IK403", "AK403":
		t = ik403Codes
	case "IK501", "AK501":
		t = ik501Codes
	case "AK901":
		t = ak901Codes
	case "IK502", "AK502":
		return ik502Codes[code]
	case "AK905":
		return ak905Codes[code]
	}
	return t[code].name
}

// elementNames names the elements of the segments an 834 carries, for
// messages ("element 2 (state)"); index 0 is unused.
var elementNames = map[string][]string{
	"ST":  {"", "transaction set id", "control number", "implementation convention reference"},
	"SE":  {"", "segment count", "control number"},
	"BGN": {"", "purpose", "reference", "date", "time", "time zone", "original reference", "transaction type", "action"},
	"REF": {"", "qualifier", "reference identifier", "description"},
	"DTP": {"", "date qualifier", "date format", "date"},
	"QTY": {"", "quantity qualifier", "quantity"},
	"N1":  {"", "entity code", "name", "identification qualifier", "identifier"},
	"INS": {"", "subscriber indicator", "relationship", "maintenance type", "maintenance reason", "benefit status",
		"Medicare status", "COBRA qualifying event", "employment status", "student status", "handicap indicator",
		"date format", "death date", "confidentiality", "city", "state", "country", "birth sequence"},
	"NM1": {"", "entity code", "entity type", "last name", "first name", "middle name", "prefix", "suffix",
		"identification qualifier", "member identifier"},
	"PER": {"", "contact function", "name", "number qualifier", "number"},
	"N3":  {"", "address line 1", "address line 2"},
	"N4":  {"", "city", "state", "postal code", "country", "location qualifier", "county code", "country subdivision"},
	"DMG": {"", "date format", "birth date", "gender", "marital status", "race or ethnicity", "citizenship"},
	"HD": {"", "maintenance type", "maintenance reason", "insurance line", "plan coverage description",
		"coverage level"},
}

func elementName(segment string, n int) string {
	if names := elementNames[segment]; n > 0 && n < len(names) {
		return names[n]
	}
	return ""
}

// describe fills the messages of an acknowledgement and masks sensitive
// bad values.
func describe(a *Ack) {
	if t := a.TA1; t != nil {
		t.Message = fmt.Sprintf("interchange %s %s", control9(t.InterchangeControl), phrase(ta104Codes, t.Code, "TA104"))
		if t.Note != "" && t.Note != "000" {
			t.Message += ": " + phrase(ta105Codes, t.Note, "TA105")
		}
	}
	for i := range a.Sets {
		s := &a.Sets[i]
		s.Message = fmt.Sprintf("transaction set %s %s %s", s.ID, controlST(s.ST02), phrase(ik501Codes, s.Code, "IK501"))
		if s.Code == "" {
			s.Message = fmt.Sprintf("transaction set %s %s has no IK5 response", s.ID, controlST(s.ST02))
		}
		if len(s.SyntaxErrors) > 0 {
			s.Message += ": " + describeAll(ik502Codes, s.SyntaxErrors)
		}
		for j := range s.Errors {
			e := &s.Errors[j]
			if mask := sensitive(e.Segment, e.Element); mask != nil && e.BadValue != "" {
				e.BadValue = mask(e.BadValue)
			}
			e.Message = errorMessage(e)
		}
	}
	if g := a.AK9; g != nil {
		g.Message = fmt.Sprintf("functional group %d %s", a.GroupControl, phrase(ak901Codes, g.Code, "AK901"))
		if g.Code == "P" || g.Code == "R" || g.Code == "E" {
			g.Message += fmt.Sprintf(" (%d of %d transaction sets accepted)", g.Accepted, g.Included)
		}
		if len(g.Errors) > 0 {
			g.Message += ": " + describeAll(ak905Codes, g.Errors)
		}
	}
}

// errorMessage turns an IK3/IK4 into a sentence such as "segment N4 at
// position 14 in loop 2100A: element 2 (state) has an invalid code value
// 'XX'".
func errorMessage(e *SetError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "segment %s at position %d", e.Segment, e.Position)
	if e.Loop != "" {
		b.WriteString(" in loop " + e.Loop)
	}
	if e.Element > 0 {
		b.WriteString(": ")
		if e.Component > 0 {
			fmt.Fprintf(&b, "component %d of ", e.Component)
		}
		fmt.Fprintf(&b, "element %d", e.Element)
		if n := elementName(e.Segment, e.Element); n != "" {
			b.WriteString(" (" + n + ")")
		}
		if e.Repetition > 0 {
			fmt.Fprintf(&b, ", repetition %d,", e.Repetition)
		}
		b.WriteString(" " + phrase(ik403Codes, e.ElementCode, "IK403"))
		if e.BadValue != "" && !ik403NoValue[e.ElementCode] {
			b.WriteString(" '" + e.BadValue + "'")
		}
	} else {
		b.WriteString(" " + phrase(ik304Codes, e.Code, "IK304"))
	}
	for _, c := range e.Context {
		if s := c.describe(); s != "" {
			b.WriteString(" (" + s + ")")
		}
	}
	return b.String()
}

// describe renders a context for a message.
func (c Context) describe() string {
	if c.Name == "SITUATIONAL TRIGGER" || c.Reference == "" {
		if c.Segment == "" {
			return ""
		}
		s := fmt.Sprintf("triggered by segment %s at position %d", c.Segment, c.Position)
		if c.Loop != "" {
			s += " in loop " + c.Loop
		}
		return s
	}
	ref := c.Reference
	if strings.Contains(c.Name, "NM109") {
		ref = sensitive("NM1", 9)(ref)
	}
	name := strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(c.Name, "REF02"), "NM109")))
	if name == "" {
		name = "member identifier"
	}
	return name + " " + ref
}

// phrase returns the sentence phrase of a code, or a neutral phrase that
// names an unknown code.
func phrase(t map[string]codeText, code, element string) string {
	if c, ok := t[code]; ok {
		return c.phrase
	}
	return fmt.Sprintf("has %s code %q", element, code)
}

func describeAll(t map[string]string, codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		if s, ok := t[c]; ok {
			out[i] = strings.ToLower(s)
		} else {
			out[i] = fmt.Sprintf("error code %q", c)
		}
	}
	return strings.Join(out, "; ")
}
