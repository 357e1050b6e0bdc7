package dynamo

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/event"
)

// TestDecodeEvent decodes events as the store writes them into an
// account's and an organisation's partition: the owner comes from the
// partition, and the chain verifies as the flows sealed it.
func TestDecodeEvent(t *testing.T) {
	t.Parallel()
	s := &Store{table: "decode"}
	tests := []struct {
		name, pk, owner string
		wantErr         bool
	}{
		{"an account's", "ACCOUNT#a1", "a1", false},
		{"an organisation's", "ORG#o1", "o1", false},
		{"a claim's", "PHONE#x", "x", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ap := event.Chain(tt.owner, event.Head{}, time.UnixMilli(1_700_000_000_000), event.Origin{IP: "192.0.2.1"}, map[string]string{"role": "head"}, event.OrganisationCreated)
			put, err := s.putEventAt(tt.pk, ap.Events[0])
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeEvent(put.Put.Item)
			if tt.wantErr {
				if err == nil {
					t.Errorf("DecodeEvent(%s) = %v, want an error", tt.pk, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeEvent(%s) error = %v", tt.pk, err)
			}
			if diff := cmp.Diff(ap.Events[0], got); diff != "" {
				t.Errorf("DecodeEvent(%s) mismatch (-want +got):\n%s", tt.pk, diff)
			}
			if broken := event.Verify([]event.Event{got}, event.Head{Seq: got.Seq, Hash: got.Hash}); broken != 0 {
				t.Errorf("event.Verify(decoded) = %d, want 0", broken)
			}
		})
	}
}
