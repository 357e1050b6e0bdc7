package invariant

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/flow/organisation"
)

// Item is one stored item, read as DynamoDB returns it.
type Item map[string]types.AttributeValue

// PK is the item's partition key.
func (it Item) PK() string { return it.S(dynamo.AttrPK) }

// SK is the item's sort key.
func (it Item) SK() string { return it.S(dynamo.AttrSK) }

// S is a string attribute ("" when absent or of another type).
func (it Item) S(name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// N is a number attribute (0 when absent, of another type or not an
// integer).
func (it Item) N(name string) int64 {
	if v, ok := it[name].(*types.AttributeValueMemberN); ok {
		n, _ := strconv.ParseInt(v.Value, 10, 64)
		return n
	}
	return 0
}

// Has reports whether the attribute is present.
func (it Item) Has(name string) bool {
	_, ok := it[name]
	return ok
}

// M is a map attribute as an Item (nil when absent).
func (it Item) M(name string) Item {
	if v, ok := it[name].(*types.AttributeValueMemberM); ok {
		return v.Value
	}
	return nil
}

// Ns is a list of numbers (a counter log's times).
func (it Item) Ns(name string) []int64 {
	v, ok := it[name].(*types.AttributeValueMemberL)
	if !ok {
		return nil
	}
	out := make([]int64, 0, len(v.Value))
	for _, x := range v.Value {
		if n, ok := x.(*types.AttributeValueMemberN); ok {
			i, _ := strconv.ParseInt(n.Value, 10, 64)
			out = append(out, i)
		}
	}
	return out
}

// Table is a whole table as one consistent-enough picture: every item
// by partition, the accounts decoded, and the limits the data must keep.
// It is read once and held in memory (a bench or test table; a
// production table would be scanned per segment into the same rules).
type Table struct {
	Name   string
	Config config.Config
	// Accounts are the decoded account items, by account id.
	Accounts map[string]account.Account
	// Undecodable lists the account items that did not decode.
	Undecodable []Item
	// Organisations are the decoded organisation items, by organisation
	// id; UndecodableOrganisations lists those that did not decode.
	Organisations            map[string]organisation.Organisation
	UndecodableOrganisations []Item
	byPK                     map[string][]Item // sorted by sk
	pks                      []string          // sorted
}

// NewTable indexes items (tests build tables without DynamoDB).
func NewTable(name string, cfg config.Config, items []Item) *Table {
	t := &Table{Name: name, Config: cfg, Accounts: map[string]account.Account{}, Organisations: map[string]organisation.Organisation{}, byPK: map[string][]Item{}}
	for _, it := range items {
		pk := it.PK()
		if _, ok := t.byPK[pk]; !ok {
			t.pks = append(t.pks, pk)
		}
		t.byPK[pk] = append(t.byPK[pk], it)
		switch sk := it.SK(); {
		case strings.HasPrefix(pk, pkAccount) && sk == skAccount:
			decodeInto(it, dynamo.DecodeAccount, func(a account.Account) string { return a.ID }, t.Accounts, &t.Undecodable)
		case strings.HasPrefix(pk, pkOrg) && sk == skOrg:
			decodeInto(it, dynamo.DecodeOrganisation, func(o organisation.Organisation) string { return o.ID }, t.Organisations, &t.UndecodableOrganisations)
		}
	}
	sort.Strings(t.pks)
	for _, its := range t.byPK {
		sort.Slice(its, func(i, j int) bool { return its[i].SK() < its[j].SK() })
	}
	return t
}

// decodeInto decodes it into byID under its id, or lists it in bad when
// it does not decode.
func decodeInto[T any](it Item, decode func(map[string]types.AttributeValue) (T, error), id func(T) string, byID map[string]T, bad *[]Item) {
	v, err := decode(it)
	if err != nil {
		*bad = append(*bad, it)
		return
	}
	byID[id(v)] = v
}

// Len is the number of items.
func (t *Table) Len() int {
	n := 0
	for _, its := range t.byPK {
		n += len(its)
	}
	return n
}

// Get returns the item at pk, sk.
func (t *Table) Get(pk, sk string) (Item, bool) {
	for _, it := range t.byPK[pk] {
		if it.SK() == sk {
			return it, true
		}
	}
	return nil, false
}

// Under lists the items of partition pk whose sort key starts with
// skPrefix, in sort-key order.
func (t *Table) Under(pk, skPrefix string) []Item {
	var out []Item
	for _, it := range t.byPK[pk] {
		if strings.HasPrefix(it.SK(), skPrefix) {
			out = append(out, it)
		}
	}
	return out
}

// Each calls fn for every item whose partition key starts with pkPrefix
// (every item for ""), in key order.
func (t *Table) Each(pkPrefix string, fn func(Item)) {
	for _, pk := range t.pks {
		if strings.HasPrefix(pk, pkPrefix) {
			for _, it := range t.byPK[pk] {
				fn(it)
			}
		}
	}
}

// AccountIDs are the ids of the decoded accounts, sorted.
func (t *Table) AccountIDs() []string { return slices.Sorted(maps.Keys(t.Accounts)) }

// OrganisationIDs are the ids of the decoded organisations, sorted.
func (t *Table) OrganisationIDs() []string { return slices.Sorted(maps.Keys(t.Organisations)) }

// hasOrganisation reports whether the organisation's item exists,
// decoded or not.
func (t *Table) hasOrganisation(id string) bool {
	_, ok := t.Get(pkOrg+id, skOrg)
	return ok
}

// Read scans the whole table with strongly consistent reads, in
// segments parallel Scans, page by page.
func Read(ctx context.Context, db *dynamodb.Client, table string, cfg config.Config, segments int) (*Table, error) {
	if segments < 1 {
		segments = 1
	}
	var (
		mu    sync.Mutex
		items []Item
		errs  = make([]error, segments)
		wg    sync.WaitGroup
	)
	for seg := range segments {
		wg.Go(func() {
			p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{
				TableName: aws.String(table), ConsistentRead: aws.Bool(true),
				Segment: aws.Int32(int32(seg)), TotalSegments: aws.Int32(int32(segments)),
			})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					errs[seg] = fmt.Errorf("scan %s segment %d: %w", table, seg, err)
					return
				}
				mu.Lock()
				for _, av := range page.Items {
					items = append(items, av)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return NewTable(table, cfg, items), nil
}
