package settings

import (
	"context"
	"fmt"
	"slices"

	"github.com/portalid/portalid/internal/account"
	"github.com/portalid/portalid/internal/fault"
)

// channelKinds maps each notification channel to the contact kind it needs,
// in the order channels are stored.
var channelKinds = []struct{ channel, kind string }{
	{account.ChannelSMS, "phone"},
	{account.ChannelEmail, "email"},
}

// SetNotificationChannels stores the channels the person prefers for
// notices: at least one, each backed by a confirmed contact of its kind.
// It returns them in the stored order. Contacts are only ever added or
// replaced, never removed, so a channel once allowed stays allowed.
func (f *Flow) SetNotificationChannels(ctx context.Context, a account.Account, channels []string) ([]string, error) {
	var fs fault.Fields
	if len(channels) == 0 {
		fs.Add("/channels", "channels-required")
	}
	for i, ch := range channels {
		ptr := fmt.Sprintf("/channels/%d", i)
		k := slices.IndexFunc(channelKinds, func(c struct{ channel, kind string }) bool { return c.channel == ch })
		switch {
		case k < 0:
			fs.Add(ptr, "channel-unknown")
		case slices.Index(channels, ch) != i:
			fs.Add(ptr, "channel-repeated")
		default:
			if _, ok := a.Contact(channelKinds[k].kind); !ok {
				fs.Add(ptr, "channel-without-contact")
			}
		}
	}
	if err := fs.Err(); err != nil {
		return nil, err
	}
	var out []string
	for _, c := range channelKinds {
		if slices.Contains(channels, c.channel) {
			out = append(out, c.channel)
		}
	}
	if err := f.Store.SetNotificationChannels(ctx, a.ID, out); err != nil {
		return nil, fmt.Errorf("set notification channels of %s: %w", a.ID, err)
	}
	return out, nil
}
