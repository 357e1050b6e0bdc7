package local_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/portalid/portalid/internal/httpapi"
	"github.com/portalid/portalid/internal/local"
)

func TestGatewayEvent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		method  string
		target  string
		headers map[string][]string
		body    string
		want    events.APIGatewayV2HTTPRequest
	}{
		{
			name:   "route with path parameter, query, cookies and JSON body",
			method: http.MethodPost,
			target: "/v1/registrations/ab%2Fc/confirm?lang=ru&x=1&x=2",
			headers: map[string][]string{
				"Content-Type":    {"application/json; charset=utf-8"},
				"Cookie":          {"a=1; b=2"},
				"X-Multi":         {"one", "two"},
				"User-Agent":      {"test-agent"},
				"Idempotency-Key": {"k1"},
			},
			body: `{"phone":"+79990000000"}`,
			want: events.APIGatewayV2HTTPRequest{
				Version:        "2.0",
				RouteKey:       "POST /v1/registrations/{id}/confirm",
				RawPath:        "/v1/registrations/ab%2Fc/confirm",
				RawQueryString: "lang=ru&x=1&x=2",
				Cookies:        []string{"a=1", "b=2"},
				Headers: map[string]string{
					"content-type":      "application/json; charset=utf-8",
					"content-length":    "24",
					"x-multi":           "one,two",
					"user-agent":        "test-agent",
					"idempotency-key":   "k1",
					"host":              "api.example.test",
					"x-forwarded-for":   "192.0.2.1",
					"x-forwarded-proto": "http",
				},
				QueryStringParameters: map[string]string{"lang": "ru", "x": "1,2"},
				PathParameters:        map[string]string{"id": "ab/c"},
				RequestContext: events.APIGatewayV2HTTPRequestContext{
					RouteKey:     "POST /v1/registrations/{id}/confirm",
					AccountID:    local.AccountID,
					Stage:        "$default",
					APIID:        local.APIID,
					DomainName:   "api.example.test",
					DomainPrefix: "api",
					HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
						Method:    "POST",
						Path:      "/v1/registrations/ab%2Fc/confirm",
						Protocol:  "HTTP/1.1",
						SourceIP:  "192.0.2.1",
						UserAgent: "test-agent",
					},
				},
				Body: `{"phone":"+79990000000"}`,
			},
		},
		{
			name:   "unmatched path goes to $default",
			method: http.MethodGet,
			target: "/nowhere",
			want: events.APIGatewayV2HTTPRequest{
				Version:  "2.0",
				RouteKey: "$default",
				RawPath:  "/nowhere",
				Headers: map[string]string{
					"host":              "api.example.test",
					"x-forwarded-for":   "192.0.2.1",
					"x-forwarded-proto": "http",
				},
				RequestContext: events.APIGatewayV2HTTPRequestContext{
					RouteKey:     "$default",
					AccountID:    local.AccountID,
					Stage:        "$default",
					APIID:        local.APIID,
					DomainName:   "api.example.test",
					DomainPrefix: "api",
					HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
						Method: "GET", Path: "/nowhere", Protocol: "HTTP/1.1", SourceIP: "192.0.2.1",
					},
				},
			},
		},
		{
			name:    "binary body is base64",
			method:  http.MethodPost,
			target:  "/v1/registrations",
			headers: map[string][]string{"Content-Type": {"application/octet-stream"}, "X-Forwarded-For": {"203.0.113.9"}},
			body:    "\x00\x01\xff",
			want: events.APIGatewayV2HTTPRequest{
				Version:  "2.0",
				RouteKey: "POST /v1/registrations",
				RawPath:  "/v1/registrations",
				Headers: map[string]string{
					"content-type":      "application/octet-stream",
					"content-length":    "3",
					"host":              "api.example.test",
					"x-forwarded-for":   "203.0.113.9, 192.0.2.1",
					"x-forwarded-proto": "http",
				},
				RequestContext: events.APIGatewayV2HTTPRequestContext{
					RouteKey:     "POST /v1/registrations",
					AccountID:    local.AccountID,
					Stage:        "$default",
					APIID:        local.APIID,
					DomainName:   "api.example.test",
					DomainPrefix: "api",
					HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
						Method: "POST", Path: "/v1/registrations", Protocol: "HTTP/1.1", SourceIP: "192.0.2.1",
					},
				},
				Body:            base64.StdEncoding.EncodeToString([]byte("\x00\x01\xff")),
				IsBase64Encoded: true,
			},
		},
		{
			name:    "text content type with invalid UTF-8 is base64",
			method:  http.MethodPost,
			target:  "/v1/registrations",
			headers: map[string][]string{"Content-Type": {"text/plain"}},
			body:    "\xff",
			want: events.APIGatewayV2HTTPRequest{
				Version:  "2.0",
				RouteKey: "POST /v1/registrations",
				RawPath:  "/v1/registrations",
				Headers: map[string]string{
					"content-type":      "text/plain",
					"content-length":    "1",
					"host":              "api.example.test",
					"x-forwarded-for":   "192.0.2.1",
					"x-forwarded-proto": "http",
				},
				RequestContext: events.APIGatewayV2HTTPRequestContext{
					RouteKey:     "POST /v1/registrations",
					AccountID:    local.AccountID,
					Stage:        "$default",
					APIID:        local.APIID,
					DomainName:   "api.example.test",
					DomainPrefix: "api",
					HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
						Method: "POST", Path: "/v1/registrations", Protocol: "HTTP/1.1", SourceIP: "192.0.2.1",
					},
				},
				Body:            base64.StdEncoding.EncodeToString([]byte("\xff")),
				IsBase64Encoded: true,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got events.APIGatewayV2HTTPRequest
			var gotRequestID string
			gw := local.NewGateway(func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
				got = ev
				if lc, ok := lambdacontext.FromContext(ctx); ok {
					gotRequestID = lc.AwsRequestID
				}
				return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusNoContent}, nil
			}, httpapi.Match)

			req := httptest.NewRequest(tt.method, "http://api.example.test"+tt.target, strings.NewReader(tt.body))
			for k, vs := range tt.headers {
				for _, v := range vs {
					req.Header.Add(k, v)
				}
			}
			rec := httptest.NewRecorder()
			gw.ServeHTTP(rec, req)

			if rec.Code != http.StatusNoContent {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, http.StatusNoContent, rec.Body)
			}
			if got.RequestContext.RequestID == "" || got.RequestContext.Time == "" || got.RequestContext.TimeEpoch == 0 {
				t.Errorf("request context lacks id or time: %+v", got.RequestContext)
			}
			if gotRequestID == "" {
				t.Error("handler context carries no Lambda request id")
			}
			ignore := cmpopts.IgnoreFields(events.APIGatewayV2HTTPRequestContext{}, "RequestID", "Time", "TimeEpoch")
			if diff := cmp.Diff(tt.want, got, ignore, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("event mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGatewayResponse(t *testing.T) {
	t.Parallel()
	const internal = `{"type":"https://portalid.example/problems/internal","title":"Internal error","status":500}`
	tests := []struct {
		name       string
		resp       events.APIGatewayV2HTTPResponse
		err        error
		panic      bool
		wantStatus int
		wantHeader http.Header
		wantBody   string
	}{
		{
			name: "headers, multi-value headers and cookies",
			resp: events.APIGatewayV2HTTPResponse{
				StatusCode:        http.StatusCreated,
				Headers:           map[string]string{"Content-Type": "application/json", "Location": "/v1/registrations/1"},
				MultiValueHeaders: map[string][]string{"Vary": {"Accept", "Origin"}},
				Cookies:           []string{"a=1; HttpOnly", "b=2; Secure"},
				Body:              `{"id":"1"}`,
			},
			wantStatus: http.StatusCreated,
			wantHeader: http.Header{
				"Content-Type": {"application/json"},
				"Location":     {"/v1/registrations/1"},
				"Vary":         {"Accept", "Origin"},
				"Set-Cookie":   {"a=1; HttpOnly", "b=2; Secure"},
			},
			wantBody: `{"id":"1"}`,
		},
		{
			name: "base64 body is decoded",
			resp: events.APIGatewayV2HTTPResponse{
				StatusCode:      http.StatusOK,
				Headers:         map[string]string{"Content-Type": "image/png"},
				Body:            base64.StdEncoding.EncodeToString([]byte{0x89, 'P', 'N', 'G'}),
				IsBase64Encoded: true,
			},
			wantStatus: http.StatusOK,
			wantHeader: http.Header{"Content-Type": {"image/png"}},
			wantBody:   "\x89PNG",
		},
		{
			name:       "handler error is a 500 problem",
			err:        errors.New("boom"),
			wantStatus: http.StatusInternalServerError,
			wantHeader: http.Header{"Content-Type": {"application/problem+json"}},
			wantBody:   internal,
		},
		{
			name:       "handler panic is a 500 problem",
			panic:      true,
			wantStatus: http.StatusInternalServerError,
			wantHeader: http.Header{"Content-Type": {"application/problem+json"}},
			wantBody:   internal,
		},
		{
			name:       "missing status code is a 500 problem",
			resp:       events.APIGatewayV2HTTPResponse{Body: "x"},
			wantStatus: http.StatusInternalServerError,
			wantHeader: http.Header{"Content-Type": {"application/problem+json"}},
			wantBody:   internal,
		},
		{
			name:       "broken base64 body is a 500 problem",
			resp:       events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "!!", IsBase64Encoded: true},
			wantStatus: http.StatusInternalServerError,
			wantHeader: http.Header{"Content-Type": {"application/problem+json"}},
			wantBody:   internal,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			gw := local.NewGateway(func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
				if tt.panic {
					panic("handler bug")
				}
				return tt.resp, tt.err
			}, httpapi.Match)
			gw.Log = discardLogger()
			srv := httptest.NewServer(gw)
			defer srv.Close()

			res, err := http.Get(srv.URL + "/v1/anything")
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(res.Body)
			_ = res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
			for k, want := range tt.wantHeader {
				if diff := cmp.Diff(want, res.Header.Values(k)); diff != "" {
					t.Errorf("header %s mismatch (-want +got):\n%s", k, diff)
				}
			}
			if string(body) != tt.wantBody {
				t.Errorf("body = %q, want %q", body, tt.wantBody)
			}
		})
	}
}

func TestGatewayBodyLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		size       int
		wantStatus int
		wantCalled bool
	}{
		{"at the limit", local.MaxGatewayBody, http.StatusOK, true},
		{"one byte over", local.MaxGatewayBody + 1, http.StatusRequestEntityTooLarge, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			called := false
			gw := local.NewGateway(func(_ context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
				called = true
				if len(ev.Body) != tt.size {
					t.Errorf("body length = %d, want %d", len(ev.Body), tt.size)
				}
				return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusOK}, nil
			}, nil)
			req := httptest.NewRequest(http.MethodPost, "/v1/registrations", strings.NewReader(strings.Repeat("a", tt.size)))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			gw.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if called != tt.wantCalled {
				t.Errorf("handler called = %v, want %v", called, tt.wantCalled)
			}
			if !tt.wantCalled {
				if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type = %q, want application/problem+json", ct)
				}
				want := `{"type":"https://portalid.example/problems/payload-too-large","title":"Payload too large","status":413}`
				if rec.Body.String() != want {
					t.Errorf("body = %s, want %s", rec.Body, want)
				}
			}
		})
	}
}
