package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/portalid/portalid/internal/fault"
)

// MaxBody is the largest request body the API accepts, in bytes.
const MaxBody = 16 << 10

var safeFieldName = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)

// decode reads a JSON object body into v: application/json (or one of the
// media types in also) only, at most
// MaxBody bytes, no unknown fields, one value. An empty body is allowed
// when optional is true and leaves v as it is.
func decode(req events.APIGatewayV2HTTPRequest, v any, optional bool, also ...string) error {
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(req.Body)
		if err != nil {
			return fault.New(fault.Invalid, "malformed-json")
		}
		body = b
	}
	if len(body) > MaxBody {
		return fault.New(fault.TooLarge, "body-too-large")
	}
	if len(bytes.TrimSpace(body)) == 0 && optional {
		return nil
	}
	if mt, _, err := mime.ParseMediaType(header(req, "content-type")); err != nil || (mt != "application/json" && !slices.Contains(also, mt)) {
		return fault.New(fault.Invalid, "unsupported-media-type")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fault.New(fault.Invalid, "malformed-json")
	}
	return nil
}

// decodeError maps encoding/json errors to field faults. It names fields
// by JSON pointer and never repeats a value from the body.
func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		ptr := ""
		if typeErr.Field != "" {
			ptr = "/" + strings.ReplaceAll(typeErr.Field, ".", "/")
		}
		return fault.InvalidFields(fault.Field{Pointer: ptr, Reason: "wrong-type"})
	}
	// encoding/json reports unknown fields only in its message.
	if name, ok := strings.CutPrefix(err.Error(), `json: unknown field "`); ok {
		name = strings.TrimSuffix(name, `"`)
		ptr := ""
		if safeFieldName.MatchString(name) {
			ptr = "/" + name
		}
		return fault.InvalidFields(fault.Field{Pointer: ptr, Reason: "unknown-field"})
	}
	return fault.New(fault.Invalid, "malformed-json")
}

// header returns a request header; API Gateway lower-cases their names.
func header(req events.APIGatewayV2HTTPRequest, name string) string {
	if v, ok := req.Headers[name]; ok {
		return v
	}
	for k, v := range req.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// locale picks the message language from Accept-Language: English when
// the client prefers it, Russian otherwise.
func locale(req events.APIGatewayV2HTTPRequest) string {
	for _, part := range strings.Split(header(req, "accept-language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(tag)
		switch {
		case tag == "ru" || strings.HasPrefix(tag, "ru-"):
			return "ru"
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return "en"
		}
	}
	return "ru"
}

// invalidQuery is the fault for a malformed query parameter.
func invalidQuery(pointer string) error {
	return fault.InvalidFields(fault.Field{Pointer: pointer, Reason: "query-invalid"})
}
