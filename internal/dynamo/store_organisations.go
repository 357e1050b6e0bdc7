package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/challenge"
	"github.com/portalid/portalid/internal/flow/organisation"
	"github.com/portalid/portalid/internal/flow/signature"
)

var _ organisation.Store = (*Store)(nil)

// An organisation (SPEC §2.5) is ORG#<id>/ORG, which holds its member
// count and the head of its audit chain, whose events are ORG#<id>/EVENT#…
// as an account's are. Each membership is two items, so that an
// organisation's members and a person's organisations are one Query each:
// ORG#<id>/MEMBER#<accountId> and ACCOUNT#<accountId>/MEMBEROF#<id> (with
// the organisation's name and numbers, which never change). OGRN#<ogrn>
// and ORGINN#<inn> (sk CLAIM) hold the organisation that claimed the
// number, written in its creation's transaction on the condition that
// they do not exist.
const (
	pkOrg            = "ORG#"
	skOrg            = "ORG"
	skMemberPrefix   = "MEMBER#"
	skMemberOfPrefix = "MEMBEROF#"
	pkOGRN           = "OGRN#"
	pkOrgINN         = "ORGINN#"
	skClaim          = "CLAIM"
)

type orgItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	Name      string `dynamodbav:"name"`
	OGRN      string `dynamodbav:"ogrn"`
	INN       string `dynamodbav:"inn"`
	HeadID    string `dynamodbav:"headId"`
	Members   int    `dynamodbav:"members"`
	CreatedAt int64  `dynamodbav:"createdAt"`
	EvSeq     int64  `dynamodbav:"evSeq"`
	EvHash    []byte `dynamodbav:"evHash"`
}

type memberItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	AccountID string `dynamodbav:"accountId"`
	Role      string `dynamodbav:"role"`
	Surname   string `dynamodbav:"surname"`
	GivenName string `dynamodbav:"givenName"`
	AddedAt   int64  `dynamodbav:"addedAt"`
	AddedBy   string `dynamodbav:"addedBy"`
}

type membershipItem struct {
	PK             string `dynamodbav:"pk"`
	SK             string `dynamodbav:"sk"`
	OrganisationID string `dynamodbav:"organisationId"`
	Name           string `dynamodbav:"name"`
	OGRN           string `dynamodbav:"ogrn"`
	INN            string `dynamodbav:"inn"`
	Role           string `dynamodbav:"role"`
	Since          int64  `dynamodbav:"since"`
}

func orgKey(id string) map[string]types.AttributeValue { return key(pkOrg+id, skOrg) }

func memberKey(orgID, accountID string) map[string]types.AttributeValue {
	return key(pkOrg+orgID, skMemberPrefix+accountID)
}

func membershipKey(accountID, orgID string) map[string]types.AttributeValue {
	return key("ACCOUNT#"+accountID, skMemberOfPrefix+orgID)
}

// putNew is a transaction item putting v, on the condition that no item
// has its key yet.
func (s *Store) putNew(v any) (types.TransactWriteItem, error) {
	av, err := attributevalue.MarshalMap(v)
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("encode organisation item: %w", err)
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: av, ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}, nil
}

// membershipPuts are the two items of a membership.
func (s *Store) membershipPuts(o organisation.Organisation, m organisation.Member) ([]types.TransactWriteItem, error) {
	var out []types.TransactWriteItem
	for _, v := range []any{
		memberItem{
			PK: pkOrg + o.ID, SK: skMemberPrefix + m.AccountID, AccountID: m.AccountID, Role: string(m.Role),
			Surname: m.Surname, GivenName: m.GivenName, AddedAt: millis(m.AddedAt), AddedBy: m.AddedBy,
		},
		membershipItem{
			PK: "ACCOUNT#" + m.AccountID, SK: skMemberOfPrefix + o.ID, OrganisationID: o.ID,
			Name: o.Name, OGRN: o.OGRN, INN: o.INN, Role: string(m.Role), Since: millis(m.AddedAt),
		},
	} {
		put, err := s.putNew(v)
		if err != nil {
			return nil, err
		}
		out = append(out, put)
	}
	return out, nil
}

// claim is the uniqueness item of an organisation's number.
func (s *Store) claim(pk, orgID string) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName:           aws.String(s.table),
		Item:                map[string]types.AttributeValue{AttrPK: str(pk), AttrSK: str(skClaim), "organisationId": str(orgID)},
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}
}

