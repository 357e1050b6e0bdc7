package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/flow/operator"
	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/local"
)

// operators makes the local operator credential on first use
// (.local/operators.json with the secret's hash, .local/operator-secret
// with the secret) and registers every operator of the file in the table,
// as an administrator puts the OPERATOR#<principal ARN> items in AWS. It
// returns the gateway's stand-in for the IAM authorizer of the operator
// routes, and the secret when it was just made ("" otherwise).
func operators(ctx context.Context, state string, store *dynamo.Store) (*local.OperatorAuthorizer, string, error) {
	path := filepath.Join(state, "operators.json")
	secret, err := local.GenerateOperators(path, filepath.Join(state, "operator-secret"))
	if err != nil {
		return nil, "", err
	}
	creds, err := local.LoadOperators(path)
	if err != nil {
		return nil, "", err
	}
	for _, c := range creds {
		if err := store.PutOperator(ctx, c.Principal, operator.Operator{ID: c.OperatorID, Centre: c.CentreID}); err != nil {
			return nil, "", fmt.Errorf("register operator %s: %w", c.OperatorID, err)
		}
	}
	return local.NewOperatorAuthorizer(creds, httpapi.IAMRoute), secret, nil
}

// operatorBanner says where the operator credential is.
func operatorBanner(w io.Writer, state, secret string) {
	fresh := ""
	if secret != "" {
		fresh = " (new)"
	}
	fmt.Fprintf(w, "Operator routes: Authorization: Operator $(cat %s)%s\n\n", filepath.Join(state, "operator-secret"), fresh)
}
