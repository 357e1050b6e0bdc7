package config

import (
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	t.Parallel()
	c := Defaults()
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"SMS code TTL", c.Registration.SMSCodeTTL, 300 * time.Second},
		{"e-mail link TTL", c.Registration.EmailLinkTTL, 72 * time.Hour},
		{"resend interval", c.Registration.ResendMinInterval, 60 * time.Second},
		{"sends per window", c.Registration.SendLimit, 5},
		{"send window", c.Registration.SendWindow, time.Hour},
		{"code attempts", c.Registration.CodeMaxAttempts, 5},
		{"recovery lifetime", c.Recovery.TTL, time.Hour},
		{"signature challenge lifetime", c.Signature.ChallengeTTL, 10 * time.Minute},
		{"signature trust list", c.Signature.TrustList, "accredited-cas.pem"},
		{"password min", c.Password.MinLength, 8},
		{"password max", c.Password.MaxLength, 128},
		{"argon2 memory", c.Password.Argon2MemKiB, uint32(19456)},
		{"argon2 time", c.Password.Argon2Time, uint32(2)},
		{"argon2 threads", c.Password.Argon2Threads, uint8(1)},
		{"operator searches per hour", c.Operator.SearchesPerHour, 120},
		{"operator passport check lifetime", c.Operator.PassportCheckTTL, 15 * time.Minute},
		{"letter code lifetime", c.Letter.CodeTTL, 60 * 24 * time.Hour},
		{"letter reminder", c.Letter.ReminderAfter, 14 * 24 * time.Hour},
		{"letter reorder interval", c.Letter.ReorderInterval, 30 * 24 * time.Hour},
		{"letter attempts", c.Letter.MaxAttempts, 5},
		{"session max age", c.Session.SessionMaxAge, 30 * 24 * time.Hour},
		{"postal report timeout", c.Letter.PostalReportTimeoutSecondsString(), "604800"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("Defaults() %s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		check   func(Config) bool
		wantErr []string
	}{
		{"override duration", map[string]string{"SMS_CODE_TTL": "120s"}, func(c Config) bool { return c.Registration.SMSCodeTTL == 2*time.Minute }, nil},
		{"override count", map[string]string{"CODE_MAX_ATTEMPTS": "3"}, func(c Config) bool { return c.Registration.CodeMaxAttempts == 3 }, nil},
		{"resource", map[string]string{"TABLE_NAME": "t1"}, func(c Config) bool { return c.TableName == "t1" }, nil},
		{"empty value keeps default", map[string]string{"SEND_LIMIT": ""}, func(c Config) bool { return c.Registration.SendLimit == 5 }, nil},
		{
			"every bad value reported together",
			map[string]string{"SMS_CODE_TTL": "soon", "SEND_LIMIT": "-1", "ARGON2_THREADS": "none", "ARGON2_TIME": "x"},
			nil,
			[]string{"SMS_CODE_TTL", "SEND_LIMIT", "ARGON2_THREADS", "ARGON2_TIME"},
		},
		{"negative duration", map[string]string{"SEND_WINDOW": "-1h"}, nil, []string{"SEND_WINDOW"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("Load(%v) = nil error, want errors naming %v", tt.env, tt.wantErr)
				}
				for _, name := range tt.wantErr {
					if !strings.Contains(err.Error(), name) {
						t.Errorf("Load() error %q does not name %s", err, name)
					}
				}
				for _, v := range tt.env {
					if v != "" && strings.Contains(err.Error(), v) {
						t.Errorf("Load() error %q repeats the value %q", err, v)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Load(%v) error = %v", tt.env, err)
			}
			if !tt.check(c) {
				t.Errorf("Load(%v) = %+v, not as expected", tt.env, c)
			}
		})
	}
}

func TestVarsAreUnique(t *testing.T) {
	t.Parallel()
	envs, params := map[string]bool{}, map[string]bool{}
	for _, v := range Vars() {
		if envs[v.Env] {
			t.Errorf("Vars() lists %s twice", v.Env)
		}
		envs[v.Env] = true
		if v.Param != "" {
			if params[v.Param] {
				t.Errorf("Vars() lists parameter %s twice", v.Param)
			}
			params[v.Param] = true
		}
		if v.Limit && v.Param == "" {
			t.Errorf("%s is a SPEC limit without a template parameter", v.Env)
		}
	}
}