// CreateOrganisation implements organisation.Store with one
// TransactWriteItems: the challenge spent with the proof, the
// organisation, its OGRN and INN claims, the head's membership both ways,
// the organisation's first event, and the head's event (his account still
// confirmed, its chain where the event was sealed after).
func (s *Store) CreateOrganisation(ctx context.Context, c organisation.Created) error {
	o := c.Organisation
	org, err := s.putNew(orgItem{
		PK: pkOrg + o.ID, SK: skOrg, Name: o.Name, OGRN: o.OGRN, INN: o.INN, HeadID: o.HeadID,
		Members: o.Members, CreatedAt: millis(o.CreatedAt), EvSeq: o.Events.Seq, EvHash: o.Events.Hash,
	})
	if err != nil {
		return err
	}
	const ogrnAt, innAt = 2, 3 // the claims' places, for the cancellation reasons
	items := []types.TransactWriteItem{
		{Update: s.proofUpdate(c.Proof, string(event.OrganisationCreated))}, org,
		s.claim(pkOGRN+o.OGRN, o.ID), s.claim(pkOrgINN+o.INN, o.ID),
	}
	members, err := s.membershipPuts(o, c.Head)
	if err != nil {
		return err
	}
	items = append(items, members...)
	for _, e := range c.OrgEvents.Events {
		put, err := s.putEventAt(pkOrg+o.ID, e)
		if err != nil {
			return err
		}
		items = append(items, put)
	}
	person, err := s.personEvents(c.PersonEvents)
	if err != nil {
		return err
	}
	items = append(items, person...)
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	failed, conflict, ok := cancelled(err)
	switch {
	case !ok:
		return translate("create organisation", err)
	case slices.Contains(failed, 0):
		return fmt.Errorf("create organisation %s: %w", o.ID, signature.ErrChallengeUsed)
	case slices.Contains(failed, ogrnAt):
		return fmt.Errorf("create organisation %s: %w", o.ID, organisation.ErrOGRNTaken)
	case slices.Contains(failed, innAt):
		return fmt.Errorf("create organisation %s: %w", o.ID, organisation.ErrINNTaken)
	case conflict || len(failed) > 0:
		return fmt.Errorf("create organisation %s: %w", o.ID, organisation.ErrChanged)
	}
	return translate("create organisation", err)
}

// personEvents are the items of a member's events: his chain moved on,
// on the condition that it has not moved since and he is still confirmed.
func (s *Store) personEvents(ap event.Append) ([]types.TransactWriteItem, error) {
	items, err := s.appendEvents(ap.AccountID, ap.Head, ap.Events, "", map[string]types.AttributeValue{":confirmed": str(string(account.Confirmed))})
	if err != nil {
		return nil, err
	}
	u := items[0].Update
	u.ExpressionAttributeNames = map[string]string{"#lvl": "level"}
	u.ConditionExpression = aws.String(*u.ConditionExpression + " AND #lvl = :confirmed")
	return items, nil
}

// orgEvents are the items of an organisation's events: its chain moved
// on, on the condition that it has not moved since; add is added to its
// member count, cond further conditions its item.
func (s *Store) orgEvents(ap event.Append, add int, cond string, vals map[string]types.AttributeValue) ([]types.TransactWriteItem, error) {
	if vals == nil {
		vals = map[string]types.AttributeValue{}
	}
	vals[":add"] = num(int64(add))
	items, err := s.appendEventsAt(pkOrg+ap.AccountID, orgKey(ap.AccountID), ap.Head, ap.Events, "members = members + :add", vals)
	if err != nil {
		return nil, err
	}
	if cond != "" {
		u := items[0].Update
		u.ConditionExpression = aws.String(*u.ConditionExpression + " AND " + cond)
	}
	return items, nil
}

// AddMemberState implements organisation.Store with two BatchGetItems:
// the organisation, the requester's membership, the SNILS claim and the
// head's counter of additions; then
// the candidate's account and membership (a decoy's for an unknown SNILS).
func (s *Store) AddMemberState(ctx context.Context, orgID, requesterID, snilsIndex, addsKey string) (organisation.AddState, error) {
	var st organisation.AddState
	_, logs, items, err := s.lookup(ctx, nil, []string{addsKey},
		orgKey(orgID), memberKey(orgID, requesterID), key(pkSNILS+snilsIndex, skContact))
	if err != nil {
		return st, fmt.Errorf("read organisation %s: %w", orgID, err)
	}
	st.Adds = logs[addsKey]
	var candidate string
	for _, av := range items {
		switch pk, sk := pkOf(av), skOf(av); {
		case sk == skOrg:
			st.Organisation, err = decodeOrg(av)
		case strings.HasPrefix(sk, skMemberPrefix):
			st.Requester, err = decodeMember(av, orgID)
		case strings.HasPrefix(pk, pkSNILS):
			if v, ok := av["accountId"].(*types.AttributeValueMemberS); ok {
				candidate = v.Value
			}
		}
		if err != nil {
			return st, err
		}
	}
	if st.Organisation.ID == "" || st.Requester == nil {
		return st, nil
	}
	// An unknown SNILS reads an account that cannot exist (no id has a
	// dash), so that it costs the round trip a known one does: the time
	// of the answer does not tell them apart either.
	if candidate == "" {
		candidate = decoyAccount
	}
	items, err = s.batchGet(ctx, []map[string]types.AttributeValue{accountKey(candidate), memberKey(orgID, candidate)})
	if err != nil {
		return st, fmt.Errorf("read member of %s: %w", orgID, err)
	}
	for _, av := range items {
		if skOf(av) == skAccount {
			a, err := fromAccountItem(av)
			if err != nil {
				return st, err
			}
			st.Candidate = &a
		} else if st.Existing, err = decodeMember(av, orgID); err != nil {
			return st, err
		}
	}
	return st, nil
}

