package site

import (
	"html/template"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// The page of each data asset: what it is, where it is stored and
// processed, the flows that carry it and the crossings they make, and the
// open threats and findings that expose it (the data breach view).

type dataFlowRow struct {
	ID, Label, URL, Protocol string
	From, To                 link
	Crossings                []crossingChip
}

type dataBoundary struct {
	Link     link
	Trust    string
	Unmarked int
}

// A dataCrossing is one boundary a flow carrying a data asset crosses.
type dataCrossing struct {
	Boundary link
	reportCrossing
}

type dataData struct {
	ID, Name, Class string
	Flags           []string
	Props           []prop
	Description     template.HTML
	StoredBy        []elementItem
	ProcessedBy     []elementItem
	Flows           []dataFlowRow
	Crossings       []dataCrossing // every crossing of a flow that carries it
	Boundaries      []dataBoundary
	Exposed         []threatRow // open threats and findings on what stores, processes or carries it
}

func (b *builder) dataPages() error {
	carriers := b.carriers()
	for _, x := range b.m.Data {
		if x == nil {
			continue
		}
		pc := b.pctx("../")
		d := &dataData{ID: x.ID, Name: title(x.Name, x.ID), Class: x.Classification, Flags: dataFlags(x),
			Description: pc.markdown(x.Description, "md-", fileDir(x.Range))}
		d.Props = []prop{{Key: "Classification", Value: x.Classification}, {Key: "PII", Value: yesNo(x.PII)},
			{Key: "Credentials", Value: yesNo(x.Credentials)}, {Key: "Tenant-scoped", Value: yesNo(x.TenantScoped)}}
		if x.Integrity != "" {
			d.Props = append(d.Props, prop{Key: "Integrity", Value: words(x.Integrity)})
		}
		if x.Availability != "" {
			d.Props = append(d.Props, prop{Key: "Availability", Value: words(x.Availability)})
		}
		d.Props = append(d.Props, prop{Key: "Owner", Value: x.Owner}, pc.sourceProp(x.Range))
		flows := carriers[x]
		for _, f := range flows {
			d.Flows = append(d.Flows, dataFlowRow{ID: f.ID, Label: flowTitle(f), URL: pc.url(kindFlow, f.ID), Protocol: f.Protocol,
				From: pc.elementLink(f.From), To: pc.elementLink(f.To), Crossings: pc.crossings(f)})
		}
		unmarked := map[*ir.Boundary]int{}
		for _, f := range flows {
			for _, c := range f.Crossings {
				if c != nil && c.Boundary != nil && c.Mark == nil {
					unmarked[c.Boundary]++
				}
			}
		}
		for _, bd := range b.crossedBy(flows) {
			d.Boundaries = append(d.Boundaries, dataBoundary{pc.boundaryLink(bd), bd.Trust, unmarked[bd]})
		}
		for _, f := range flows {
			for _, c := range f.Crossings {
				if c == nil || c.Boundary == nil {
					continue
				}
				r := reportCrossing{Flow: pc.flowLink(f), From: pc.elementLink(f.From), To: pc.elementLink(f.To), Verb: crossingVerb(c.Direction)}
				if c.Mark != nil {
					r.Reason = c.Mark.Reason
				}
				d.Crossings = append(d.Crossings, dataCrossing{pc.boundaryLink(c.Boundary), r})
			}
		}
		// Where it rests and is worked on, and the open threats and
		// findings on those places and on the flows that carry it.
		exposed := map[ir.Target]bool{}
		for _, e := range b.m.Elements {
			if e == nil {
				continue
			}
			if hasData(e.Stores, x) {
				d.StoredBy = append(d.StoredBy, elementItem{pc.elementLink(e), e.Kind})
				exposed[ir.Target{Element: e}] = true
			}
			if hasData(e.Processes, x) {
				d.ProcessedBy = append(d.ProcessedBy, elementItem{pc.elementLink(e), e.Kind})
				exposed[ir.Target{Element: e}] = true
			}
		}
		for _, f := range flows {
			exposed[ir.Target{Flow: f}] = true
		}
		var ts []*ir.Threat
		for _, t := range b.m.Threats {
			if t != nil && t.Status == ir.Open && exposed[t.Target] {
				ts = append(ts, t)
			}
		}
		var fs []*ir.Finding
		for _, f := range b.m.Findings {
			if f != nil && f.Status == ir.Open && b.listed(f) && exposed[f.Target] {
				fs = append(fs, f)
			}
		}
		d.Exposed = pc.riskRows(ts, fs)
		crumbs := []link{{"Overview", "../index.html#data"}}
		b.addSearch(d.Name, kindData, x.ID, pagePath(kindData, x.ID), x.Classification, strings.Join(dataFlags(x), " "), x.Owner, x.Description)
		if err := b.render(pagePath(kindData, x.ID), &page{Kind: kindData, Root: "../", Title: d.Name, Crumbs: crumbs, D: d}); err != nil {
			return err
		}
	}
	return nil
}

func hasData(ds []*ir.Data, x *ir.Data) bool {
	for _, d := range ds {
		if d == x {
			return true
		}
	}
	return false
}
