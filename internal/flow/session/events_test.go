package session_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/portalid/portalid/internal/event"
	"github.com/portalid/portalid/internal/flow/session"
)

func TestEventsListVerifyAndNotMe(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	phone := e.register(t)
	_, _ = e.login(t, phone, "Wrong-password-1", ip)
	tk, err := e.login(t, phone, password, ip)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.flow.Authenticate(ctx, "Bearer "+tk.AccessToken, session.Client{IP: ip, UserAgent: "tests"})
	if err != nil {
		t.Fatal(err)
	}
	page, err := e.settings.Events(ctx, p.Account, "", 2)
	if err != nil {
		t.Fatalf("Events() error = %v", err)
	}
	if len(page.Events) != 2 || page.Events[0].Kind != event.Login || page.Events[1].Kind != event.LoginFailed || page.Next == "" {
		t.Fatalf("first page = %+v, want login then login-failed and a cursor", page)
	}
	rest, err := e.settings.Events(ctx, p.Account, page.Next, 2)
	if err != nil || len(rest.Events) != 1 || rest.Events[0].Kind != event.AccountCreated || rest.Next != "" {
		t.Fatalf("second page = %+v, %v; want account-created and no cursor", rest, err)
	}
	for _, ev := range append(page.Events, rest.Events...) {
		if ev.IP == "" || ev.At.IsZero() {
			t.Errorf("event %d lacks its time or address", ev.Seq)
		}
	}
	if broken, err := e.settings.Verify(ctx, p.Account); err != nil || broken != 0 {
		t.Fatalf("Verify() = %d, %v; want intact", broken, err)
	}

	// Someone edits event 2 in the table: the chain shows where.
	_, err = e.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(e.table),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "ACCOUNT#" + p.Account.ID}, "sk": &types.AttributeValueMemberS{Value: "EVENT#000000000002"},
		},
		UpdateExpression:          aws.String("SET kind = :k"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": &types.AttributeValueMemberS{Value: "login"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if broken, err := e.settings.Verify(ctx, p.Account); err != nil || broken != 2 {
		t.Errorf("Verify() after an edit = %d, %v; want broken at 2", broken, err)
	}

	// "This was not me": every session ends; sign-in needs a reset.
	if err := e.settings.NotMe(ctx, p.Account, "2", p.Client); err != nil {
		t.Fatalf("NotMe() error = %v", err)
	}
	if _, err := e.flow.Authenticate(ctx, "Bearer "+tk.AccessToken, session.Client{}); !errors.Is(err, session.ErrSessionInvalid) {
		t.Errorf("Authenticate() after not-me = %v, want %v", err, session.ErrSessionInvalid)
	}
	e.clock.Advance(time.Second)
	if _, err := e.login(t, phone, password, ip); !errors.Is(err, session.ErrResetRequired) {
		t.Errorf("Login() after not-me = %v, want %v", err, session.ErrResetRequired)
	}
	if err := e.settings.NotMe(ctx, p.Account, "99", p.Client); err == nil {
		t.Errorf("NotMe(unknown event) = nil, want event-not-found")
	}
}