// decoyAccount is an account id no account has.
const decoyAccount = "-"

// AddMember implements organisation.Store with one TransactWriteItems:
// the organisation's count and chain (below max members), its event, the
// membership both ways, the member's event and the head's counted attempt.
func (s *Store) AddMember(ctx context.Context, c organisation.Change, max int, adds challenge.LogWrite) error {
	items, err := s.orgEvents(c.OrgEvents, 1, "members < :max", map[string]types.AttributeValue{":max": num(int64(max))})
	if err != nil {
		return err
	}
	if items, err = s.putLogs(items, []challenge.LogWrite{adds}); err != nil {
		return err
	}
	puts, err := s.membershipPuts(c.Organisation, c.Member)
	if err != nil {
		return err
	}
	person, err := s.personEvents(c.PersonEvents)
	if err != nil {
		return err
	}
	items = append(append(items, puts...), person...)
	return s.transact(ctx, "add organisation member", items, organisation.ErrChanged)
}

// CountAddition implements organisation.Store with one conditional
// PutItem of the head's counter of additions.
func (s *Store) CountAddition(ctx context.Context, adds challenge.LogWrite) error {
	return s.writeLog(ctx, "count organisation member addition", adds, organisation.ErrChanged)
}

// RemoveMemberState implements organisation.Store with one BatchGetItem:
// the organisation, both memberships and the target's account.
func (s *Store) RemoveMemberState(ctx context.Context, orgID, requesterID, targetID string) (organisation.RemoveState, error) {
	var st organisation.RemoveState
	keys := []map[string]types.AttributeValue{orgKey(orgID), memberKey(orgID, requesterID), accountKey(targetID)}
	if targetID != requesterID { // a batch takes each key once
		keys = append(keys, memberKey(orgID, targetID))
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return st, fmt.Errorf("read organisation %s: %w", orgID, err)
	}
	for _, av := range items {
		var m *organisation.Member
		switch sk := skOf(av); {
		case sk == skOrg:
			st.Organisation, err = decodeOrg(av)
		case sk == skAccount:
			var a account.Account
			a, err = fromAccountItem(av)
			st.Account = &a
		default:
			if m, err = decodeMember(av, orgID); err == nil {
				if m.AccountID == requesterID {
					st.Requester = m
				}
				if m.AccountID == targetID {
					st.Target = m
				}
			}
		}
		if err != nil {
			return st, err
		}
	}
	return st, nil
}

// RemoveMember implements organisation.Store with one TransactWriteItems:
// the organisation's count and chain, its event, the membership's two
// items deleted (they must exist), and the member's event.
func (s *Store) RemoveMember(ctx context.Context, c organisation.Change) error {
	items, err := s.orgEvents(c.OrgEvents, -1, "", nil)
	if err != nil {
		return err
	}
	for _, k := range []map[string]types.AttributeValue{
		memberKey(c.Organisation.ID, c.Member.AccountID), membershipKey(c.Member.AccountID, c.Organisation.ID),
	} {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{
			TableName: aws.String(s.table), Key: k, ConditionExpression: aws.String("attribute_exists(pk)"),
		}})
	}
	person, err := s.appendEvents(c.PersonEvents.AccountID, c.PersonEvents.Head, c.PersonEvents.Events, "", nil)
	if err != nil {
		return err
	}
	items = append(items, person...)
	return s.transact(ctx, "remove organisation member", items, organisation.ErrChanged)
}

