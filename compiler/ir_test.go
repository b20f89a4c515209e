package compiler_test

import (
	"bytes"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
)

// TestCheckoutIR pins the IR of the bundled example as JSON: any change to
// what the compiler derives shows up in review as a diff of this file.
func TestCheckoutIR(t *testing.T) {
	var outs [][]byte
	for range 2 {
		res, err := compiler.Compile("../examples/checkout", compiler.Options{Now: today})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Diags) != 0 {
			t.Fatalf("examples/checkout must check clean, got %d diagnostics; first: %v", len(res.Diags), res.Diags[0])
		}
		b, err := ir.MarshalJSON(res.Model)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatal("two compilations of examples/checkout give different IR JSON")
	}
	golden(t, "testdata/checkout.ir.json", outs[0])
}

// TestCoreExample is the acceptance test of DESIGN.md's core example: one
// error (TM301 on the webhook flow, naming vendor and cluster) and one
// warning (TM501 on forged_webhook); marking the flow leaves no error.
func TestCoreExample(t *testing.T) {
	res, err := compiler.Compile("testdata/core", compiler.Options{Now: today})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Diags) != 2 {
		t.Fatalf("want 2 diagnostics, got %d: %v", len(res.Diags), res.Diags)
	}
	d301, d501 := res.Diags[0], res.Diags[1]
	if d301.Code != "TM301" || d301.Subject.Start.Line != 95 || d301.Fix != `crosses vendor, cluster "<how trust is established>"` {
		t.Errorf("first diagnostic: %v (fix %q)", d301, d301.Fix)
	}
	if d501.Code != "TM501" || d501.Subject.Start.Line != 144 {
		t.Errorf("second diagnostic: %v", d501)
	}
	var webhook *ir.Flow
	for _, f := range res.Model.Flows {
		if f.ID == "webhook" {
			webhook = f
		}
	}
	if webhook == nil || len(webhook.Crossings) != 2 ||
		webhook.Crossings[0].Boundary.ID != "vendor" || webhook.Crossings[0].Direction != ir.Leave ||
		webhook.Crossings[1].Boundary.ID != "cluster" || webhook.Crossings[1].Direction != ir.Enter {
		t.Fatalf("webhook crossings wrong: %+v", webhook)
	}
}
