package local

import (
	"testing"
	"time"
)

func TestSubstitute(t *testing.T) {
	t.Parallel()
	subs := map[string]string{"FnArn": "arn:aws:lambda:us-east-1:000000000000:function:f", "Days": "5"}
	tests := []struct {
		name, in, want, wantErr string
	}{
		{"none", `{"a":1}`, `{"a":1}`, ""},
		{"in strings and out", `{"r":"${FnArn}","n":${Days}}`, `{"r":"arn:aws:lambda:us-east-1:000000000000:function:f","n":5}`, ""},
		{"literal", `{"c":"${!FnArn} stays"}`, `{"c":"${FnArn} stays"}`, ""},
		{"unclosed", `"${FnArn and no brace"`, `"${FnArn and no brace"`, ""},
		{"missing, each listed once", `"${A}${FnArn}${B}${A}"`, "", "no substitution for ${A}, ${B}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := substitute(tt.in, subs)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("substitute(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("substitute(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestExecutionARNPrefix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{StateMachineARN("identity-check"), "arn:aws:states:us-east-1:000000000000:execution:identity-check:", true},
		{"arn:aws:states:us-east-1:000000000000:execution:identity-check:x", "", false},
		{"arn:aws:lambda:us-east-1:000000000000:function:f", "", false},
		{"arn:aws:states:us-east-1:000000000000:stateMachine:", "", false},
	}
	for _, tt := range tests {
		got, ok := executionARNPrefix(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("executionARNPrefix(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if got := StateMachineEnv("identity-check"); got != "IDENTITY_CHECK_STATE_MACHINE_ARN" {
		t.Errorf("StateMachineEnv(identity-check) = %q", got)
	}
}

func TestSFNTimeReal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		t    SFNTime
		in   time.Duration
		want time.Duration
	}{
		{SFNTime{}, 5 * 24 * time.Hour, 5 * time.Second},
		{SFNTime{Day: 10 * time.Millisecond}, 60 * 24 * time.Hour, 600 * time.Millisecond},
		{SFNTime{Day: time.Second, Instant: true}, time.Hour, time.Second / 24},
	}
	for _, tt := range tests {
		if got := tt.t.Real(tt.in); got != tt.want {
			t.Errorf("%+v.Real(%s) = %s, want %s", tt.t, tt.in, got, tt.want)
		}
	}
}
