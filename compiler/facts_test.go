package compiler_test

import (
	"bytes"
	"slices"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
)

// compileTxtar compiles the model files of a testdata/checks case.
func compileTxtar(t *testing.T, path string) *compiler.Result {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tree := compiler.Tree{}
	for _, f := range ar.Files {
		if f.Name != "diagnostics" {
			tree[f.Name] = f.Data
		}
	}
	src, err := compiler.LoadTree("model", tree)
	if err != nil {
		t.Fatal(err)
	}
	return compiler.CompileSource(src, compiler.Options{Now: today})
}

// TestFactsLowered checks that every fact of testdata/checks/facts.txtar
// reaches the IR and model.json.
func TestFactsLowered(t *testing.T) {
	res := compileTxtar(t, "testdata/checks/facts.txtar")
	if len(res.Diags) > 0 {
		t.Fatalf("facts.txtar does not check clean: %v", res.Diags)
	}
	m := res.Model
	el := map[string]*ir.Element{}
	for _, e := range m.Elements {
		el[e.ID] = e
	}
	fl := map[string]*ir.Flow{}
	for _, f := range m.Flows {
		fl[f.ID] = f
	}
	ids := func(ds []*ir.Data) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return out
	}
	api, db, worker := el["shop.api"], el["shop.db"], el["shop.worker"]
	if api.Technology != "api" || api.Tech != "Go" || !api.CustomDeveloped || api.Criticality != "critical" ||
		!slices.Equal(api.Accepts, []string{"json", "form_data"}) || !slices.Equal(ids(api.Processes), []string{"order", "card"}) {
		t.Errorf("shop.api: %+v", api)
	}
	if db.Technology != "database" || !slices.Equal(ids(db.Stores), []string{"order", "card"}) || db.Criticality != "mission_critical" {
		t.Errorf("shop.db: %+v", db)
	}
	if len(m.Runtimes) != 1 || m.Runtimes[0].Type != "node_pool" || api.RunsOn != m.Runtimes[0] || worker.RunsOn != m.Runtimes[0] ||
		len(m.Runtimes[0].Elements) != 2 || m.Runtimes[0].Owner != "platform" {
		t.Errorf("runtimes: %+v", m.Runtimes)
	}
	if el["crm"].OutOfScope != "operated and assessed by the vendor" || api.OutOfScope != "" {
		t.Errorf("out_of_scope: %q %q", el["crm"].OutOfScope, api.OutOfScope)
	}
	for _, d := range m.Data {
		if d.ID == "card" && (d.Integrity != "critical" || d.Availability != "important") {
			t.Errorf("card: %+v", d)
		}
	}
	if ir.Rating("mission_critical") != 5 || ir.Rating("archive") != 1 || ir.Rating("x") != 0 {
		t.Error("ir.Rating")
	}
	call, reply, ops := fl["call"], fl["reply"], fl["ops"]
	if call.Authentication != "token" || call.AuthenticationDerived || call.Auth != "token" || call.Authorization != "end_user_identity" || call.Usage != "business" {
		t.Errorf("call: %+v", call)
	}
	if reply.ResponseTo != call || !reply.Readonly || call.ResponseTo != nil {
		t.Errorf("reply: %+v", reply)
	}
	if !ops.VPN || !ops.IPFiltered || ops.Usage != "devops" || ops.Authentication != "client_certificate" {
		t.Errorf("ops: %+v", ops)
	}
	types := map[string]string{}
	for _, b := range m.Boundaries {
		types[b.ID] = b.Type
	}
	if types["net"] != "network" || types["vpc"] != "cloud_account" || types["vpc.app"] != "network_segment" {
		t.Errorf("boundary types: %v", types)
	}
	js, err := ir.MarshalJSON(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"technology": "api"`, `"stores": [`, `"runs_on": "pool"`, `"response_to": "call"`,
		`"integrity": "critical"`, `"authorization": "end_user_identity"`, `"type": "node_pool"`, `"out_of_scope": "operated`} {
		if !bytes.Contains(js, []byte(want)) {
			t.Errorf("model.json lacks %s", want)
		}
	}
}

// TestAuthMigration checks what a free-text auth becomes.
func TestAuthMigration(t *testing.T) {
	res := compileTxtar(t, "testdata/checks/auth_migration.txtar")
	want := map[string][3]string{ // flow -> auth, authentication, derived
		"a->b": {"jwt", "token", "derived"},
		"b->a": {"anonymous", "none", "derived"},
		"a->c": {"API key", "credentials", "derived"},
		"c->a": {"node IAM role", "", ""},
		"a->d": {"per-service role", "credentials", ""},
		"d->a": {"no auth", "none", "derived"},
		"a->e": {"mtls", "mtls", ""},
	}
	for _, f := range res.Model.Flows {
		w, ok := want[f.ID]
		if !ok {
			t.Errorf("unexpected flow %q", f.ID)
			continue
		}
		derived := ""
		if f.AuthenticationDerived {
			derived = "derived"
		}
		if got := [3]string{f.Auth, f.Authentication, derived}; got != w {
			t.Errorf("%s: got %q, want %q", f.ID, got, w)
		}
	}
	for in, out := range map[string]string{"JWT": "token", "OAuth 2": "token", "basic-auth": "credentials", "Session_Cookie": "session",
		"mTLS": "mtls", "client cert": "client_certificate", "MFA": "two_factor", "SSO": "externalized", "unauthenticated": "none",
		"none": "none", "two_factor": "two_factor", "per-service role": "", "": ""} {
		if got := compiler.AuthenticationFor(in); got != out {
			t.Errorf("AuthenticationFor(%q) = %q, want %q", in, got, out)
		}
	}
}
