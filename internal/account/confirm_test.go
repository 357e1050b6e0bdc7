package account

import (
	"errors"
	"testing"
	"time"

	"github.com/portalid/portalid/internal/event"
)

func TestConfirm(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	head := event.Head{Seq: 7, Hash: []byte("h")}
	cases := []struct {
		name   string
		level  Level
		method Method
		want   error
	}{
		{"standard by letter", Standard, MethodLetter, nil},
		{"standard in person", Standard, MethodInPerson, nil},
		{"standard by signature", Standard, MethodSignature, nil},
		{"simplified refused", Simplified, MethodLetter, ErrNotStandard},
		{"confirmed refused", Confirmed, MethodSignature, ErrAlreadyConfirmed},
		{"unknown method", Standard, Method("gosuslugi"), errUnknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := Account{ID: "acc", Level: tc.level, Events: head}
			c, err := a.Confirm(tc.method, now, event.Origin{IP: "192.0.2.1"}, map[string]string{"letterId": "l1"})
			if tc.want == errUnknown {
				if err == nil {
					t.Fatal("unknown method accepted")
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err != nil {
				return
			}
			if c.Method != tc.method || len(c.Events.Events) != 1 || c.Events.Head.Seq != 7 {
				t.Fatalf("confirmation = %+v", c)
			}
			e := c.Events.Events[0]
			if e.Seq != 8 || e.Kind != event.LevelChanged || e.Details["to"] != "confirmed" || e.Details["method"] != string(tc.method) || e.Details["letterId"] != "l1" {
				t.Fatalf("event = %+v", e)
			}
		})
	}
}

var errUnknown = errors.New("unknown method")
