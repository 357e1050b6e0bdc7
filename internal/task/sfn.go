package task

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/portalid/portalid/internal/flow/identity"
)

// Starter starts executions of one state machine, named by the caller:
// Step Functions Standard makes a start with the same name and input a
// no-op, so a retried request starts nothing twice. Names are the ids of
// what the execution runs for (a check id), so an execution that already
// has the name (ExecutionAlreadyExists: another input, e.g. one started
// by an earlier release, or one that has ended) is that one, started.
type Starter struct {
	Client       *sfn.Client
	StateMachine string // ARN
}

var _ identity.Workflow = (*Starter)(nil)

// Start implements identity.Workflow.
func (s *Starter) Start(ctx context.Context, name string, input any) error {
	b, err := json.Marshal(input)
	if err != nil {
		return fmt.Errorf("encode execution input %s: %w", name, err)
	}
	_, err = s.Client.StartExecution(ctx, &sfn.StartExecutionInput{
		StateMachineArn: aws.String(s.StateMachine), Name: aws.String(name), Input: aws.String(string(b)),
	})
	var exists *types.ExecutionAlreadyExists
	if errors.As(err, &exists) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("start execution %s: %w", name, err)
	}
	return nil
}
