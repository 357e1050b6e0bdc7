package identity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/flow/identity"
	"github.com/portalid/portalid/internal/registry"
	"github.com/portalid/portalid/internal/task"
)

// loseFirst loses the first start: the check is written, its execution
// never starts.
type loseFirst struct {
	next identity.Workflow
	lost bool
}

var errLost = errors.New("start lost")

func (l *loseFirst) Start(ctx context.Context, name string, input any) error {
	if !l.lost {
		l.lost = true
		return errLost
	}
	return l.next.Start(ctx, name, input)
}

// TestSubmitHealsALostStart: when the start of a foreign citizen's check
// is lost, the next submission starts it, with the items of the check
// written (not of the draft as it is now), and answers
// check-in-progress.
func TestSubmitHealsALostStart(t *testing.T) {
	t.Parallel()
	w := newWorld(t, &registry.Simulator{})
	w.Identity.Workflow = &loseFirst{next: w.Identity.Workflow}
	_, _, id := w.Register(t, false)
	if _, err := w.Profiles.Save(t.Context(), id, foreigner(goodForeign, "")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Identity.Submit(t.Context(), id, true); !errors.Is(err, errLost) {
		t.Fatalf("first Submit() error = %v, want the lost start", err)
	}
	// The draft changes meanwhile: the running check keeps its items.
	if _, err := w.Profiles.Save(t.Context(), id, foreigner(goodForeign, goodSNILS)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Identity.Submit(t.Context(), id, true); !errors.Is(err, identity.ErrInProgress) {
		t.Fatalf("second Submit() error = %v, want %v", err, identity.ErrInProgress)
	}
	_, _, cur, err := w.Store.SubmitState(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	got := w.wait(t, cur.CheckID)
	if diff := cmp.Diff(`{"accountId":"`+id+`","checkId":"`+cur.CheckID+`","items":["foreign-document"]}`, got.Input); diff != "" {
		t.Errorf("healed execution input (-want +got):\n%s", diff)
	}
	if got.Status != types.ExecutionStatusSucceeded || got.Output != `{"outcome":"passed"}` {
		t.Errorf("healed execution %s %s, want SUCCEEDED passed", got.Status, got.Output)
	}
}

// TestStarterTakesAnExistingName: an execution that already has the name
// (started with another input, as by an earlier release) counts as
// started.
func TestStarterTakesAnExistingName(t *testing.T) {
	t.Parallel()
	w := newWorld(t, &registry.Simulator{})
	const name = "aaaaaaaaaaaaaaaaaaaaaaaaaa"
	// An execution of the previous input shape, for a check that does not
	// exist: its steps fail, which does not matter here.
	_, err := w.Client.StartExecution(t.Context(), &sfn.StartExecutionInput{
		StateMachineArn: aws.String(w.Machine), Name: aws.String(name), Input: aws.String(`{"accountId":"x","checkId":"` + name + `"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	s := &task.Starter{Client: w.Client, StateMachine: w.Machine}
	if err := s.Start(t.Context(), name, identity.Input{AccountID: "x", CheckID: name, Items: []string{"snils", "passport"}}); err != nil {
		t.Errorf("Start() of an existing name error = %v, want nil", err)
	}
	w.wait(t, name)
	if err := s.Start(t.Context(), name+"x", map[string]string{"not": "json for the machine"}); err != nil {
		t.Errorf("Start() of a new name error = %v", err)
	}
	w.wait(t, name+"x")
}
