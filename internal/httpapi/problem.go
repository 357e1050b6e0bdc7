package httpapi

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/fault"
)

// ProblemBase is the URI prefix of every problem type; the slug completes
// it, so "code-expired" is ProblemBase+"code-expired".
const ProblemBase = "https://portalid.example/problems/"

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type      string        `json:"type"`
	Title     string        `json:"title"`
	Status    int           `json:"status"`
	Detail    string        `json:"detail,omitempty"`
	RequestID string        `json:"requestId,omitempty"`
	Errors    []fault.Field `json:"errors,omitempty"`
}

var statusOf = map[fault.Kind]int{
	fault.Invalid:         http.StatusBadRequest,
	fault.Conflict:        http.StatusConflict,
	fault.NotFound:        http.StatusNotFound,
	fault.Unauthenticated: http.StatusUnauthorized,
	fault.Forbidden:       http.StatusForbidden,
	fault.RateLimited:     http.StatusTooManyRequests,
	fault.Unavailable:     http.StatusServiceUnavailable,
	fault.TooLarge:        http.StatusRequestEntityTooLarge,
}

// titles are fixed, human-readable summaries per slug; they never vary with
// the input. A slug without an entry falls back to its kind's title.
var titles = map[string]string{
	"validation-failed":               "The request has invalid fields",
	"malformed-json":                  "The request body is not valid JSON",
	"unsupported-media-type":          "The request body must be application/json",
	"body-too-large":                  "The request body is too large",
	"route-not-found":                 "No such resource",
	"method-not-allowed":              "Method not allowed on this resource",
	"internal":                        "Internal error",
	"registration-not-found":          "No such registration, or it has expired",
	"registration-completed":          "This registration is already complete",
	"registration-busy":               "Too many concurrent requests for this registration; try again",
	"send-limit-reached":              "Too many codes sent; try again later",
	"resend-too-soon":                 "A new code can be sent a little later",
	"code-mismatch":                   "The code is not correct",
	"code-expired":                    "The code has expired; request a new one",
	"code-attempts-exhausted":         "Too many wrong attempts; request a new code",
	"code-superseded":                 "A newer code was sent; use the latest one",
	"contact-already-confirmed":       "This contact is already confirmed",
	"contact-not-confirmed":           "Confirm a phone or e-mail first",
	"contact-taken":                   "This contact belongs to another account",
	"idempotency-key-invalid":         "The Idempotency-Key header must be 1 to 255 printable ASCII characters",
	"idempotency-key-reused":          "This Idempotency-Key was used for a different request",
	"idempotency-request-in-progress": "A request with this Idempotency-Key is still being processed",
	"login-invalid":                   "Sign in with a phone, an e-mail or a SNILS",
	"login-failed":                    "Wrong login or password",
	"login-locked":                    "Too many failed sign-ins; try again later",
	"login-rate-limited":              "Too many failed sign-ins from this address; try again later",
	"password-reset-required":         "Reset your password before signing in",
	"refresh-token-invalid":           "The refresh token is not valid; sign in again",
	"refresh-token-reused":            "This refresh token was already used; every session of it has been ended",
	"session-invalid":                 "The session has ended; sign in again",
	"authentication-required":         "Sign in first: send a bearer access token",
	"token-invalid":                   "The access token is not valid",
	"token-expired":                   "The access token has expired; refresh it",
	"profile-changed":                 "The profile changed meanwhile; try again",
	"consent-required":                "Consent to the registry check is required",
	"check-in-progress":               "A registry check is already running",
	"check-not-found":                 "No such registry check",
	"check-busy":                      "Too many concurrent requests for this check; try again",
	"snils-taken":                     "This SNILS belongs to another account",
	"passport-taken":                  "This passport belongs to another account",
	"challenge-not-found":             "No such signature challenge",
	"challenge-expired":               "The challenge has expired; request a new one",
	"challenge-used":                  "This challenge was already used; request a new one",
	"signature-invalid":               "The signature is not valid for this challenge",
	"signature-algorithm-unsupported": "The signature's algorithm is not supported",
	"certificate-untrusted":           "The certificate is not issued by an accredited certification authority",
	"certificate-expired":             "The certificate has expired",
	"certificate-not-yet-valid":       "The certificate is not valid yet",
	"certificate-usage-invalid":       "The certificate is not for electronic signatures",
	"certificate-subject-invalid":     "The certificate's subject is malformed",
	"certificate-subject-mismatch":    "The certificate names another person",
	"signature-busy":                  "Too many concurrent requests for this account; try again",
	"event-not-found":                 "No such event",
	"account-not-found":               "No such account",
	"storage-unavailable":             "The service is temporarily unavailable",
	"notification-unavailable":        "The message could not be sent now; try again shortly",
	"recovery-not-found":              "No such recovery, or it has expired",
	"recovery-completed":              "This recovery is already complete",
	"recovery-already-confirmed":      "This recovery is already confirmed; set the new password",
	"recovery-not-confirmed":          "Confirm the code first",
	"recovery-mismatch":               "The code or the identity details are not correct",
	"recovery-busy":                   "Too many concurrent requests for this recovery; try again",
	"current-password-wrong":          "The current password is not correct",
	"contact-kind-unknown":            "No such contact kind; use phone or email",
	"contact-unchanged":               "This is already the account's contact",
	"contact-change-not-found":        "No contact change is waiting for a code; request one first",
	"account-busy":                    "Too many concurrent changes to this account; try again",
	"service-not-found":               "No such service in the catalogue",
	"level-too-low":                   "Confirm your passport and SNILS first (a standard account)",
	"already-confirmed":               "The account is confirmed already",
	"letter-not-found":                "No such letter",
	"letter-reorder-too-soon":         "A new letter can be ordered 30 days after the previous one, or once its code has expired",
	"letter-not-sent":                 "The letter has not been sent yet",
	"letter-used":                     "This letter's code was used already",
	"letter-closed":                   "This letter can no longer be used; order a new one",
	"letter-busy":                     "Too many concurrent requests for this letter; try again",
	"service-unavailable":             "The service is temporarily unavailable; try again shortly",
	// Organisations (SPEC §2.5).
	"confirmed-level-required":          "Confirm your identity first (a confirmed account)",
	"certificate-organisation-mismatch": "The certificate does not name this organisation",
	"ogrn-taken":                        "An organisation with this OGRN exists already",
	"organisation-inn-taken":            "An organisation with this INN exists already",
	"organisation-not-found":            "No such organisation",
	"organisation-head-required":        "Only the organisation's head may do this",
	"organisation-role-required":        "Only the organisation's head and administrators may see this",
	"member-not-eligible":               "No confirmed account has this SNILS and surname",
	"already-member":                    "This person is a member already",
	"member-not-found":                  "This person is not a member",
	"head-not-removable":                "The organisation's head cannot be removed",
	"organisation-member-limit":         "The organisation has as many members as it may",
	"member-add-limit":                  "Too many member additions in the last hour; try again later",
	"organisation-busy":                 "Too many concurrent changes to this organisation; try again",
}

