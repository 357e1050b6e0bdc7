package task

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/portalid/portalid/internal/flow/identity"
)

// Starter starts executions of one state machine, named by the caller:
// Step Functions Standard makes a start with the same name and input a
// no-op, so a retried request starts nothing twice.
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
	if err != nil {
		return fmt.Errorf("start execution %s: %w", name, err)
	}
	return nil
}
