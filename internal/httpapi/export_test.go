package httpapi

// Idempotent and StatusOf let the contract tests compare api/openapi.yaml
// with the code: which routes honour an Idempotency-Key, and the status
// each fault kind is answered with.
var (
	Idempotent = idempotent
	StatusOf   = statusOf
)
