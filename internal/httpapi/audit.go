package httpapi

import (
	"context"
	"log/slog"
)

// noteAccount puts the signed-in account's id (a random id, not personal
// data) on the request's one log line, so a person's requests can be
// followed through the logs of every function when an incident is
// investigated (ASVS 7.1.4, 7.2.1). The session id is left out: it is a
// part of the refresh token, which logs never hold (ASVS 7.1.1); the
// account's security events tie sessions to sign-ins.
func noteAccount(ctx context.Context, accountID string) {
	if n, ok := ctx.Value(notesKey{}).(*notes); ok {
		n.attrs = append(n.attrs, slog.String("accountId", accountID))
	}
}
