package x12guide

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// The XML shapes of pyx12's maps (map.xsd). Loops hold segments and loops
// interleaved, so a loop decodes its children by hand to keep their order.

type xLoop struct {
	XID    string
	Name   string
	Usage  string
	Repeat string
	Kids   []xKid
}

type xKid struct {
	loop *xLoop
	seg  *xSegment
}

type xSegment struct {
	XID        string       `xml:"xid,attr"`
	Name       string       `xml:"name"`
	Usage      string       `xml:"usage"`
	MaxUse     string       `xml:"max_use"`
	Syntax     []string     `xml:"syntax"`
	Elements   []xElement   `xml:"element"`
	Composites []xComposite `xml:"composite"`
}

type xComposite struct {
	XID      string     `xml:"xid,attr"`
	DataEle  string     `xml:"data_ele"`
	Name     string     `xml:"name"`
	Usage    string     `xml:"usage"`
	Seq      string     `xml:"seq"`
	Repeat   string     `xml:"repeat"`
	Syntax   []string   `xml:"syntax"`
	Elements []xElement `xml:"element"`
}

type xElement struct {
	XID     string  `xml:"xid,attr"`
	DataEle string  `xml:"data_ele"`
	Name    string  `xml:"name"`
	Usage   string  `xml:"usage"`
	Seq     string  `xml:"seq"`
	Repeat  string  `xml:"repeat"`
	Codes   *xCodes `xml:"valid_codes"`
}

type xCodes struct {
	External string   `xml:"external,attr"`
	Codes    []string `xml:"code"`
}

type xTransaction struct {
	XID  string `xml:"xid,attr"`
	Name string `xml:"name"`
	Loop xLoop  `xml:"loop"`
}

// UnmarshalXML decodes a loop keeping its segments and loops in order.
func (l *xLoop) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	for _, a := range start.Attr {
		if a.Name.Local == "xid" {
			l.XID = a.Value
		}
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			var err error
			switch t.Name.Local {
			case "loop":
				c := new(xLoop)
				err = d.DecodeElement(c, &t)
				l.Kids = append(l.Kids, xKid{loop: c})
			case "segment":
				s := new(xSegment)
				err = d.DecodeElement(s, &t)
				l.Kids = append(l.Kids, xKid{seg: s})
			case "name":
				err = d.DecodeElement(&l.Name, &t)
			case "usage":
				err = d.DecodeElement(&l.Usage, &t)
			case "repeat":
				err = d.DecodeElement(&l.Repeat, &t)
			default:
				err = d.Skip()
			}
			if err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// count parses a repeat or max_use: ">1" is unbounded (0).
func count(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, ">") {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("bad repeat count %q", s)
	}
	return n, nil
}

func seqNum(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("bad seq %q", s)
	}
	return n, nil
}

type xDataElements struct {
	Elements []struct {
		Num  string `xml:"ele_num,attr"`
		Type string `xml:"data_type,attr"`
		Min  int    `xml:"min_len,attr"`
		Max  int    `xml:"max_len,attr"`
		Name string `xml:"name,attr"`
	} `xml:"data_ele"`
}

type xCodeSets struct {
	Sets []struct {
		ID       string `xml:"id"`
		Versions []struct {
			Codes []string `xml:"code"`
		} `xml:"version"`
	} `xml:"codeset"`
}