var kindTitles = map[fault.Kind]string{
	fault.Invalid:         "Invalid request",
	fault.Conflict:        "Conflict",
	fault.NotFound:        "Not found",
	fault.Unauthenticated: "Authentication required",
	fault.Forbidden:       "Forbidden",
	fault.RateLimited:     "Too many requests",
	fault.Unavailable:     "Service unavailable",
	fault.TooLarge:        "Request too large",
}

// problem renders a fault as problem+json. Unavailable and RateLimited
// carry Retry-After, in whole seconds rounded up.
func problem(f *fault.Error, requestID string) events.APIGatewayV2HTTPResponse {
	status, ok := statusOf[f.Kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	return render(status, f, requestID)
}

func render(status int, f *fault.Error, requestID string) events.APIGatewayV2HTTPResponse {
	title := titles[f.Slug]
	if title == "" {
		title = kindTitles[f.Kind]
	}
	body, _ := json.Marshal(Problem{
		Type: ProblemBase + f.Slug, Title: title, Status: status,
		RequestID: requestID, Errors: f.Fields,
	})
	headers := map[string]string{"content-type": "application/problem+json", "cache-control": "no-store"}
	retry := f.RetryAfter
	if retry <= 0 && f.Kind == fault.Unavailable {
		retry = 1e9
	}
	if f.Kind == fault.Unauthenticated {
		headers["www-authenticate"] = `Bearer realm="portalid"`
	}
	if retry > 0 {
		headers["retry-after"] = strconv.Itoa(int(math.Ceil(retry.Seconds())))
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: headers, Body: string(body)}
}

// internalError is the only answer to an unexpected error: no detail but
// the request id, which finds the one log line that has the rest.
func internalError(requestID string) events.APIGatewayV2HTTPResponse {
	return problem(&fault.Error{Kind: fault.Unknown, Slug: "internal"}, requestID)
}

func jsonResponse(status int, v any) events.APIGatewayV2HTTPResponse {
	body, err := json.Marshal(v)
	if err != nil {
		// Only our own response types are encoded; they always marshal.
		panic("httpapi: encode response: " + err.Error())
	}
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"content-type": "application/json", "cache-control": "no-store"},
		Body:       string(body),
	}
}
