// Package logging builds the slog loggers of portalid. Every logger it
// returns drops the values of known sensitive keys, as a second line of
// defence behind the redacting types (STYLE §11): personal data, codes,
// tokens and passwords must never reach a log line.
package logging

import (
	"log/slog"
	"strings"
)

// Redacted replaces the value of every sensitive attribute.
const Redacted = "[redacted]"

// sensitive is the central list of attribute keys whose values are never
// logged, in normalised form (see normalise). It is matched against the whole
// key, so "requestId" or "idempotencyKey" pass while "key" does not.
var sensitive = map[string]bool{}

// SensitiveKeys returns the list of redacted keys as written in code; tests
// and other packages' canary checks use it.
func SensitiveKeys() []string {
	return []string{
		"password", "code", "token", "phone", "email", "snils", "passport", "inn",
		"birthDate", "address", "name", "surname", "givenName", "patronymic",
		"secret", "key", "authorization", "cookie", "body", "refreshToken",
		"accessToken", "answer",
	}
}

func init() {
	for _, k := range SensitiveKeys() {
		sensitive[normalise(k)] = true
	}
}

// normalise folds case and drops '_' and '-', so "birth_date", "Birth-Date"
// and "birthDate" (or an HTTP header name such as "Authorization") all match
// the same entry.
func normalise(key string) string {
	return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(key))
}

// Sensitive reports whether values logged under key are redacted.
func Sensitive(key string) bool { return sensitive[normalise(key)] }

// ReplaceAttr replaces the value of an attribute whose key is sensitive with
// "[redacted]", at any group depth; other attributes are returned unchanged.
// It has the signature of slog.HandlerOptions.ReplaceAttr. slog never calls
// ReplaceAttr for group attributes themselves, so the loggers built here also
// wrap their handler with one that redacts whole groups (an "address" group
// is dropped as a whole, not only its known sub-keys).
func ReplaceAttr(groups []string, a slog.Attr) slog.Attr {
	if Sensitive(a.Key) {
		return slog.String(a.Key, Redacted)
	}
	return a
}
