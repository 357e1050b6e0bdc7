package settings_test

import (
	"context"

	"github.com/portalid/portalid/internal/flow/flowtest"
)

var ctx = context.Background()

const (
	password    = flowtest.Password
	newPassword = "Harbour-Comet-93"
	ip          = "203.0.113.9"
)
