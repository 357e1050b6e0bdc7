package invariant

import (
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/config"
)

// FuzzCheck feeds the rules items of any keys and attribute values: a
// scan must report, never panic, whatever the table holds.
func FuzzCheck(f *testing.F) {
	f.Add("ACCOUNT#a", "ACCOUNT", "level", "confirmed", int64(3))
	f.Add("ACCOUNT#a", "EVENT#000000000001", "kind", "level-changed", int64(1))
	f.Add("PHONE#x", "CONTACT", "accountId", "a", int64(0))
	f.Add("RATE#send#x", "RATE", "times", "", int64(-1))
	f.Add("REG#r", "REG", "ch", "phone", int64(9))
	f.Add("ORG#o", "ORG", "members", "3", int64(2))
	f.Add("ORG#o", "MEMBER#a", "role", "head", int64(1))
	f.Add("ACCOUNT#a", "MEMBEROF#o", "organisationId", "o", int64(0))
	f.Add("OGRN#1", "CLAIM", "organisationId", "o", int64(0))
	f.Add("ORG#o", "EVENT#000000000001", "kind", "organisation-created", int64(1))
	f.Fuzz(func(t *testing.T, pk, sk, attr, value string, num int64) {
		items := []Item{
			{"pk": s(pk), "sk": s(sk), attr: s(value), "n": n(num)},
			{"pk": s(pk), "sk": s(sk + "#"), attr: &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{value: n(num)}}},
			{"pk": s("ACCOUNT#" + value), "sk": s("ACCOUNT"), "level": s(value), "contacts": &types.AttributeValueMemberL{}},
			{"pk": s(pk), "sk": s("ACCOUNT"), "times": &types.AttributeValueMemberL{Value: []types.AttributeValue{n(num), s(value)}}},
		}
		vs := Check(NewTable("fuzz", config.Defaults(), items))
		for _, v := range vs {
			if v.Rule == "" {
				t.Errorf("violation %v without its rule", v)
			}
		}
	})
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}