// OrganisationOf implements organisation.Store with one BatchGetItem.
func (s *Store) OrganisationOf(ctx context.Context, orgID, accountID string) (organisation.Organisation, *organisation.Member, error) {
	var (
		o organisation.Organisation
		m *organisation.Member
	)
	items, err := s.batchGet(ctx, []map[string]types.AttributeValue{orgKey(orgID), memberKey(orgID, accountID)})
	if err != nil {
		return o, nil, fmt.Errorf("read organisation %s: %w", orgID, err)
	}
	for _, av := range items {
		if skOf(av) == skOrg {
			o, err = decodeOrg(av)
		} else {
			m, err = decodeMember(av, orgID)
		}
		if err != nil {
			return o, nil, err
		}
	}
	return o, m, nil
}

// MemberOf implements organisation.Store with one GetItem.
func (s *Store) MemberOf(ctx context.Context, orgID, accountID string) (*organisation.Member, error) {
	m, err := getItem(ctx, s, "read organisation member", memberKey(orgID, accountID),
		func(av map[string]types.AttributeValue) (*organisation.Member, error) { return decodeMember(av, orgID) }, errNoMember)
	if errors.Is(err, errNoMember) {
		return nil, nil
	}
	return m, err
}

var errNoMember = errors.New("no membership")

// Memberships implements organisation.Store with one Query (a page per
// MB of items).
func (s *Store) Memberships(ctx context.Context, accountID string) ([]organisation.Membership, error) {
	var out []organisation.Membership
	err := s.queryPrefix(ctx, "ACCOUNT#"+accountID, skMemberOfPrefix, func(av map[string]types.AttributeValue) error {
		var it membershipItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return fmt.Errorf("decode membership: %w", err)
		}
		out = append(out, organisation.Membership{
			Organisation: organisation.Organisation{ID: it.OrganisationID, Name: it.Name, OGRN: it.OGRN, INN: it.INN},
			Role:         organisation.Role(it.Role), Since: fromMillis(it.Since),
		})
		return nil
	})
	return out, err
}

// Members implements organisation.Store with one Query (a page per MB
// of items), the head first, then by the time they were added.
func (s *Store) Members(ctx context.Context, orgID string) ([]organisation.Member, error) {
	var out []organisation.Member
	err := s.queryPrefix(ctx, pkOrg+orgID, skMemberPrefix, func(av map[string]types.AttributeValue) error {
		m, err := decodeMember(av, orgID)
		if err == nil {
			out = append(out, *m)
		}
		return err
	})
	slices.SortStableFunc(out, func(a, b organisation.Member) int {
		switch {
		case a.Role == organisation.Head && b.Role != organisation.Head:
			return -1
		case b.Role == organisation.Head && a.Role != organisation.Head:
			return 1
		}
		return a.AddedAt.Compare(b.AddedAt)
	})
	return out, err
}

// OrganisationEvents implements organisation.Store with one Query.
func (s *Store) OrganisationEvents(ctx context.Context, orgID string, before int64, limit int) ([]event.Event, error) {
	return s.eventsAt(ctx, pkOrg+orgID, orgID, before, limit)
}

// queryPrefix calls each for every item of partition pk whose sort key
// begins with prefix, page by page, with strongly consistent reads.
func (s *Store) queryPrefix(ctx context.Context, pk, prefix string, each func(map[string]types.AttributeValue) error) error {
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName: aws.String(s.table), KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk), ":prefix": str(prefix)},
		ConsistentRead:            aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return translate("query "+strings.TrimSuffix(prefix, "#"), err)
		}
		for _, av := range page.Items {
			if err := each(av); err != nil {
				return err
			}
		}
	}
	return nil
}

func decodeOrg(av map[string]types.AttributeValue) (organisation.Organisation, error) {
	var it orgItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return organisation.Organisation{}, fmt.Errorf("decode organisation: %w", err)
	}
	return organisation.Organisation{
		ID: strings.TrimPrefix(it.PK, pkOrg), Name: it.Name, OGRN: it.OGRN, INN: it.INN, HeadID: it.HeadID,
		Members: it.Members, CreatedAt: fromMillis(it.CreatedAt), Events: event.Head{Seq: it.EvSeq, Hash: it.EvHash},
	}, nil
}

func decodeMember(av map[string]types.AttributeValue, orgID string) (*organisation.Member, error) {
	var it memberItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return nil, fmt.Errorf("decode organisation member: %w", err)
	}
	return &organisation.Member{
		OrganisationID: orgID, AccountID: it.AccountID, Role: organisation.Role(it.Role),
		Surname: it.Surname, GivenName: it.GivenName, AddedAt: fromMillis(it.AddedAt), AddedBy: it.AddedBy,
	}, nil
}

func skOf(av map[string]types.AttributeValue) string {
	sk, _ := av[AttrSK].(*types.AttributeValueMemberS)
	if sk == nil {
		return ""
	}
	return sk.Value
}
