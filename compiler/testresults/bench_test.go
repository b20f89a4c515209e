package testresults

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// bigGoJSON is go test -json output of n tests in n/50 packages: run,
// two output lines and a result each, as a large Go repository writes.
func bigGoJSON(n int) []byte {
	var b strings.Builder
	t0 := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		pkg := fmt.Sprintf("example.com/shop/services/s%d", i/50)
		ts := t0.Add(time.Duration(i) * time.Millisecond).Format(time.RFC3339Nano)
		action := "pass"
		if i%97 == 0 {
			action = "fail"
		}
		fmt.Fprintf(&b, `{"Time":%q,"Action":"run","Package":%q,"Test":"Test%d"}`+"\n", ts, pkg, i)
		fmt.Fprintf(&b, `{"Time":%q,"Action":"output","Package":%q,"Test":"Test%d","Output":"=== RUN   Test%d\n"}`+"\n", ts, pkg, i, i)
		fmt.Fprintf(&b, `{"Time":%q,"Action":"output","Package":%q,"Test":"Test%d","Output":"--- PASS: Test%d (0.00s)\n"}`+"\n", ts, pkg, i, i)
		fmt.Fprintf(&b, `{"Time":%q,"Action":%q,"Package":%q,"Test":"Test%d","Elapsed":0}`+"\n", ts, action, pkg, i)
	}
	return []byte(b.String())
}

// bigJUnit is one JUnit XML file of n test cases in n/50 classes.
func bigJUnit(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<testsuites>\n")
	for i := 0; i < n; i++ {
		if i%50 == 0 {
			if i > 0 {
				b.WriteString("</testsuite>\n")
			}
			fmt.Fprintf(&b, `<testsuite name="com.example.s%d.ServiceTest" timestamp="2026-12-05T09:00:00" tests="50">`+"\n", i/50)
		}
		fmt.Fprintf(&b, `  <testcase name="test%d" classname="com.example.s%d.ServiceTest" time="0.001">`, i, i/50)
		if i%97 == 0 {
			b.WriteString(`<failure message="expected 1">trace</failure>`)
		}
		b.WriteString("</testcase>\n")
	}
	b.WriteString("</testsuite>\n</testsuites>\n")
	return []byte(b.String())
}

func BenchmarkParseGoJSON10k(b *testing.B) {
	data := bigGoJSON(10_000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := Parse("r.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseJUnit10k(b *testing.B) {
	data := bigJUnit(10_000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := Parse("r.xml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatch200x10k matches the 200 tests of a model against 10,000
// results.
func BenchmarkMatch200x10k(b *testing.B) {
	var r Results
	if err := r.Add("r.json", bigGoJSON(10_000), time.Time{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for i := 0; i < 200; i++ {
			r.Match(fmt.Sprintf("services/s%d/x_test.go", i), fmt.Sprintf("Test%d", i*50))
		}
	}
}
